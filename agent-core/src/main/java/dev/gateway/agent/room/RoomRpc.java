package dev.gateway.agent.room;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.agent.PhoneLeg;
import dev.gateway.agent.TransferTarget;
import dev.gateway.media.dtmf.DtmfDigit;
import java.util.function.Predicate;

/**
 * What the room asks of the phone over data packets: DTMF to play to the caller, and LiveKit RPC on the phone
 * participant so an agent can act on the call from wherever it runs: {@code sip.hangup}, {@code sip.transfer}
 * (payload: the target URI, or {"to": ...}), {@code sip.dtmf} (payload: digits, or {"digits": ...}) and
 * {@code sip.recording} (payload: start, stop, pause or resume, or {"action": ...}; result: the recording's state). Every
 * request is acknowledged at once, then answered with a result or an error.
 *
 * <p>Threading: loop-confined; a transfer's outcome hops back onto the loop before it is answered.
 */
final class RoomRpc {
    private static final System.Logger LOG = System.getLogger("room");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String callId;
    private final PhoneLeg leg;
    private final CallLoop loop;
    private final Predicate<byte[]> replies;

    /**
     * @param replies sends one packet to the room (the reliable data channel); false when it could not be sent
     */
    RoomRpc(String callId, PhoneLeg leg, CallLoop loop, Predicate<byte[]> replies) {
        this.callId = callId;
        this.leg = leg;
        this.loop = loop;
        this.replies = replies;
    }

    /** One data channel message from the room. */
    void onRoomData(byte[] message) {
        RoomMessages.Incoming in = RoomMessages.parse(message, 0, message.length);
        if (in instanceof RoomMessages.Dtmf d) {
            leg.sendDtmf(String.valueOf(d.digit()));
        } else if (in instanceof RoomMessages.RpcCall rpc) {
            onRpc(rpc);
        }
    }

    private void onRpc(RoomMessages.RpcCall rpc) {
        reply(RoomMessages.rpcAck(rpc.id(), rpc.callerIdentity()));
        String arg = argument(rpc.payload(), switch (rpc.method()) {
            case "sip.transfer" -> "to";
            case "sip.recording" -> "action";
            default -> "digits";
        });
        switch (rpc.method()) {
            case "sip.hangup" -> {
                reply(RoomMessages.rpcResult(rpc.id(), rpc.callerIdentity(), "ok"));
                log("hangup requested over RPC by " + rpc.callerIdentity());
                leg.hangup("hangup requested by " + rpc.callerIdentity());
            }
            case "sip.dtmf" -> {
                if (arg.isEmpty() || !arg.chars().allMatch(c -> DtmfDigit.isValid((char) c))) {
                    error(rpc, RoomMessages.RPC_APPLICATION_ERROR, "digits must be 0-9, *, #, A-D");
                    return;
                }
                leg.sendDtmf(arg);
                reply(RoomMessages.rpcResult(rpc.id(), rpc.callerIdentity(), "ok"));
            }
            case "sip.transfer" -> {
                String problem = TransferTarget.problem(arg);
                if (problem != null) {
                    error(rpc, RoomMessages.RPC_APPLICATION_ERROR, problem);
                    return;
                }
                log("transfer to " + arg + " requested over RPC by " + rpc.callerIdentity());
                leg.transfer(arg).whenComplete((result, failure) -> loop.execute(() -> {
                    if (failure == null && result.succeeded()) {
                        reply(RoomMessages.rpcResult(rpc.id(), rpc.callerIdentity(), "transferred"));
                    } else {
                        error(rpc, RoomMessages.RPC_APPLICATION_ERROR, failure != null ? failure.getMessage()
                                : result.reason() + " (SIP " + result.sipStatus() + ")");
                    }
                }));
            }
            case "sip.recording" -> {
                log("recording " + arg + " requested over RPC by " + rpc.callerIdentity());
                leg.recording(arg).whenComplete((state, failure) -> loop.execute(() -> {
                    if (failure == null) {
                        reply(RoomMessages.rpcResult(rpc.id(), rpc.callerIdentity(), state));
                    } else {
                        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        error(rpc, RoomMessages.RPC_APPLICATION_ERROR, String.valueOf(cause.getMessage()));
                    }
                }));
            }
            default -> error(rpc, RoomMessages.RPC_UNSUPPORTED_METHOD,
                    "unsupported method " + rpc.method() + " (sip.hangup, sip.transfer, sip.dtmf, sip.recording)");
        }
    }

    private void error(RoomMessages.RpcCall rpc, int code, String message) {
        reply(RoomMessages.rpcError(rpc.id(), rpc.callerIdentity(), code, message));
    }

    private void reply(byte[] packet) {
        if (!replies.test(packet)) {
            log("RPC reply not sent: data channel not open");
        }
    }

    /** An RPC payload is either the bare value or a JSON object holding it under {@code field}. */
    static String argument(String payload, String field) {
        String p = payload == null ? "" : payload.strip();
        if (p.startsWith("{")) {
            try {
                return JSON.readTree(p).path(field).asText("").strip();
            } catch (Exception e) {
                return "";
            }
        }
        return p;
    }

    private void log(String event) {
        LOG.log(System.Logger.Level.INFO, "[" + callId + "] " + event);
    }
}
