package dev.gateway.sip.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import livekit.LivekitSip.SIPDispatchRuleInfo;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import livekit.LivekitSip.SIPOutboundTrunkInfo;

/**
 * The data file of {@link SipStore}: {@code <dataDir>/sip-api.json}, holding the entries created through the SIP
 * API as LiveKit's protojson (snake_case field names, so an operator can read and hand-edit it):
 * <pre>
 * {"version": 1,
 *  "inbound":  [SIPInboundTrunkInfo, ...],
 *  "outbound": [SIPOutboundTrunkInfo, ...],
 *  "rules":    [SIPDispatchRuleInfo, ...]}
 * </pre>
 * Writes are atomic: the new contents go to a temporary file in the same directory, which is fsynced and then
 * renamed over the old file with {@code ATOMIC_MOVE}; the directory is fsynced after the rename (where the
 * platform allows), so a crash leaves either the old file or the new one, never a torn one. Not thread-safe:
 * {@link SipStore} calls it under its lock.
 */
final class SipStoreFile implements SipStorage {

    static final String FILE_NAME = "sip-api.json";
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private final Path directory;
    private final Path file;

    SipStoreFile(Path directory) {
        this.directory = directory;
        this.file = directory.resolve(FILE_NAME);
    }

    Path path() {
        return file;
    }

    @Override
    public String describe() {
        return file.toString();
    }

    /** Reads the file; a missing file is empty. Creates the directory if needed. */
    @Override
    public Contents read() throws IOException {
        Files.createDirectories(directory);
        if (!Files.exists(file)) {
            return Contents.EMPTY;
        }
        JsonNode root = JSON.readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": expected a JSON object");
        }
        int version = root.path("version").asInt(-1);
        if (version != VERSION) {
            throw new IOException(file + ": unsupported version " + root.path("version") + " (expected " + VERSION + ")");
        }
        return new Contents(list(root, "inbound", SIPInboundTrunkInfo::newBuilder),
                list(root, "outbound", SIPOutboundTrunkInfo::newBuilder),
                list(root, "rules", SIPDispatchRuleInfo::newBuilder));
    }

    /** Replaces the file's contents atomically; on failure the old file is untouched and no temp file is left. */
    @Override
    public void write(Change change, Contents contents) throws IOException {
        Files.createDirectories(directory);
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.set("inbound", array(contents.inbound()));
        root.set("outbound", array(contents.outbound()));
        root.set("rules", array(contents.rules()));
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);

        Path temp = Files.createTempFile(directory, FILE_NAME + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + directory + " cannot rename atomically", e);
            }
        } finally {
            Files.deleteIfExists(temp); // gone after a successful move; removes the leftover after a failure
        }
        syncDirectory();
    }

    /** Makes the rename durable. Opening a directory for reading works on Linux and macOS, not on Windows. */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the data itself is already synced
        }
    }

    private static ArrayNode array(List<? extends Message> messages) throws IOException {
        ArrayNode out = JSON.createArrayNode();
        for (Message m : messages) {
            out.add(JSON.readTree(PRINTER.print(m)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private <T extends Message> List<T> list(JsonNode root, String name, Supplier<? extends Message.Builder> builder)
            throws IOException {
        JsonNode array = root.get(name);
        List<T> out = new ArrayList<>();
        if (array == null || array.isNull()) {
            return out;
        }
        if (!array.isArray()) {
            throw new IOException(file + ": \"" + name + "\" must be a list");
        }
        for (int i = 0; i < array.size(); i++) {
            Message.Builder b = builder.get();
            try {
                PARSER.merge(JSON.writeValueAsString(array.get(i)), b);
            } catch (InvalidProtocolBufferException e) {
                throw new IOException(file + ": " + name + "[" + i + "]: " + e.getMessage(), e);
            }
            out.add((T) b.build());
        }
        return out;
    }
}
