package dev.gateway.agent.room;

import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The caller's key presses on their way into the room: each one as a {@code sip_dtmf} packet and a user packet on
 * topic {@code sip_dtmf} ({@link RoomMessages#dtmf}) on the publisher's reliable data channel. The call is answered
 * once its audio reaches the room, which can be before that channel opens: keys pressed until then are held (at
 * most {@link #MAX_HELD}) and sent in order when it does.
 *
 * <p>Threading: loop-confined.
 */
final class RoomDtmf {
    /** Key presses held while the data channel opens: a caller typing fast during the first second. */
    static final int MAX_HELD = 32;

    private final String identity;
    private final Predicate<byte[]> reliable;
    private final Consumer<String> log;
    private final StringBuilder held = new StringBuilder();
    private boolean open;

    /**
     * @param reliable sends one packet on the reliable data channel; false when it could not
     * @param log one call-event line
     */
    RoomDtmf(String identity, Predicate<byte[]> reliable, Consumer<String> log) {
        this.identity = identity;
        this.reliable = reliable;
        this.log = log;
    }

    void press(char digit) {
        if (open) {
            send(digit);
        } else if (held.length() < MAX_HELD) {
            held.append(digit);
        } else {
            log.accept("dtmf " + digit + " not sent to the room: data channel not open and " + MAX_HELD
                    + " digits already wait for it");
        }
    }

    /** The reliable data channel is open: the held keys go now, in the order pressed. */
    void channelOpen() {
        open = true;
        for (int i = 0; i < held.length(); i++) {
            send(held.charAt(i));
        }
        held.setLength(0);
    }

    private void send(char digit) {
        for (byte[] packet : RoomMessages.dtmf(identity, digit)) {
            if (!reliable.test(packet)) {
                log.accept("dtmf " + digit + " not sent to the room: data channel not open");
                return;
            }
        }
    }
}
