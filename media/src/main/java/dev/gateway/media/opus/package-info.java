/**
 * Opus (RFC 6716) through libopus: {@link dev.gateway.media.opus.OpusEncoder} and
 * {@link dev.gateway.media.opus.OpusDecoder}, mono, 16-bit PCM, one instance per call direction, loop-confined,
 * owning native memory until {@code close()}. Failures reported by libopus are
 * {@link dev.gateway.media.opus.OpusException}s carrying its error code.
 *
 * <p>Rates: libopus takes and gives 8 kHz PCM itself, so the phone's audio needs no resampler on either side.
 * Opus RTP timestamps nevertheless always run at 48 kHz (RFC 7587 §4.1): 960 ticks per 20 ms packet whatever
 * rate the PCM has. These classes do no RTP.
 *
 * <p>Library: the libopus 1.1.2 bundled in {@code opus-java-natives}, or the system's with
 * {@code -Dgateway.opus.system=true}; {@link dev.gateway.media.opus.LibOpus} loads it once per process and names
 * its version.
 *
 * <p>Measured by the tests with the gateway's settings (8 kHz in, 32 kbit/s, complexity 5, 20 ms frames): a
 * 1 kHz tone comes back with 99.97 % of its energy at 1 kHz and within 0.3 dB of its level at 8 and 48 kHz; a
 * chirp lines up after 52 samples (6.5 ms codec delay) with correlation 0.98; a lost frame recovered from the next
 * packet's in-band FEC correlates 0.99 with the undamaged decode (SNR 17 dB) where concealment alone reaches 0.46
 * (SNR 1 dB).
 */
package dev.gateway.media.opus;
