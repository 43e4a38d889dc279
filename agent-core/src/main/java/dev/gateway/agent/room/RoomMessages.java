package dev.gateway.agent.room;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import livekit.LivekitModels;

/**
 * The data packets the phone participant exchanges with the room (LiveKit's {@code DataPacket} protobuf, as sent
 * over the {@code _reliable} data channel): DTMF in both forms agents listen for, and the RPC protocol (request ->
 * ack -> response) through which agents act on the call. Pure; thread-safe.
 */
public final class RoomMessages {
    /** Topic of the user packet that carries DTMF as JSON (what many agents, LiveKit's Node example among them, read). */
    public static final String DTMF_TOPIC = "sip_dtmf";
    /** RPC error codes from LiveKit's client SDKs. */
    public static final int RPC_APPLICATION_ERROR = 1500;
    public static final int RPC_UNSUPPORTED_METHOD = 1400;

    private RoomMessages() {
    }

    /** What arrived from the room. */
    public sealed interface Incoming permits Dtmf, RpcCall, Other {
    }

    /** A {@code SipDTMF} packet for the phone. */
    public record Dtmf(char digit) implements Incoming {
    }

    /** An RPC request addressed to us. */
    public record RpcCall(String id, String method, String payload, String callerIdentity, int timeoutMillis) implements Incoming {
    }

    /** Anything else (chat, transcriptions, other participants' user packets): ignored. */
    public record Other(String kind) implements Incoming {
    }

    /** Reads one data channel message; malformed input is reported as {@code Other("malformed")}. */
    public static Incoming parse(byte[] data, int off, int len) {
        LivekitModels.DataPacket p;
        try {
            p = LivekitModels.DataPacket.parseFrom(ByteString.copyFrom(data, off, len));
        } catch (InvalidProtocolBufferException e) {
            return new Other("malformed");
        }
        switch (p.getValueCase()) {
            case SIP_DTMF: {
                String d = p.getSipDtmf().getDigit();
                char digit = !d.isEmpty() ? d.charAt(0) : digitOf(p.getSipDtmf().getCode());
                return digit == 0 ? new Other("dtmf with no digit") : new Dtmf(digit);
            }
            case RPC_REQUEST: {
                LivekitModels.RpcRequest r = p.getRpcRequest();
                return new RpcCall(r.getId(), r.getMethod(), r.getPayload(), p.getParticipantIdentity(), r.getResponseTimeoutMs());
            }
            default:
                return new Other(p.getValueCase().name().toLowerCase());
        }
    }

    /** The two DTMF packets for one key press: {@code sip_dtmf} and a user packet on topic {@code sip_dtmf}. */
    public static List<byte[]> dtmf(String identity, char digit) {
        int code = codeOf(digit);
        byte[] typed = LivekitModels.DataPacket.newBuilder()
                .setKind(LivekitModels.DataPacket.Kind.RELIABLE)
                .setParticipantIdentity(identity)
                .setSipDtmf(LivekitModels.SipDTMF.newBuilder().setCode(code).setDigit(String.valueOf(digit)))
                .build().toByteArray();
        String json = "{\"code\":" + code + ",\"digit\":\"" + digit + "\"}";
        return List.of(typed, user(identity, DTMF_TOPIC, json));
    }

    /** A reliable user packet from {@code identity} on {@code topic} carrying {@code json}. */
    public static byte[] user(String identity, String topic, String json) {
        return LivekitModels.DataPacket.newBuilder()
                .setKind(LivekitModels.DataPacket.Kind.RELIABLE)
                .setParticipantIdentity(identity)
                .setUser(LivekitModels.UserPacket.newBuilder().setParticipantIdentity(identity).setTopic(topic)
                        .setPayload(ByteString.copyFrom(json, StandardCharsets.UTF_8)))
                .build().toByteArray();
    }

    /** The acknowledgement sent as soon as an RPC request is accepted. */
    public static byte[] rpcAck(String requestId, String callerIdentity) {
        return LivekitModels.DataPacket.newBuilder().setKind(LivekitModels.DataPacket.Kind.RELIABLE)
                .addDestinationIdentities(callerIdentity)
                .setRpcAck(LivekitModels.RpcAck.newBuilder().setRequestId(requestId))
                .build().toByteArray();
    }

    /** A successful RPC response. */
    public static byte[] rpcResult(String requestId, String callerIdentity, String payload) {
        return LivekitModels.DataPacket.newBuilder().setKind(LivekitModels.DataPacket.Kind.RELIABLE)
                .addDestinationIdentities(callerIdentity)
                .setRpcResponse(LivekitModels.RpcResponse.newBuilder().setRequestId(requestId).setPayload(payload))
                .build().toByteArray();
    }

    /** A failed RPC response. */
    public static byte[] rpcError(String requestId, String callerIdentity, int code, String message) {
        return LivekitModels.DataPacket.newBuilder().setKind(LivekitModels.DataPacket.Kind.RELIABLE)
                .addDestinationIdentities(callerIdentity)
                .setRpcResponse(LivekitModels.RpcResponse.newBuilder().setRequestId(requestId)
                        .setError(LivekitModels.RpcError.newBuilder().setCode(code).setMessage(message)))
                .build().toByteArray();
    }

    /** RFC 4733 event code of a key: 0-9, * = 10, # = 11, A-D = 12-15. */
    static int codeOf(char digit) {
        return dev.gateway.media.dtmf.DtmfDigit.toEvent(digit);
    }

    private static char digitOf(int code) {
        return dev.gateway.media.dtmf.DtmfDigit.toChar(code);
    }
}
