package dev.gateway.media.opus;

/**
 * The table-of-contents byte that starts every Opus packet (RFC 6716 §3.1), and what a packet too short to carry
 * audio means.
 *
 * <pre>
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * | config  |s| c |   config: mode and frame duration (Table 2); s: stereo; c: frame count code
 * +-+-+-+-+-+-+-+-+   c = 0: one frame, 1 and 2: two frames, 3: the next byte's low 6 bits count them (§3.2.5)
 * </pre>
 *
 * <p>DTX: a packet of one or two bytes holds no coded audio: a TOC alone (a zero-length frame) or a TOC with a
 * one-byte frame; libopus' decoder treats frames of at most one byte as lost, and its encoder returns such packets
 * in discontinuous transmission, saying they "need not be transmitted". With DTX on, only one frame is encoded
 * every 400 ms (RFC 6716 §2.1.9); libwebrtc (the LiveKit SDKs' sender) sends the first one-byte packet of a pause,
 * then that comfort-noise frame every 400 ms and nothing between, and a receiver tells the gap from loss because
 * the sequence numbers run on (RFC 7587 §3.1.3).
 *
 * <p>Stateless; thread-safe.
 */
public final class OpusToc {
    /** Packets of at most this many bytes carry no audio (see the class comment). */
    public static final int DTX_MAX_BYTES = 2;
    /** Frame durations in 2.5 ms quanta by config (RFC 6716 Table 2): SILK 10/20/40/60, hybrid 10/20, CELT 2.5-20. */
    private static final int[] QUANTA = {
        4, 8, 16, 24, 4, 8, 16, 24, 4, 8, 16, 24, // 0-11 SILK-only NB, MB, WB
        4, 8, 4, 8,                               // 12-15 hybrid SWB, FB
        1, 2, 4, 8, 1, 2, 4, 8, 1, 2, 4, 8, 1, 2, 4, 8, // 16-31 CELT-only NB, WB, SWB, FB
    };
    private static final int MAX_MS = 120;

    private OpusToc() {
    }

    /** True when {@code length} bytes of Opus are a DTX (or empty) packet: silence without the codec. */
    public static boolean carriesNoAudio(int length) {
        return length <= DTX_MAX_BYTES;
    }

    /**
     * The packet's duration at {@code sampleRate} from its TOC (and frame count byte for code 3), capped at
     * 120 ms; 20 ms for an empty packet. Reads {@code packet[0, length)} only.
     */
    public static int samples(byte[] packet, int length, int sampleRate) {
        if (length <= 0) {
            return sampleRate / 50;
        }
        int toc = packet[0] & 0xFF;
        int frames = switch (toc & 0x3) {
            case 0 -> 1;
            case 1, 2 -> 2;
            default -> length > 1 ? Math.max(1, packet[1] & 0x3F) : 1;
        };
        int quantum = sampleRate / 400;
        return Math.min(sampleRate * MAX_MS / 1000, frames * QUANTA[toc >> 3] * quantum);
    }
}
