package dev.gateway.media.opus;

import club.minnced.opus.util.OpusLibrary;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.Buffer;

/**
 * libopus, loaded once per process, with the handful of its functions the codec classes call bound in
 * {@link OpusNative}.
 *
 * <p>Which library: by default the copy bundled in {@code opus-java-natives} is extracted and loaded
 * ({@link OpusLibrary#loadFromJar()}; libopus 1.1.2), which leaves the jar resource's path
 * ({@code /natives/linux-x86-64/libopus.so}) in {@code -Dopus.lib}; JNA resolves that name from the class path. With
 * {@code -Dgateway.opus.system=true} the system's {@code libopus} is used, found by JNA's usual search (e.g.
 * Debian's {@code libopus0}); an explicit {@code -Dopus.lib=/path/libopus.so} is honoured too. The first failure is
 * remembered and every later attempt fails the same way.
 *
 * <p>How: JNA direct mapping ({@link Native#register(Class, NativeLibrary)}) of {@link OpusNative}'s
 * {@code static native} methods against that library, so a per-frame call passes only primitives and allocates
 * nothing on the Java heap. opus-java's interface binding ({@code tomp2p.opuswrapper.Opus}) is not used; only its
 * library extraction is.
 *
 * <p>Thread-safe: loading is synchronized; the functions are libopus's own (each state object is confined to
 * its owner).
 */
public final class LibOpus {
    /** System property: {@code true} loads the system's libopus instead of the bundled one. */
    public static final String SYSTEM_PROPERTY = "gateway.opus.system";
    /** The library name or path: opus-java sets it to its jar resource; unset means the system's {@code opus}. */
    private static final String OPUS_LIB_PROPERTY = "opus.lib";

    // opus_defines.h request codes and values (stable ABI since libopus 1.0)
    static final int OPUS_APPLICATION_VOIP = 2048;
    /** CELT only: a transform coder that keeps the waveform (recordings), no SILK. */
    static final int OPUS_APPLICATION_RESTRICTED_LOWDELAY = 2051;
    static final int OPUS_SET_BITRATE_REQUEST = 4002;
    static final int OPUS_GET_BITRATE_REQUEST = 4003;
    static final int OPUS_SET_COMPLEXITY_REQUEST = 4010;
    static final int OPUS_GET_COMPLEXITY_REQUEST = 4011;
    static final int OPUS_SET_INBAND_FEC_REQUEST = 4012;
    static final int OPUS_GET_INBAND_FEC_REQUEST = 4013;
    static final int OPUS_SET_PACKET_LOSS_PERC_REQUEST = 4014;
    static final int OPUS_GET_PACKET_LOSS_PERC_REQUEST = 4015;
    static final int OPUS_SET_SIGNAL_REQUEST = 4024;
    static final int OPUS_GET_SIGNAL_REQUEST = 4025;
    static final int OPUS_SIGNAL_VOICE = 3001;
    /** {@code OPUS_SET_FORCE_CHANNELS_REQUEST}: code this many channels whatever the bitrate. */
    static final int OPUS_SET_FORCE_CHANNELS_REQUEST = 4022;
    /** {@code OPUS_GET_LOOKAHEAD_REQUEST}: the encoder's delay in samples at its input rate. */
    static final int OPUS_GET_LOOKAHEAD_REQUEST = 4027;
    /** {@code OPUS_SET_DTX_REQUEST}: discontinuous transmission (tests encode DTX silence with it). */
    static final int OPUS_SET_DTX_REQUEST = 4016;
    /** {@code OPUS_RESET_STATE}: a decoder back to its freshly created state, no argument. */
    static final int OPUS_RESET_STATE = 4028;

    private static String version;
    private static Throwable failure;

    private LibOpus() {
    }

    /** Loads libopus and binds {@link OpusNative} if not yet done. @throws IllegalStateException if it cannot be */
    static synchronized void ensureLoaded() {
        if (version != null) {
            return;
        }
        if (failure != null) {
            throw new IllegalStateException("libopus failed to load earlier: " + failure, failure);
        }
        try {
            if (!systemLibraryRequested() && !OpusLibrary.isInitialized() && !OpusLibrary.loadFromJar()) {
                throw new IOException("opus-java-natives has no libopus for this platform; supported: "
                        + OpusLibrary.getSupportedPlatforms());
            }
            NativeLibrary library = NativeLibrary.getInstance(libraryName());
            Native.register(OpusNative.class, library);
            version = OpusNative.opus_get_version_string();
        } catch (IOException | RuntimeException | LinkageError e) {
            failure = e;
            throw new IllegalStateException("cannot load libopus (" + source() + "): " + e, e);
        }
    }

    /** What {@code -Dopus.lib} names (the jar resource after {@link OpusLibrary#loadFromJar()}), else "opus". */
    private static String libraryName() {
        String name = System.getProperty(OPUS_LIB_PROPERTY);
        return name == null || name.isEmpty() ? "opus" : name;
    }

    private static String source() {
        return systemLibraryRequested()
                ? "system library '" + libraryName() + "'"
                : "bundled with opus-java-natives";
    }

    /** {@code opus_get_version_string()} of the loaded library, e.g. {@code "libopus 1.1.2"}; loads it if needed. */
    public static synchronized String versionString() {
        ensureLoaded();
        return version;
    }

    /** Whether {@code -Dgateway.opus.system=true} selects the system's libopus. */
    public static boolean systemLibraryRequested() {
        return Boolean.getBoolean(SYSTEM_PROPERTY);
    }

    /** The native address of a direct buffer's first byte, for {@link OpusNative}; taken once per buffer. */
    static long address(Buffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer: " + direct);
        }
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }
}
