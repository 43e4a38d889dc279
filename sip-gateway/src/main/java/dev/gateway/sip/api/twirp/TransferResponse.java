package dev.gateway.sip.api.twirp;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import livekit.LivekitSip;

/**
 * {@code livekit.TransferSIPParticipantResponse}, which the protocol classes of {@code io.livekit:livekit-server}
 * 0.13.0 predate: current server SDKs read its {@code status} and treat anything but
 * {@code STS_TRANSFER_SUCCESSFUL} as "not completed". Built here as a dynamic message with the protocol's field
 * numbers (transfer_id 1, status 2, reason 3, sip_status 4), so it encodes to the same protobuf and JSON.
 * Thread-safe (immutable descriptor).
 */
final class TransferResponse {
    /** {@code SIPTransferReason.STR_COMPLETED}; the enum is not in 0.13.0, the field carries its number. */
    static final int REASON_COMPLETED = 1;

    private static final Descriptors.Descriptor TYPE = build();

    private TransferResponse() {
    }

    static Message successful(int sipStatusCode, String sipStatus) {
        Message status = LivekitSip.SIPStatus.newBuilder().setCodeValue(sipStatusCode).setStatus(sipStatus).build();
        return DynamicMessage.newBuilder(TYPE)
                .setField(TYPE.findFieldByName("status"),
                        LivekitSip.SIPTransferStatus.STS_TRANSFER_SUCCESSFUL.getValueDescriptor())
                .setField(TYPE.findFieldByName("reason"), REASON_COMPLETED)
                .setField(TYPE.findFieldByName("sip_status"), status)
                .build();
    }

    private static Descriptors.Descriptor build() {
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("gateway/transfer_sip_participant_response.proto")
                .setPackage("livekit")
                .setSyntax("proto3")
                .addDependency(LivekitSip.getDescriptor().getName())
                .addMessageType(DescriptorProto.newBuilder().setName("TransferSIPParticipantResponse")
                        .addField(field("transfer_id", 1, FieldDescriptorProto.Type.TYPE_STRING, null))
                        .addField(field("status", 2, FieldDescriptorProto.Type.TYPE_ENUM, ".livekit.SIPTransferStatus"))
                        .addField(field("reason", 3, FieldDescriptorProto.Type.TYPE_INT32, null))
                        .addField(field("sip_status", 4, FieldDescriptorProto.Type.TYPE_MESSAGE, ".livekit.SIPStatus")))
                .build();
        try {
            return Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[] {LivekitSip.getDescriptor()})
                    .findMessageTypeByName("TransferSIPParticipantResponse");
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalStateException("bad TransferSIPParticipantResponse descriptor", e);
        }
    }

    private static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Type type, String typeName) {
        FieldDescriptorProto.Builder f = FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).setJsonName(toCamel(name));
        if (typeName != null) {
            f.setTypeName(typeName);
        }
        return f.build();
    }

    private static String toCamel(String snake) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }
}
