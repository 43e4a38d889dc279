package dev.gateway.media.webrtc;

import dev.gateway.media.webrtc.sctp.DataChannel;
import dev.gateway.media.webrtc.sctp.DataChannels;
import dev.gateway.media.webrtc.sctp.SctpAssociation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The data-channel half of a {@link PeerTransport}: SCTP over its DTLS association (RFC 8261) with DCEP channels
 * (RFC 8832), the channels we open once the association is up, and the ones the peer opens, by label.
 *
 * <p>Threading: confined to the transport's event loop, like the transport.
 */
final class PeerDataLink {
    private static final System.Logger LOG = System.getLogger("webrtc");

    private final String name;
    private final PeerTransport.Listener listener;
    private final Map<String, DataChannel> channelsByLabel = new HashMap<>();
    private List<PeerTransport.DataChannelSpec> channelsToOpen = List.of();
    private DataChannels data;

    PeerDataLink(String name, PeerTransport.Listener listener) {
        this.name = name;
        this.listener = listener;
    }

    /** The channels to open as soon as the association is up. Before {@link #start}. */
    void openWhenReady(List<PeerTransport.DataChannelSpec> specs) {
        channelsToOpen = List.copyOf(specs);
    }

    /** Starts SCTP over {@code out} (the DTLS association); the DTLS client starts it (collisions are handled). */
    void start(boolean client, SctpAssociation.Output out, long nowNanos) {
        data = DataChannels.create(client, out, new DataChannels.Listener() {
            @Override
            public void onEstablished() {
                for (PeerTransport.DataChannelSpec spec : channelsToOpen) {
                    channelsByLabel.put(spec.label(), data.open(spec.label(), spec.ordered(), spec.maxRetransmits()));
                    listener.onDataChannelOpen(spec.label());
                }
            }

            @Override
            public void onChannel(DataChannel c) {
                channelsByLabel.put(c.label(), c);
                listener.onDataChannelOpen(c.label());
            }

            @Override
            public void onMessage(DataChannel c, byte[] message, boolean text) {
                listener.onData(c.label(), message);
            }

            @Override
            public void onClosed(String reason) {
                LOG.log(System.Logger.Level.DEBUG, name + ": data channels closed: " + reason);
            }
        });
        data.association().start(nowNanos);
    }

    /** One SCTP packet out of DTLS application data. */
    void onPacket(byte[] packet, long nowNanos) {
        if (data != null) {
            data.association().onPacket(packet, 0, packet.length, nowNanos);
        }
    }

    void tick(long nowNanos) {
        if (data != null) {
            data.association().tick(nowNanos);
        }
    }

    /** Sends one message on an open channel; false when the channel is not open (yet). */
    boolean send(String label, byte[] message) {
        DataChannel c = channelsByLabel.get(label);
        return c != null && c.state() != DataChannel.State.CLOSED && c.send(message);
    }

    /** True while messages wait for the peer's acknowledgement. */
    boolean pending() {
        return data != null && data.association().stats().bufferedBytes() > 0;
    }

    /** Logs the association's figures and aborts it. */
    void close() {
        if (data != null) {
            LOG.log(System.Logger.Level.INFO, name + ": sctp " + data.association().stats());
            data.association().abort("transport closed");
        }
    }
}
