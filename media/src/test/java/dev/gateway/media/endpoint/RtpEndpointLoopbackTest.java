package dev.gateway.media.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.audio.AudioWriter;
import dev.gateway.media.audio.FrameSource;
import dev.gateway.media.call.CallMedia;
import dev.gateway.media.endpoint.LoopbackPhone.Rtp;
import dev.gateway.media.g711.G711;
import dev.gateway.media.testing.Goertzel;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MediaEngine} and {@link RtpEndpoint} on real UDP sockets on 127.0.0.1, with a {@link LoopbackPhone} as the
 * far end, driven as the gateway drives it: the phone leg of a {@link CallMedia} registered on the engine's tick,
 * with an echo agent attached ({@link EchoCall}). The engine's 20 ms tick runs in real time, so the phone paces its
 * packets in real time too; nothing here asserts how long anything took, only what arrived. Tests that need time to
 * stand still inject a clock and use the uplink sink's frame count (one frame per tick) as the tick barrier.
 */
class RtpEndpointLoopbackTest {
    private static final long WAIT_MILLIS = 5_000;
    private static final long LONG_TIMEOUT_MILLIS = 60_000;
    private static final int TONE_HZ = 1000;
    private static final int TONE_AMPLITUDE = 8000;
    private static final long PHONE_SSRC = 0x5EED_CAFEL;
    private static final int TELEPHONE_EVENT = 101;
    private static final long MILLI = 1_000_000L;

