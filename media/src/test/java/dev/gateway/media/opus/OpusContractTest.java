package dev.gateway.media.opus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Argument checks, libopus error reporting and the close() lifecycle. */
class OpusContractTest {
    private static final short[] PCM = new short[960];
    private static final byte[] OUT = new byte[1500];

    /** Runs {@code call} on a fresh 8 kHz encoder that is closed afterwards. */
    private static Executable encoding(Consumer<OpusEncoder> call) {
        return () -> {
            try (OpusEncoder encoder = new OpusEncoder(8000, 32000, 5, true, 10)) {
                call.accept(encoder);
            }
        };
    }

    /** Runs {@code call} on a fresh 8 kHz decoder that is closed afterwards. */
    private static Executable decoding(Consumer<OpusDecoder> call) {
        return () -> {
            try (OpusDecoder decoder = new OpusDecoder(8000)) {
                call.accept(decoder);
            }
        };
    }

    static Stream<Arguments> badArguments() {
        byte[] packet = {(byte) 0x08, 1, 2, 3}; // any bytes: the checks fire before libopus sees them
        return Stream.of(
                Arguments.of("encoder rate 44100", (Executable) () -> new OpusEncoder(44100, 32000, 5, false, 0)),
                Arguments.of("encoder rate 0", (Executable) () -> new OpusEncoder(0, 32000, 5, false, 0)),
                Arguments.of("bitrate 499", (Executable) () -> new OpusEncoder(8000, 499, 5, false, 0)),
                Arguments.of("bitrate 512001", (Executable) () -> new OpusEncoder(8000, 512_001, 5, false, 0)),
                Arguments.of("complexity -1", (Executable) () -> new OpusEncoder(8000, 32000, -1, false, 0)),
                Arguments.of("complexity 11", (Executable) () -> new OpusEncoder(8000, 32000, 11, false, 0)),
                Arguments.of("loss 101 %", (Executable) () -> new OpusEncoder(8000, 32000, 5, true, 101)),
                Arguments.of("frame 100 samples", encoding(enc -> enc.encode(PCM, 0, 100, OUT, 0, 1500))),
                Arguments.of("frame 0 samples", encoding(enc -> enc.encode(PCM, 0, 0, OUT, 0, 1500))),
                Arguments.of("frame 960 (120 ms)", encoding(enc -> enc.encode(PCM, 0, 960, OUT, 0, 1500))),
                Arguments.of("pcm too short", encoding(enc -> enc.encode(PCM, 900, 160, OUT, 0, 1500))),
                Arguments.of("pcm offset -1", encoding(enc -> enc.encode(PCM, -1, 160, OUT, 0, 1500))),
                Arguments.of("maxBytes 0", encoding(enc -> enc.encode(PCM, 0, 160, OUT, 0, 0))),
                Arguments.of("out too short", encoding(enc -> enc.encode(PCM, 0, 160, OUT, 1000, 1000))),
                Arguments.of("decoder rate 22050", (Executable) () -> new OpusDecoder(22050)),
                Arguments.of("empty packet", decoding(dec -> dec.decode(packet, 0, 0, PCM, 0, 160))),
                Arguments.of("packet past array", decoding(dec -> dec.decode(packet, 2, 3, PCM, 0, 160))),
                Arguments.of("packet over 4000 bytes",
                        decoding(dec -> dec.decode(new byte[4001], 0, 4001, PCM, 0, 160))),
                Arguments.of("decode room 0", decoding(dec -> dec.decode(packet, 0, 4, PCM, 0, 0))),
                Arguments.of("decode room > 120 ms",
                        decoding(dec -> dec.decode(packet, 0, 4, new short[961], 0, 961))),
                Arguments.of("pcm room past array", decoding(dec -> dec.decode(packet, 0, 4, PCM, 900, 160))),
                Arguments.of("conceal 161 samples", decoding(dec -> dec.conceal(null, 0, 0, PCM, 0, 161))),
                Arguments.of("conceal empty next packet",
                        decoding(dec -> dec.conceal(packet, 0, 0, PCM, 0, 160))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badArguments")
    void badArgumentsAreIllegalArgumentExceptions(String name, Executable call) {
        assertThrows(IllegalArgumentException.class, call, name);
    }

    @Test
    void corruptPacketIsAnOpusExceptionNamingTheError() {
        try (OpusDecoder decoder = new OpusDecoder(8000)) {
            // TOC 0xFF: code 3 (arbitrary frame count) with the frame-count byte missing (RFC 6716 §3.2.5)
            OpusException e = assertThrows(OpusException.class,
                    () -> decoder.decode(new byte[] {(byte) 0xFF}, 0, 1, new short[960], 0, 960));
            assertEquals(OpusException.OPUS_INVALID_PACKET, e.code());
            assertEquals("OPUS_INVALID_PACKET", e.errorName());
            assertTrue(e.getMessage().contains("opus_decode") && e.getMessage().contains("OPUS_INVALID_PACKET"),
                    e.getMessage());
        }
    }

    @Test
    void packetLongerThanTheRoomIsBufferTooSmall() {
        try (OpusEncoder encoder = new OpusEncoder(8000, 32000, 5, false, 0);
                OpusDecoder decoder = new OpusDecoder(8000)) {
            byte[] packet = new byte[400];
            int n = encoder.encode(new short[160], 0, 160, packet, 0, packet.length);
            OpusException e = assertThrows(OpusException.class,
                    () -> decoder.decode(packet, 0, n, new short[160], 0, 80));
            assertEquals(OpusException.OPUS_BUFFER_TOO_SMALL, e.code(), e.getMessage());
        }
    }

    @Test
    void closeTwiceIsSafeAndUseAfterCloseIsRefused() {
        OpusEncoder encoder = new OpusEncoder(8000, 32000, 5, false, 0);
        OpusDecoder decoder = new OpusDecoder(48000);
        encoder.close();
        encoder.close();
        decoder.close();
        decoder.close();
        assertThrows(IllegalStateException.class, () -> encoder.encode(PCM, 0, 160, OUT, 0, 1500));
        assertThrows(IllegalStateException.class, () -> decoder.decode(new byte[] {8}, 0, 1, PCM, 0, 960));
        assertThrows(IllegalStateException.class, () -> decoder.conceal(null, 0, 0, PCM, 0, 960));
    }

    @Test
    void errorNamesCoverEveryLibopusCode() {
        String[] names = {"OPUS_OK", "OPUS_BAD_ARG", "OPUS_BUFFER_TOO_SMALL", "OPUS_INTERNAL_ERROR",
            "OPUS_INVALID_PACKET", "OPUS_UNIMPLEMENTED", "OPUS_INVALID_STATE", "OPUS_ALLOC_FAIL"};
        for (int code = 0; code < names.length; code++) {
            assertEquals(names[code], OpusException.errorName(-code));
        }
        assertEquals("OPUS_ERROR_-99", OpusException.errorName(-99));
    }

    @Test
    void describesItself() {
        try (OpusEncoder encoder = new OpusEncoder(8000, 24000, 1, false, 0);
                OpusDecoder decoder = new OpusDecoder(48000)) {
            assertEquals("opus(encode 8000 Hz)", encoder.toString());
            assertEquals("opus(decode 48000 Hz)", decoder.toString());
            assertEquals(8000, encoder.inputSampleRate());
            assertEquals(48000, decoder.outputSampleRate());
        }
    }
}
