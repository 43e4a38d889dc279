package dev.gateway.sip.api.twirp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Twirp wire encodings (Twirp spec v7): request and response bodies as binary protobuf
 * ({@code application/protobuf}) or protojson ({@code application/json}), and the JSON error body. JSON requests
 * accept proto and lowerCamel field names and ignore unknown fields; JSON responses use proto field names and
 * print fields left at their defaults, as twirp-go servers do by default. Pure and thread-safe.
 */
final class TwirpCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

    /** A request's body encoding, chosen by its {@code Content-Type}; the response uses the same. */
    enum Encoding {
        JSON("application/json"), PROTOBUF("application/protobuf");

        private final String contentType;

        Encoding(String contentType) {
            this.contentType = contentType;
        }

        String contentType() {
            return contentType;
        }

        /**
         * @param contentType header value, parameters (charset) ignored
         * @throws TwirpException {@code bad_route} for any other type, as twirp-go answers
         */
        static Encoding of(String contentType) {
            String base = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            return switch (base) {
                case "application/json" -> JSON;
                case "application/protobuf", "application/x-protobuf" -> PROTOBUF;
                default -> throw new TwirpException("bad_route", "unexpected Content-Type: '"
                        + (contentType == null ? "" : contentType) + "' (use application/json or application/protobuf)");
            };
        }
    }

    private static final Pattern ONEOF_CONFLICT = Pattern.compile(
            "Cannot set field ([\\w.]+) because another field ([\\w.]+) belonging to the same oneof");

    private TwirpCodec() {
    }

    /**
     * Decodes a request body; an empty body is the default message.
     *
     * @throws TwirpException {@code malformed} if the body cannot be decoded
     */
    @SuppressWarnings("unchecked")
    static <T extends Message> T decode(Encoding encoding, byte[] body, T prototype) {
        Message.Builder b = prototype.newBuilderForType();
        try {
            if (encoding == Encoding.PROTOBUF) {
                b.mergeFrom(body);
            } else if (!new String(body, StandardCharsets.UTF_8).isBlank()) {
                PARSER.merge(new String(body, StandardCharsets.UTF_8), b);
            }
        } catch (InvalidProtocolBufferException e) {
            TwirpException oneof = oneofConflict(e.getMessage(), prototype);
            if (oneof != null) {
                throw oneof;
            }
            throw new TwirpException("malformed", "the " + (encoding == Encoding.JSON ? "json" : "protobuf")
                    + " request could not be decoded as " + prototype.getDescriptorForType().getFullName() + ": "
                    + e.getMessage());
        }
        return (T) b.build();
    }

    /**
     * JsonFormat refuses two members of one oneof (e.g. two dispatch rule kinds) with "Cannot set field X because
     * another field Y belonging to the same oneof has already been set": that is a wrong argument, not a broken
     * body, so it becomes {@code invalid_argument} naming the oneof.
     */
    private static TwirpException oneofConflict(String message, Message prototype) {
        Matcher m = ONEOF_CONFLICT.matcher(message == null ? "" : message);
        if (!m.find()) {
            return null;
        }
        String second = m.group(1);
        String first = m.group(2);
        String oneof = "";
        int dot = second.lastIndexOf('.');
        Descriptors.Descriptor type = prototype.getDescriptorForType().getFile()
                .findMessageTypeByName(second.substring(second.indexOf('.') + 1, dot));
        if (type != null && type.findFieldByName(second.substring(dot + 1)) != null
                && type.findFieldByName(second.substring(dot + 1)).getContainingOneof() != null) {
            oneof = type.findFieldByName(second.substring(dot + 1)).getContainingOneof().getName();
        }
        String a = first.substring(first.lastIndexOf('.') + 1);
        String b = second.substring(dot + 1);
        return TwirpException.invalidArgument(oneof, (oneof.isEmpty() ? "" : oneof + ": ") + "set exactly one of "
                + "its kinds, got both " + a + " and " + b);
    }

    static byte[] encode(Encoding encoding, Message message) {
        if (encoding == Encoding.PROTOBUF) {
            return message.toByteArray();
        }
        try {
            return PRINTER.print(message).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName(), e);
        }
    }

    /** {@code {"code": ..., "msg": ..., "meta": {...}}} (meta left out when empty). */
    static byte[] errorBody(TwirpException e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("code", e.code());
        n.put("msg", e.getMessage() == null ? "" : e.getMessage());
        if (!e.meta().isEmpty()) {
            ObjectNode meta = n.putObject("meta");
            e.meta().forEach(meta::put);
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