    private MediaEngine engine;
    private final List<LoopbackPhone> sockets = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        sockets.forEach(LoopbackPhone::close);
        if (engine != null) {
            engine.stop();
        }
    }

    // ------------------------------------------------------------------ echo and symmetric RTP

    @Test
    void echoesA1kHzToneToTheLatchedSourceAt20msPtime() throws Exception {
        LoopbackPhone sdpAddress = phone();
        LoopbackPhone phone = phone();
        RtpEndpoint endpoint = openEndpoint(LONG_TIMEOUT_MILLIS, System::nanoTime);
        EchoCall call = start(endpoint, new MediaParams(G711.PCMU, TELEPHONE_EVENT, 20, sdpAddress.address(), true, true));

        // until the phone speaks nothing is sent, not even where the SDP said
        call.awaitTicks(10);
        assertTrue(sdpAddress.nothingReceived(), "nothing is sent before RTP from the phone arrives");
        assertTrue(phone.nothingReceived());

        // the phone sends from a different port than the SDP named (same IP): the endpoint must latch onto it
        sendPaced(phone, endpoint, toneStream(50, 160), 20, Map.of());
        List<Rtp> echo = collectEcho(phone);

        assertStream(echo, 160, -1);
        assertToneEchoed(echo, 50 * 160);
        assertEquals(0, call.wrongFrameSizes.get(), "every uplink frame is 160 samples");

        RtpEndpointStats stats = stats(endpoint);
        assertEquals(50, stats.packetsIn());
        assertEquals(50 * 160, stats.bytesIn());
        assertEquals(0, stats.malformed());
        assertEquals(0, stats.unexpectedPayload());
        assertEquals(phone.hostPort(), stats.remote(), "latched to the real source");
        assertEquals(sdpAddress.hostPort(), stats.signalled());
        assertEquals(1, stats.latches());
        assertTrue(stats.sendSuppressed() >= 9, "the first ticks' packets were due and not sent: " + stats.sendSuppressed());
        assertEquals(echo.size(), stats.packetsOut(), "every packet sent went to the phone");
        assertTrue(sdpAddress.nothingReceived(), "nothing was ever sent to the SDP's port");
        assertNull(call.failures.poll(), "no stage of the call's media failed");
    }

    @Test
    void echoesA1kHzToneAt30msPtime() throws Exception {
        LoopbackPhone sdpAddress = phone();
        LoopbackPhone phone = phone();
        RtpEndpoint endpoint = openEndpoint(LONG_TIMEOUT_MILLIS, System::nanoTime);
        EchoCall call = start(endpoint, new MediaParams(G711.PCMU, TELEPHONE_EVENT, 30, sdpAddress.address(), true, true));

        sendPaced(phone, endpoint, toneStream(34, 240), 30, Map.of());
        List<Rtp> echo = collectEcho(phone);

        assertStream(echo, 240, -1);
        assertToneEchoed(echo, 34 * 240);
        assertEquals(0, call.wrongFrameSizes.get(), "the uplink still gets 20 ms frames");
        assertEquals(34, stats(endpoint).packetsIn());
        assertEquals(phone.hostPort(), stats(endpoint).remote());
    }

    @Test
    void garbageIsCountedAndDoesNotStopTheEcho() throws Exception {
        LoopbackPhone phone = phone();
        RtpEndpoint endpoint = openEndpoint(LONG_TIMEOUT_MILLIS, System::nanoTime);
        start(endpoint, new MediaParams(G711.PCMU, TELEPHONE_EVENT, 20, phone.address(), true, true));

        byte[] version1 = LoopbackPhone.rtp(false, 0, 999, 0, PHONE_SSRC, new byte[160]);
        version1[0] = 0x40;
        byte[] csrcBeyondEnd = LoopbackPhone.rtp(false, 0, 999, 0, PHONE_SSRC, new byte[0]);
        csrcBeyondEnd[0] = (byte) 0x8F; // 15 CSRCs announced, none present
        byte[] rtcpReceiverReport = {(byte) 0x80, (byte) 201, 0, 1, 0x12, 0x34, 0x56, 0x78};
        Map<Integer, byte[]> garbage = Map.of(
                5, new byte[] {1, 2, 3},          // three bytes
                15, version1,                      // RTP version 1
                25, csrcBeyondEnd,                 // CSRC count past the datagram
                35, rtcpReceiverReport);           // RTCP on the RTP port
        sendPaced(phone, endpoint, toneStream(50, 160), 20, garbage);
        List<Rtp> echo = collectEcho(phone);

        assertStream(echo, 160, -1);
        assertToneEchoed(echo, 50 * 160);
        RtpEndpointStats stats = stats(endpoint);
        assertEquals(4, stats.malformed());
        assertEquals(4, engine.malformedPackets());
        assertEquals(50, stats.packetsIn());
    }

    @Test
    void aSecondSourceCannotHijackALiveCall() throws Exception {
        LoopbackPhone phone = phone();
        LoopbackPhone stranger = phone();
        RtpEndpoint endpoint = openEndpoint(LONG_TIMEOUT_MILLIS, System::nanoTime);
        start(endpoint, new MediaParams(G711.PCMU, TELEPHONE_EVENT, 20, phone.address(), true, true));

        List<byte[]> tone = toneStream(50, 160);
        InetSocketAddress to = endpointAddress(endpoint);
        long next = System.nanoTime();
        for (int i = 0; i < tone.size(); i++) {
            phone.sendRaw(tone.get(i), to);
            if (i >= 10 && i < 40) {
                stranger.sendRtp(false, 0, 7000 + i, 90_000 + 160L * i, 0xBADL, silencePayload(160), to);
            }
            next += 20 * MILLI;
            LockSupport.parkNanos(next - System.nanoTime());
        }
        List<Rtp> echo = collectEcho(phone);

        assertToneEchoed(echo, 50 * 160);
        RtpEndpointStats stats = stats(endpoint);
        assertEquals(50, stats.packetsIn(), "the stranger's packets are dropped");
        assertEquals(30, stats.foreignDropped(), "and counted");
        assertEquals(0, stats.ssrcChanges());
        assertEquals(phone.hostPort(), stats.remote());
        assertTrue(stranger.nothingReceived(), "nothing was sent to the stranger");
    }

    // ------------------------------------------------------------------ DTMF

    @Test
    void receivedRfc4733PressesAreReportedOnceEach() throws Exception {
        LoopbackPhone phone = phone();
        RtpEndpoint endpoint = openEndpoint(LONG_TIMEOUT_MILLIS, System::nanoTime);
        EchoCall call = start(endpoint, new MediaParams(G711.PCMU, TELEPHONE_EVENT, 20, phone.address(), true, true));

        List<byte[]> packets = new ArrayList<>();
        Press.of(1, true, 8000, 160, 320, 480).addTo(packets, 640);
        Press.of(11, false, 16000, 160, 320).addTo(packets, 480);   // '#', no marker (as Twilio sends)
        Press.of(1, true, 24000, 160).addTo(packets, 320);          // '1' again: a second press
        Press.of(9, true, 32000, 160).addTo(packets, 320);          // '9': the last press
        sendPaced(phone, endpoint, packets, 20, Map.of());

        List<Character> digits = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Character digit = call.digits.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            assertNotNull(digit, "digit " + i + " of 4, got " + digits);
            digits.add(digit);
        }
        await("all telephone-event packets processed", () -> stats(endpoint).packetsIn() == packets.size());
        assertEquals(List.of('1', '#', '1', '9'), digits);
        assertNull(call.digits.poll(), "no press is reported twice");
        RtpEndpointStats stats = stats(endpoint);
        assertEquals(4, stats.dtmfIn());
        assertEquals(0, stats.unexpectedPayload());
        assertEquals(0, stats.malformed());
    }

    @Test
    void sendDtmfSendsTelephoneEventsToThePhone() throws Exception {
        LoopbackPhone phone = phone();
        RtpEndpoint endpoint = openEndpoint(LONG_TIMEOUT_MILLIS, System::nanoTime);
        start(endpoint, new MediaParams(G711.PCMU, TELEPHONE_EVENT, 20, phone.address(), true, true));
        phone.sendRtp(true, 0, 1, 0, PHONE_SSRC, silencePayload(160), endpointAddress(endpoint)); // proves its address
        assertNotNull(phone.poll(WAIT_MILLIS), "audio flows before the digit");

        assertTrue(onLoop(endpoint, () -> endpoint.sendDtmf('5')));
        assertFalse(onLoop(endpoint, () -> endpoint.sendDtmf('x')), "not a DTMF digit");

        List<Rtp> received = new ArrayList<>();
        int ends = 0;
        boolean audioAfter = false;
        long deadline = System.nanoTime() + WAIT_MILLIS * MILLI;
        while (!audioAfter && System.nanoTime() < deadline) {
            Rtp p = phone.poll(100);
            if (p == null) {
                continue;
            }
            received.add(p);
            if (p.payloadType() == TELEPHONE_EVENT && p.end()) {
                ends++;
            } else if (p.payloadType() == 0 && ends > 0) {
                audioAfter = true;
            }
        }
        assertTrue(audioAfter, "audio resumes after the digit; got " + received.size() + " packets");
        assertSequential(received);

        List<Rtp> events = received.stream().filter(p -> p.payloadType() == TELEPHONE_EVENT).toList();
        assertTrue(events.get(0).marker(), "the first packet of the digit has the marker");
        for (int i = 0; i < events.size(); i++) {
            Rtp e = events.get(i);
            assertEquals(12 + 4, e.length());
            assertEquals(5, e.event());
            assertEquals(10, e.volume());
            assertEquals(events.get(0).timestamp(), e.timestamp(), "one event timestamp for the whole press");
            if (i > 0) {
                assertFalse(e.marker(), "packet " + i);
                assertTrue(e.duration() >= events.get(i - 1).duration(), "durations grow");
            }
        }
        assertEquals(3, events.stream().filter(Rtp::end).count(), "three end packets");
        assertTrue(events.subList(events.size() - 3, events.size()).stream().allMatch(Rtp::end), "end packets come last");
        assertEquals(800, events.get(events.size() - 1).duration(), "a 100 ms tone at 8 kHz");

        int firstEvent = received.indexOf(events.get(0));
        for (Rtp p : received.subList(0, firstEvent)) {
            assertEquals(0, p.payloadType());
        }
        Rtp after = received.get(received.size() - 1);
        assertTrue((int) (after.timestamp() - events.get(0).timestamp()) > 0, "audio timestamps move on");
        assertEquals(1, stats(endpoint).dtmfOut());
    }

    @Test
    void sendDtmfIsRefusedWithoutTelephoneEvent() throws Exception {
        LoopbackPhone phone = phone();
        RtpEndpoint endpoint = openEndpoint(LONG_TIMEOUT_MILLIS, System::nanoTime);
        start(endpoint, new MediaParams(G711.PCMU, -1, 20, phone.address(), true, true));

        assertFalse(onLoop(endpoint, () -> endpoint.sendDtmf('5')));
        assertEquals(0, stats(endpoint).dtmfOut());
    }

    // ------------------------------------------------------------------ media timeout

    @Test
    void silenceAfterStartEndsInAMediaTimeout() throws Exception {
        RtpEndpoint endpoint = openEndpoint(300, System::nanoTime);
        EchoCall call = start(endpoint, new MediaParams(G711.PCMU, TELEPHONE_EVENT, 20, phone().address(), true, true));

        Long silentMillis = call.timeouts.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertNotNull(silentMillis, "onMediaTimeout fired");
        assertTrue(silentMillis >= 300, "reports at least the timeout: " + silentMillis);
    }

    @Test
    void timeoutFollowsTheInjectedClockAndIsReportedOncePerSilence() throws Exception {
        AtomicLong clock = new AtomicLong(10_000 * MILLI);
        LoopbackPhone phone = phone();
        RtpEndpoint endpoint = openEndpoint(300, clock::get);
        EchoCall call = start(endpoint, new MediaParams(G711.PCMU, TELEPHONE_EVENT, 20, phone.address(), true, true));

        clock.addAndGet(299 * MILLI);
        call.awaitTicks(2);
        assertNull(call.timeouts.poll(), "299 ms of silence is not yet a timeout");

        clock.addAndGet(MILLI);
        Long silentMillis = call.timeouts.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertEquals(300L, silentMillis);

        clock.addAndGet(5_000 * MILLI);
        call.awaitTicks(2);
        assertNull(call.timeouts.poll(), "one report per silence");

        // a packet ends the silence; the next 300 ms of silence is reported again
        phone.sendRtp(true, 0, 1, 0, PHONE_SSRC, silencePayload(160), endpointAddress(endpoint));
        await("the packet arrived", () -> stats(endpoint).packetsIn() == 1);
        clock.addAndGet(300 * MILLI);
        assertEquals(300L, call.timeouts.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS));
    }

    @Test
    void noTimeoutWhenThePeerSaidItWouldNotSend() throws Exception {
        AtomicLong clock = new AtomicLong(10_000 * MILLI);
        RtpEndpoint endpoint = openEndpoint(300, clock::get);
        EchoCall call = start(endpoint, new MediaParams(G711.PCMU, TELEPHONE_EVENT, 20, phone().address(), true, false));

        clock.addAndGet(60_000 * MILLI);
        call.awaitTicks(3);
        assertNull(call.timeouts.poll());
    }

    @Test
    void timeoutFiresWhenTheClockIsNegative() throws Exception {
        AtomicLong clock = new AtomicLong(-3_600_000 * MILLI);
        RtpEndpoint endpoint = openEndpoint(300, clock::get);
        EchoCall call = start(endpoint, new MediaParams(G711.PCMU, TELEPHONE_EVENT, 20, phone().address(), true, true));

        clock.addAndGet(300 * MILLI);
        assertEquals(300L, call.timeouts.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS));
    }

    // ------------------------------------------------------------------ ports

    @Test
    void closeGivesThePortsBack() throws Exception {
        RtpEndpoint endpoint = openEndpoint(LONG_TIMEOUT_MILLIS, System::nanoTime);
        EchoCall call = start(endpoint, new MediaParams(G711.PCMU, TELEPHONE_EVENT, 20, phone().address(), true, true));
        int port = endpoint.localPort();
        assertEquals(0, port % 2);
        assertEquals(1, engine.portsInUse());

        onLoop(endpoint, () -> {
            engine.unregister(call.media); // as the gateway ends a call: the tick first, then the sockets
            call.media.close();
            endpoint.close();
            endpoint.close(); // idempotent: a second release would throw
            return null;
        });

        assertEquals(0, engine.portsInUse());
        for (int p : new int[] {port, port + 1}) {
            try (DatagramSocket rebound = new DatagramSocket(new InetSocketAddress(LoopbackPhone.LOOPBACK, p))) {
                assertEquals(p, rebound.getLocalPort(), "RTP and RTCP ports are free again");
            }
        }
    }

    @Test
    void openFailsWhenTheRangeIsExhausted() throws Exception {
        startEngine(2, LONG_TIMEOUT_MILLIS, System::nanoTime); // one RTP/RTCP pair
        RtpEndpoint first = engine.open(engine.nextLoop()).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertEquals(1, engine.portsInUse());

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> engine.open(engine.nextLoop()).get(WAIT_MILLIS, TimeUnit.MILLISECONDS));
        assertInstanceOf(MediaException.class, e.getCause());
        assertEquals(1, engine.portsInUse());

        onLoop(first, () -> {
            first.close();
            return null;
        });
        RtpEndpoint again = engine.open(engine.nextLoop()).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertEquals(first.localPort(), again.localPort(), "the only pair is handed out again");
    }

    // ------------------------------------------------------------------ helpers

    /**
     * One call's media over the endpoint, built as the gateway builds it ({@link CallMedia} with the endpoint as its
     * phone leg, answered, on the engine's tick), with an echo agent: each tick the caller's frame reaches the
     * uplink sink and goes back down to the phone in the next tick's pace phase. Records what the uplink, the
     * endpoint's listener and the media report; counters are read from the test thread.
     */
    static final class EchoCall implements MediaListener {
        final CallMedia media;
        final AtomicInteger frames = new AtomicInteger();
        final AtomicInteger wrongFrameSizes = new AtomicInteger();
        final BlockingQueue<Character> digits = new LinkedBlockingQueue<>();
        final BlockingQueue<Long> timeouts = new LinkedBlockingQueue<>();
        final BlockingQueue<String> failures = new LinkedBlockingQueue<>();
        private final short[] last = new short[AudioFrames.SAMPLES_8K];
        private boolean fresh;

        EchoCall(RtpEndpoint endpoint) {
            media = new CallMedia("loopback", endpoint.eventLoop(), endpoint, CallMedia.DEFAULT_HOLD_FRAMES, failures::add);
            media.attachUplink(new Uplink());
            media.attachDownlink(new Downlink());
        }

        /** The uplink sink: counts the tick's frame and keeps it for the echo. */
        private final class Uplink implements AudioWriter {
            @Override
            public int sampleRate() {
                return 8000;
            }

            @Override
            public void write(short[] pcm, int off, int len) {
                if (len != AudioFrames.SAMPLES_8K) {
                    wrongFrameSizes.incrementAndGet();
                } else {
                    System.arraycopy(pcm, off, last, 0, len);
                    fresh = true;
                }
                frames.incrementAndGet();
            }

            @Override
            public void close() {
            }

            @Override
            public String toString() {
                return "echo";
            }
        }

        /** The downlink source: the frame the uplink kept, once. */
        private final class Downlink implements FrameSource {
            @Override
            public boolean read(long nowNanos, short[] out, int off) {
                if (!fresh) {
                    return false;
                }
                fresh = false;
                System.arraycopy(last, 0, out, off, last.length);
                return true;
            }

            @Override
            public String toString() {
                return "echo";
            }
        }

        @Override
        public void onDtmf(char digit) {
            digits.add(digit);
        }

        @Override
        public void onMediaTimeout(long silentMillis) {
            timeouts.add(silentMillis);
        }

        /** Waits until {@code n} more ticks have run; the last of them read the clock after this call began. */
        void awaitTicks(int n) {
            int target = frames.get() + n;
            await(n + " ticks", () -> frames.get() >= target);
        }
    }

    /** One RFC 4733 key press: updates at one timestamp, then three end packets. */
    record Press(int event, boolean marker, long timestamp, int[] updateDurations) {

        static Press of(int event, boolean marker, long timestamp, int... updateDurations) {
            return new Press(event, marker, timestamp, updateDurations);
        }

        /** Appends the press's packets; the RTP sequence number runs on with the list's length. */
        void addTo(List<byte[]> packets, int endDuration) {
            for (int i = 0; i < updateDurations.length; i++) {
                packets.add(LoopbackPhone.rtp(marker && i == 0, TELEPHONE_EVENT, 100 + packets.size(), timestamp,
                        PHONE_SSRC, LoopbackPhone.telephoneEvent(event, false, 10, updateDurations[i])));
            }
            for (int i = 0; i < 3; i++) {
                packets.add(LoopbackPhone.rtp(false, TELEPHONE_EVENT, 100 + packets.size(), timestamp, PHONE_SSRC,
                        LoopbackPhone.telephoneEvent(event, true, 10, endDuration)));
            }
        }
    }

    private LoopbackPhone phone() {
        LoopbackPhone p = new LoopbackPhone();
        sockets.add(p);
        return p;
    }

    /** Starts an engine on a random 20-port range (another build may be using a fixed one). */
    private void startEngine(int ports, long rtpTimeoutMillis, LongSupplier clock) {
        int portMin = ThreadLocalRandom.current().nextInt(10_000, 30_000) * 2;
        engine = new MediaEngine(new MediaEngineConfig("127.0.0.1", portMin, portMin + ports - 1, rtpTimeoutMillis,
                20, 100, 1), clock);
        engine.start();
    }

    private RtpEndpoint openEndpoint(long rtpTimeoutMillis, LongSupplier clock) throws Exception {
        startEngine(20, rtpTimeoutMillis, clock);
        return engine.open(engine.nextLoop()).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Opens the endpoint under a new {@link EchoCall}'s media, answers and joins the tick, as an answered call does. */
    private EchoCall start(RtpEndpoint endpoint, MediaParams params) throws Exception {
        EchoCall call = new EchoCall(endpoint);
        onLoop(endpoint, () -> {
            endpoint.open(params, call);
            call.media.answer();
            engine.register(call.media);
            return null;
        });
        return call;
    }

    static <T> T onLoop(RtpEndpoint endpoint, Callable<T> task) throws Exception {
        return endpoint.eventLoop().submit(task).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    static RtpEndpointStats stats(RtpEndpoint endpoint) {
        try {
            return onLoop(endpoint, endpoint::stats);
        } catch (Exception e) {
            throw new AssertionError("stats() on the loop failed", e);
        }
    }

    static InetSocketAddress endpointAddress(RtpEndpoint endpoint) {
        return new InetSocketAddress(LoopbackPhone.LOOPBACK, endpoint.localPort());
    }

    /** Polls {@code condition} every few ms until it holds; fails after {@value #WAIT_MILLIS} ms. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT_MILLIS * MILLI;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(2 * MILLI);
        }
    }

    /** {@code count} PCMU packets of one continuous 1 kHz tone, from the phone's SSRC, sequence and time running on. */
    static List<byte[]> toneStream(int count, int samplesPerPacket) {
        List<byte[]> packets = new ArrayList<>();
        short[] pcm = new short[samplesPerPacket];
        byte[] payload = new byte[samplesPerPacket];
        int sequence = 40_000;
        long timestamp = 0xFFFF_F000L; // wraps during the stream
        for (int p = 0; p < count; p++) {
            for (int i = 0; i < samplesPerPacket; i++) {
                long n = (long) p * samplesPerPacket + i;
                pcm[i] = (short) Math.round(TONE_AMPLITUDE * Math.sin(2 * Math.PI * TONE_HZ * n / 8000.0));
            }
            G711.PCMU.encode(pcm, 0, samplesPerPacket, payload, 0);
            packets.add(LoopbackPhone.rtp(p == 0, 0, (sequence + p) & 0xFFFF, (timestamp + (long) p * samplesPerPacket) & 0xFFFF_FFFFL,
                    PHONE_SSRC, payload));
        }
        return packets;
    }

    static byte[] silencePayload(int samples) {
        byte[] payload = new byte[samples];
        G711.PCMU.encode(new short[samples], 0, samples, payload, 0);
        return payload;
    }

    /** Sends {@code packets} every {@code intervalMs}; {@code extras} go out right after the packet of that index. */
    static void sendPaced(LoopbackPhone phone, RtpEndpoint endpoint, List<byte[]> packets, int intervalMs,
                                  Map<Integer, byte[]> extras) {
        InetSocketAddress to = endpointAddress(endpoint);
        long next = System.nanoTime();
        for (int i = 0; i < packets.size(); i++) {
            phone.sendRaw(packets.get(i), to);
            byte[] extra = extras.get(i);
            if (extra != null) {
                phone.sendRaw(extra, to);
            }
            next += intervalMs * MILLI;
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    /**
     * Everything the phone has received, up to ten packets without tone after the tone came back (longer than the
     * jitter buffer's largest delay), or until {@value #WAIT_MILLIS} ms pass.
     */
    static List<Rtp> collectEcho(LoopbackPhone phone) throws InterruptedException {
        List<Rtp> packets = new ArrayList<>();
        boolean toneSeen = false;
        int quiet = 0;
        long deadline = System.nanoTime() + WAIT_MILLIS * MILLI;
        while (System.nanoTime() < deadline && quiet < 10) {
            Rtp p = phone.poll(100);
            if (p == null) {
                continue;
            }
            packets.add(p);
            if (hasTone(p)) {
                toneSeen = true;
                quiet = 0;
            } else if (toneSeen) {
                quiet++;
            }
        }
        return packets;
    }

    static short[] decode(Rtp p) {
        short[] pcm = new short[p.payload().length];
        G711.PCMU.decode(p.payload(), 0, pcm.length, pcm, 0);
        return pcm;
    }

    static boolean hasTone(Rtp p) {
        return p.payloadType() == 0 && Goertzel.amplitude(decode(p), TONE_HZ, 8000) > TONE_AMPLITUDE / 2.0;
    }

    /** Every packet: RTP v2, PCMU, the right size, one SSRC, sequence +1 and timestamp +ptime each. */
    private static void assertStream(List<Rtp> packets, int samplesPerPacket, long expectedSsrc) {
        assertFalse(packets.isEmpty(), "the phone received RTP");
        long ssrc = expectedSsrc >= 0 ? expectedSsrc : packets.get(0).ssrc();
        for (Rtp p : packets) {
            assertEquals(2, p.version());
            assertEquals(0, p.payloadType(), "PCMU");
            assertEquals(12 + samplesPerPacket, p.length(), "12-byte header + " + samplesPerPacket + " bytes of PCMU");
            assertEquals(ssrc, p.ssrc(), "one SSRC, before and after latching");
        }
        assertSequential(packets);
        for (int i = 1; i < packets.size(); i++) {
            assertEquals((packets.get(i - 1).timestamp() + samplesPerPacket) & 0xFFFF_FFFFL, packets.get(i).timestamp(),
                    "timestamp of packet " + i);
        }
    }

    private static void assertSequential(List<Rtp> packets) {
        for (int i = 1; i < packets.size(); i++) {
            assertEquals((packets.get(i - 1).sequence() + 1) & 0xFFFF, packets.get(i).sequence(), "sequence of packet " + i);
        }
    }

    /**
     * Most of the sent tone came back: the tone-bearing packets carry about {@code sentSamples} samples, at the
     * sent amplitude, with their energy at 1 kHz and not elsewhere.
     */
    static void assertToneEchoed(List<Rtp> packets, int sentSamples) {
        List<Rtp> tone = packets.stream().filter(RtpEndpointLoopbackTest::hasTone).toList();
        int toneSamples = tone.stream().mapToInt(p -> p.payload().length).sum();
        assertTrue(toneSamples >= sentSamples * 0.9, toneSamples + " of " + sentSamples + " tone samples came back");
        assertTrue(toneSamples <= sentSamples + 2 * 240, toneSamples + " tone samples is more than was sent");

        short[] all = new short[toneSamples];
        int at = 0;
        for (Rtp p : tone) {
            short[] pcm = decode(p);
            System.arraycopy(pcm, 0, all, at, pcm.length);
            at += pcm.length;
        }
        double at1k = Goertzel.amplitude(all, TONE_HZ, 8000);
        assertTrue(Math.abs(at1k - TONE_AMPLITUDE) < 0.1 * TONE_AMPLITUDE, "1 kHz amplitude " + at1k);
        for (double other : new double[] {500, 700, 1500, 2000, 3000}) {
            double a = Goertzel.amplitude(all, other, 8000);
            assertTrue(a < at1k / 20, other + " Hz: " + a + " against " + at1k + " at 1 kHz");
        }
        assertNotEquals(0, tone.size());
    }
}
