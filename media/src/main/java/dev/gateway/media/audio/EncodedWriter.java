package dev.gateway.media.audio;

/**
 * Where an encoding stage ({@code g711}, {@code opus}) hands its payloads: usually an RTP packetiser. Like
 * {@link AudioWriter}, it never keeps the caller's array and allocates nothing per payload beyond the packet it
 * sends; {@link #toString()} prints {@code name -> next}. Implementations are loop-confined, called on the call's event loop.
 */
public interface EncodedWriter {

    /**
     * One encoded frame.
     *
     * @param payload      {@code payload[off, off + len)}, the caller's scratch array
     * @param mediaSamples the frame's duration in samples at the encoder's input rate
     */
    void writeEncoded(byte[] payload, int off, int len, int mediaSamples);

    /** Idempotent. */
    void close();
}
