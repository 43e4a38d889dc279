package dev.gateway.media.opus;

import club.minnced.opus.util.OpusLibrary;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;

/**
 * libopus, loaded once per process, and the handful of its functions the codec classes call.
 *
 * <p>Which library: by default the copy bundled in {@code opus-java-natives} is extracted and loaded
 * ({@link OpusLibrary#loadFromJar()}; libopus 1.1.2). With {@code -Dgateway.opus.system=true} the system's
 * {@code libopus} is used, found by JNA's usual search (e.g. Debian's {@code libopus0}); an explicit
 * {@code -Dopus.lib=/path/libopus.so} is honoured too. The first failure is remembered and every later attempt
 * fails the same way.
 *
 * <p>How: through opus-java's JNA interface {@code tomp2p.opuswrapper.Opus}. opus-java-api declares JNA as a
 * runtime dependency only, so main code cannot name JNA types ({@code PointerByReference}, {@code Pointer},
 * {@code ShortByReference}) at compile time. The calls are therefore method handles resolved once, when the
 * library loads, with JNA objects passed as {@code Object}; as {@code static final} handles they inline like
 * ordinary calls. A compile-scope JNA dependency would let this become plain typed calls.
 *
 * <p>Thread-safe: loading is synchronized; the functions are libopus's own (each state object is confined to
 * its owner).
 */
public final class LibOpus {
    /** System property: {@code true} loads the system's libopus instead of the bundled one. */
    public static final String SYSTEM_PROPERTY = "gateway.opus.system";
    /** The property opus-java's binding reads for the library name or path. */
    private static final String OPUS_LIB_PROPERTY = "opus.lib";
    private static final String BINDING_CLASS = "tomp2p.opuswrapper.Opus";

    // opus_defines.h request codes and values (stable ABI since libopus 1.0)
    static final int OPUS_APPLICATION_VOIP = 2048;
    static final int OPUS_SET_BITRATE_REQUEST = 4002;
    static final int OPUS_SET_COMPLEXITY_REQUEST = 4010;
    static final int OPUS_SET_INBAND_FEC_REQUEST = 4012;
    static final int OPUS_SET_PACKET_LOSS_PERC_REQUEST = 4014;
    static final int OPUS_SET_SIGNAL_REQUEST = 4024;
    static final int OPUS_SIGNAL_VOICE = 3001;

    private static Object binding;
    private static String version;
    private static Throwable failure;

    private LibOpus() {
    }

    /** Loads libopus if not yet loaded. @throws IllegalStateException if it cannot be loaded (now or before) */
    static synchronized void ensureLoaded() {
        if (binding != null) {
            return;
        }
        if (failure != null) {
            throw new IllegalStateException("libopus failed to load earlier: " + failure, failure);
        }
        try {
            if (systemLibraryRequested()) {
                if (System.getProperty(OPUS_LIB_PROPERTY) == null) {
                    System.setProperty(OPUS_LIB_PROPERTY, "opus");
                }
            } else if (!OpusLibrary.isInitialized() && !OpusLibrary.loadFromJar()) {
                throw new IOException("opus-java-natives has no libopus for this platform; supported: "
                        + OpusLibrary.getSupportedPlatforms());
            }
            Class<?> api = Class.forName(BINDING_CLASS);
            Object instance = api.getField("INSTANCE").get(null);
            version = (String) api.getMethod("opus_get_version_string").invoke(instance);
            binding = instance;
        } catch (IOException | ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            failure = cause;
            throw new IllegalStateException("cannot load libopus (" + source() + "): " + cause, cause);
        }
    }

