package dev.gateway.media.opus;

/**
 * The libopus functions the codec classes call, bound by JNA direct mapping: {@link LibOpus#ensureLoaded()}
 * registers these {@code static native} methods against the loaded library once per process; calling one before
 * that is an {@link UnsatisfiedLinkError}.
 *
 * <p>Every per-frame call takes primitives only: {@code long} for a pointer (an {@code OpusEncoder*} /
 * {@code OpusDecoder*} state, or the address of a direct buffer taken once at construction), {@code int} for sizes
 * and flags. JNA passes these straight to the C function with no Java objects made per call, which its interface
 * mapping (a Proxy boxing every argument into an {@code Object[]}) could not. The {@code int[]} error
 * out-parameters are construction-time only.
 *
 * <p>{@code opus_encoder_ctl} is variadic in C; it is bound at fixed arity, one overload per argument type. On the
 * x86-64 and AArch64 Linux ABIs an int or a pointer passed after the fixed arguments travels exactly as it would
 * as a declared parameter, which {@code OpusNativeTest} checks by round-tripping {@code OPUS_SET_BITRATE} through
 * {@code OPUS_GET_BITRATE}. (Apple's AArch64 ABI puts variadic arguments on the stack: there this binding would be
 * wrong; the gateway runs on Linux.)
 *
 * <p>Names and signatures follow {@code opus.h}; parameter names are libopus's.
 */
final class OpusNative {
    private OpusNative() {
    }

    /** {@code const char *opus_get_version_string(void)}, e.g. {@code "libopus 1.1.2"}. */
    static native String opus_get_version_string();

    /** {@code OpusEncoder *opus_encoder_create(opus_int32 Fs, int channels, int application, int *error)}. */
    static native long opus_encoder_create(int fs, int channels, int application, int[] error);

    /**
     * {@code opus_int32 opus_encode(OpusEncoder *st, const opus_int16 *pcm, int frame_size, unsigned char *data,
     * opus_int32 max_data_bytes)}: bytes written, or a negative error code.
     */
    static native int opus_encode(long st, long pcm, int frameSize, long data, int maxDataBytes);

    /** {@code int opus_encoder_ctl(OpusEncoder *st, int request, ...)} for a SET request taking an int. */
    static native int opus_encoder_ctl(long st, int request, int value);

    /** {@code int opus_encoder_ctl(OpusEncoder *st, int request, ...)} for a GET request taking an int pointer. */
    static native int opus_encoder_ctl(long st, int request, int[] value);

    /** {@code void opus_encoder_destroy(OpusEncoder *st)}. */
    static native void opus_encoder_destroy(long st);

    /** {@code OpusDecoder *opus_decoder_create(opus_int32 Fs, int channels, int *error)}. */
    static native long opus_decoder_create(int fs, int channels, int[] error);

    /**
     * {@code int opus_decode(OpusDecoder *st, const unsigned char *data, opus_int32 len, opus_int16 *pcm,
     * int frame_size, int decode_fec)}: samples decoded, or a negative error code. {@code data} 0 (NULL) is a lost
     * packet: concealment of {@code frame_size} samples.
     */
    static native int opus_decode(long st, long data, int len, long pcm, int frameSize, int decodeFec);

    /** {@code int opus_decoder_ctl(OpusDecoder *st, int request, ...)} for a request taking no argument. */
    static native int opus_decoder_ctl(long st, int request);

    /** {@code void opus_decoder_destroy(OpusDecoder *st)}. */
    static native void opus_decoder_destroy(long st);
}
