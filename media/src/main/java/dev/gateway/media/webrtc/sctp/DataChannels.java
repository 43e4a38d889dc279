package dev.gateway.media.webrtc.sctp;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The Data Channel Establishment Protocol (RFC 8832) over one {@link SctpAssociation}: opens channels with
 * DATA_CHANNEL_OPEN, answers the peer's with DATA_CHANNEL_ACK, and routes user messages by stream to channels.
 *
 * <p>Stream ids: the DTLS client uses even ids and the DTLS server odd ones (RFC 8832 §6), so both may open
 * channels without colliding. For LiveKit: on the subscriber PC the server opens {@code _reliable} and
 * {@code _lossy} and we receive {@link Listener#onChannel}; on the publisher PC we open our own two.
 *
 * <p>Channel close (stream reset, RFC 6525) is not implemented: channels live as long as the association.
 *
 * <p>Not thread-safe: confined to the association's loop, like it.
 */
public final class DataChannels implements SctpAssociation.Listener {

    /** Upcalls on the association's loop. */
    public interface Listener {
        /** The association is up; {@link #open} may be called. */
        default void onEstablished() {
        }

        /** The peer opened a channel (already acknowledged). */
        void onChannel(DataChannel channel);

        /** The peer acknowledged a channel we opened. */
        default void onOpen(DataChannel channel) {
        }

        /** A message on a channel; {@code text} for PPIDs 51/56. {@code data} belongs to the listener. */
        void onMessage(DataChannel channel, byte[] data, boolean text);

        /** The association closed; every channel is closed. */
        default void onClosed(String reason) {
        }
    }

    private final boolean dtlsClient;
    private final Listener listener;
    private final Map<Integer, DataChannel> channels = new HashMap<>();
    private SctpAssociation association;
    private int nextStreamId;
    private long malformed;

    private DataChannels(boolean dtlsClient, Listener listener) {
        this.dtlsClient = dtlsClient;
        this.listener = listener;
        this.nextStreamId = dtlsClient ? 0 : 1;
    }

    /** Builds the association (port 5000 both sides, RFC 8841 default) with DCEP on top. */
    public static DataChannels create(boolean dtlsClient, SctpAssociation.Output out, Listener listener) {
        return create(dtlsClient, 5000, 5000, out, listener);
    }

    public static DataChannels create(boolean dtlsClient, int localPort, int remotePort, SctpAssociation.Output out,
            Listener listener) {
        DataChannels dc = new DataChannels(dtlsClient, listener);
        dc.association = new SctpAssociation(dtlsClient, localPort, remotePort, out, dc);
        return dc;
    }

    /** The association underneath: feed it packets and ticks, start and stop it. */
    public SctpAssociation association() {
        return association;
    }

    /** Channels by stream id, read-only view. */
    public Collection<DataChannel> channels() {
        return Collections.unmodifiableCollection(channels.values());
    }

    /** DCEP messages dropped as malformed or unexpected. */
    public long malformedMessages() {
        return malformed;
    }

    /**
     * Opens a channel: sends DATA_CHANNEL_OPEN on the next free stream of our parity. Returns the channel in state
     * CONNECTING (it may send at once), or null when the association is not established or refuses the OPEN.
     */
    public DataChannel open(String label, boolean ordered, int maxRetransmits) {
        int sid = nextStreamId;
        while (channels.containsKey(sid)) {
            sid += 2;
        }
        if (sid >= SctpAssociation.STREAMS) {
            return null;
        }
        DataChannelOpen open = DataChannelOpen.of(label, ordered, maxRetransmits);
        byte[] bytes = open.encode();
        if (!association.send(sid, DataChannel.PPID_DCEP, bytes, 0, bytes.length, true, -1)) {
            return null;
        }
        nextStreamId = sid + 2;
        DataChannel channel = new DataChannel(this, sid, open, DataChannel.State.CONNECTING);
        channels.put(sid, channel);
        return channel;
    }

    @Override
    public void onEstablished() {
        listener.onEstablished();
    }

    @Override
    public void onMessage(int streamId, int ppid, byte[] data, int off, int len) {
        if (ppid == DataChannel.PPID_DCEP) {
            onDcep(streamId, data, off, len);
            return;
        }
        DataChannel channel = channels.get(streamId);
        if (channel == null) {
            malformed++;
            return;
        }
        if (channel.state() == DataChannel.State.CONNECTING) {
            acknowledged(channel); // RFC 8832 §6: user data from the peer implies its ACK
        }
        switch (ppid) {
            case DataChannel.PPID_STRING -> listener.onMessage(channel, slice(data, off, len), true);
            case DataChannel.PPID_BINARY -> listener.onMessage(channel, slice(data, off, len), false);
            case DataChannel.PPID_STRING_EMPTY -> listener.onMessage(channel, new byte[0], true);
            case DataChannel.PPID_BINARY_EMPTY -> listener.onMessage(channel, new byte[0], false);
            default -> malformed++;
        }
    }

    private void onDcep(int streamId, byte[] data, int off, int len) {
        if (len == 1 && data[off] == DataChannelOpen.MESSAGE_ACK) {
            DataChannel channel = channels.get(streamId);
            if (channel != null && channel.state() == DataChannel.State.CONNECTING) {
                acknowledged(channel);
            }
            return;
        }
        DataChannelOpen open = DataChannelOpen.decode(data, off, len);
        boolean peerParity = (streamId % 2 == 0) != dtlsClient;
        if (open == null || !peerParity || channels.containsKey(streamId)) {
            malformed++;
            return;
        }
        byte[] ack = {DataChannelOpen.MESSAGE_ACK};
        association.send(streamId, DataChannel.PPID_DCEP, ack, 0, 1, true, -1);
        DataChannel channel = new DataChannel(this, streamId, open, DataChannel.State.OPEN);
        channels.put(streamId, channel);
        listener.onChannel(channel);
    }

    private void acknowledged(DataChannel channel) {
        channel.state(DataChannel.State.OPEN);
        listener.onOpen(channel);
    }

    @Override
    public void onClosed(String reason) {
        for (DataChannel c : channels.values()) {
            c.state(DataChannel.State.CLOSED);
        }
        listener.onClosed(reason);
    }

    private static byte[] slice(byte[] data, int off, int len) {
        return off == 0 && len == data.length ? data : java.util.Arrays.copyOfRange(data, off, off + len);
    }
}
