package dev.gateway.agent.room;

import dev.gateway.agent.VoicemailResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Voicemail detection's results on their way into the room: the phone participant's attributes ({@code sip.amd},
 * {@code sip.amdReason}, {@code sip.amdBeep}) through signalling at once, and a reliable user packet on topic
 * {@code sip_amd} ({@link VoicemailResult#json}) so an agent can start speaking the moment the beep ends. A packet
 * due before the data channel opens is held (at most {@link #MAX_HELD}: a decision and a beep) and sent when it does.
 *
 * <p>Threading: loop-confined.
 */
final class RoomVoicemail {
    static final int MAX_HELD = 2;

    private final String identity;
    private final Consumer<Map<String, String>> attributes;
    private final Predicate<byte[]> reliable;
    private final Consumer<String> log;
    private final List<byte[]> held = new ArrayList<>(MAX_HELD);
    private boolean open;

    /**
     * @param attributes sets the phone participant's attributes (merged with the others)
     * @param reliable   sends one packet on the reliable data channel; false when it could not
     * @param log        one call-event line
     */
    RoomVoicemail(String identity, Consumer<Map<String, String>> attributes, Predicate<byte[]> reliable,
                  Consumer<String> log) {
        this.identity = identity;
        this.attributes = attributes;
        this.reliable = reliable;
        this.log = log;
    }

    void update(VoicemailResult result) {
        attributes.accept(result.attributes());
        byte[] packet = RoomMessages.user(identity, VoicemailResult.TOPIC, result.json());
        if (open) {
            send(packet);
        } else if (held.size() < MAX_HELD) {
            held.add(packet);
        } else {
            log.accept("voicemail result not sent as a data packet: data channel not open");
        }
    }

    /** The reliable data channel is open: what was held goes now, in order. */
    void channelOpen() {
        open = true;
        for (byte[] packet : held) {
            send(packet);
        }
        held.clear();
    }

    private void send(byte[] packet) {
        if (!reliable.test(packet)) {
            log.accept("voicemail result not sent as a data packet: data channel not open");
        }
    }
}