    private static String source() {
        return systemLibraryRequested()
                ? "system library '" + System.getProperty(OPUS_LIB_PROPERTY, "opus") + "'"
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

    /**
     * The bound libopus functions. Initialised on first use, which callers only reach after
     * {@link #ensureLoaded()} succeeded; the {@code Object} parameters are JNA objects (see the class comment).
     */
    static final class Calls {
        /** {@code OpusEncoder* (int Fs, int channels, int application, int* error)} */
        static final MethodHandle ENCODER_CREATE;
        /** {@code int (OpusEncoder*, const opus_int16* pcm, int frame_size, unsigned char* data, int max)} */
        static final MethodHandle ENCODE;
        /** {@code int (OpusEncoder*, int request, Object[] args)}: the varargs call with its array spelled out */
        static final MethodHandle ENCODER_CTL;
        static final MethodHandle ENCODER_DESTROY;
        /** {@code OpusDecoder* (int Fs, int channels, int* error)} */
        static final MethodHandle DECODER_CREATE;
        /** {@code int (OpusDecoder*, const unsigned char* data (Pointer), int len, opus_int16* pcm, int, int fec)} */
        static final MethodHandle DECODE;
        static final MethodHandle DECODER_DESTROY;
        /** {@code com.sun.jna.Pointer Native.getDirectBufferPointer(Buffer)} */
        private static final MethodHandle DIRECT_POINTER;
        /** {@code new ShortByReference()} then {@code setPointer(Pointer)}: a pcm argument over a direct buffer */
        private static final MethodHandle NEW_SHORT_REF;
        private static final MethodHandle SET_POINTER;

        static {
            try {
                Object instance = binding;
                Class<?> api = Class.forName(BINDING_CLASS);
                ClassLoader loader = api.getClassLoader();
                Class<?> handle = Class.forName("com.sun.jna.ptr.PointerByReference", false, loader);
                Class<?> pointer = Class.forName("com.sun.jna.Pointer", false, loader);
                Class<?> shortRef = Class.forName("com.sun.jna.ptr.ShortByReference", false, loader);
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                ENCODER_CREATE = bind(lookup, api, instance, "opus_encoder_create",
                        int.class, int.class, int.class, IntBuffer.class);
                ENCODE = bind(lookup, api, instance, "opus_encode",
                        handle, ShortBuffer.class, int.class, ByteBuffer.class, int.class);
                ENCODER_CTL = bind(lookup, api, instance, "opus_encoder_ctl", handle, int.class, Object[].class);
                ENCODER_DESTROY = bind(lookup, api, instance, "opus_encoder_destroy", handle);
                DECODER_CREATE = bind(lookup, api, instance, "opus_decoder_create", int.class, int.class,
                        IntBuffer.class);
                DECODE = bind(lookup, api, instance, "opus_decode",
                        handle, pointer, int.class, shortRef, int.class, int.class);
                DECODER_DESTROY = bind(lookup, api, instance, "opus_decoder_destroy", handle);
                Class<?> jnaNative = Class.forName("com.sun.jna.Native", true, loader);
                DIRECT_POINTER = erase(lookup.unreflect(jnaNative.getMethod("getDirectBufferPointer", Buffer.class)));
                NEW_SHORT_REF = erase(lookup.unreflectConstructor(shortRef.getConstructor()));
                SET_POINTER = erase(lookup.unreflect(shortRef.getMethod("setPointer", pointer)));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("opus-java's binding lacks an expected method: " + e, e);
            }
        }

        private Calls() {
        }

        private static MethodHandle bind(MethodHandles.Lookup lookup, Class<?> api, Object instance, String name,
                Class<?>... parameters) throws ReflectiveOperationException {
            Method method = api.getMethod(name, parameters);
            return erase(lookup.unreflect(method).asFixedArity().bindTo(instance));
        }

        /** Every reference type becomes Object (JNA types cannot be named here); primitives stay. */
        private static MethodHandle erase(MethodHandle h) {
            return h.asType(h.type().erase());
        }

        /** The JNA {@code Pointer} to a direct buffer's memory, as an opaque object. */
        static Object pointerTo(Buffer direct) {
            try {
                return DIRECT_POINTER.invokeExact((Object) direct);
            } catch (Throwable t) {
                throw propagate(t);
            }
        }

        /** A JNA {@code ShortByReference} whose pointer is the start of {@code direct}. */
        static Object shortReferenceTo(ShortBuffer direct) {
            try {
                Object reference = NEW_SHORT_REF.invokeExact();
                SET_POINTER.invokeExact(reference, pointerTo(direct));
                return reference;
            } catch (Throwable t) {
                throw propagate(t);
            }
        }

        /** Rethrows what a handle threw: unchecked as is, anything else wrapped. */
        static RuntimeException propagate(Throwable t) {
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            if (t instanceof Error) {
                throw (Error) t;
            }
            return new IllegalStateException("libopus call failed: " + t, t);
        }
    }
}
