package dev.gateway.agent.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.agent.CallAgent;
import dev.gateway.agent.CallInfo;
import dev.gateway.agent.FakePhone;
import dev.gateway.agent.PhoneLeg;
import dev.gateway.agent.TransferResult;
import dev.gateway.media.call.CallAudio;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalAgentTest {
    private static final CallInfo CALL = new CallInfo("c-test", "+15550001111", "+15550002222", "twilio",
            Map.of("X-Twilio-CallSid", "CA123"));
    private static final String TARGET = "sip:desk@example.com";
    private static final int FRAME = 160;

    /** A PhoneLeg that records what the agent asks of it; its media is a real, answered CallMedia. */
    static final class RecordingLeg implements PhoneLeg {
        final FakePhone phone = new FakePhone(CALL.id());
        final List<short[]> audio = phone.sent;
        final List<String> dtmf = new ArrayList<>();
        final List<String> transfers = new ArrayList<>();
        final List<String> hangups = new ArrayList<>();

        @Override
        public String id() {
            return CALL.id();
        }

        @Override
        public io.netty.channel.EventLoop eventLoop() {
            throw new UnsupportedOperationException("the local agent needs no loop");
        }

        RecordingLeg() {
            phone.media.answer();
        }

        @Override
        public CallAudio media() {
            return phone.media;
        }

        @Override
        public void sendDtmf(String digits) {
            dtmf.add(digits);
        }

        @Override
        public CompletionStage<TransferResult> transfer(String target) {
            transfers.add(target);
            return CompletableFuture.completedFuture(new TransferResult(true, 200, "test"));
        }

        @Override
        public void hangup(String reason) {
            hangups.add(reason);
        }

        boolean untouched() {
            return audio.isEmpty() && dtmf.isEmpty() && transfers.isEmpty() && hangups.isEmpty();
        }
    }

    private static CallAgent agent(boolean greeting, String target, RecordingLeg leg) {
        CallAgent agent = LocalAgent.factory(new LocalAgentConfig(greeting, target)).create(CALL);
        agent.onStart(leg);
        return agent;
    }

    /** A frame whose samples are all distinct from other frames', so each echo can be traced to its source. */
    private static short[] frame(int n) {
        short[] pcm = new short[FRAME];
        for (int i = 0; i < FRAME; i++) {
            pcm[i] = (short) (n * 1000 + i);
        }
        return pcm;
    }

    @Test
    void greetingIsTheTwoNoteToneOfAboutHalfASecond() {
        // 160 + 40 + 220 + 100 ms at 8 kHz: a whole number of 20 ms frames
        assertEquals(4160, LocalAgent.GREETING.length);
        assertEquals(0, LocalAgent.GREETING.length % FRAME);
    }

    @Test
    void greetingGoesOutFirstAndCallerAudioIsNotEchoedMeanwhile() {
        RecordingLeg leg = new RecordingLeg();
        agent(true, null, leg);

        int greetingFrames = LocalAgent.GREETING.length / FRAME;
        for (int i = 0; i < greetingFrames; i++) {
            leg.phone.tick(frame(i));
        }
        assertEquals(greetingFrames, leg.audio.size());
        for (int i = 0; i < greetingFrames; i++) {
            assertArrayEquals(Arrays.copyOfRange(LocalAgent.GREETING, i * FRAME, (i + 1) * FRAME), leg.audio.get(i),
                    "greeting frame " + i + " in its own tick, from the first tick on");
        }

        short[] first = frame(99);
        leg.phone.tick(first);
        assertArrayEquals(new short[FRAME], leg.audio.get(greetingFrames), "nothing said during the greeting is echoed");
        leg.phone.tick(null);
        assertArrayEquals(first, leg.audio.get(greetingFrames + 1), "the first frame after the greeting, one tick later");
    }

    @Test
    void withoutGreetingEveryFrameIsEchoedExactlyOneTickLater() {
        RecordingLeg leg = new RecordingLeg();
        agent(false, null, leg);

        for (int i = 0; i < 5; i++) {
            leg.phone.tick(frame(i));
        }
        leg.phone.tick(null);
        assertEquals(6, leg.audio.size());
        assertArrayEquals(new short[FRAME], leg.audio.get(0), "no greeting: silence until the caller said something");
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(frame(i), leg.audio.get(i + 1), "frame " + i);
        }
    }

    @Test
    void theAgentIsInTheCallsPipelineAndLeavesItAtTheEnd() {
        RecordingLeg leg = new RecordingLeg();
        CallAgent agent = agent(true, null, leg);
        String pipeline = leg.phone.media.pipeline();
        assertTrue(pipeline.contains("echo") && pipeline.contains("local agent(greeting, echo)"), pipeline);

        agent.onEnd("test");
        leg.phone.tick(frame(1));
        assertArrayEquals(new short[FRAME], leg.audio.get(0), "a detached agent plays nothing");
        assertTrue(!leg.phone.media.pipeline().contains("local agent"), leg.phone.media.pipeline());
    }

    @Test
    void hashHangsUp() {
        RecordingLeg leg = new RecordingLeg();
        CallAgent agent = agent(false, TARGET, leg);

        agent.onDtmf('#');
        assertEquals(1, leg.hangups.size());
        assertTrue(leg.hangups.get(0).contains("#"), leg.hangups.get(0));
        assertTrue(leg.transfers.isEmpty());
    }

    @Test
    void zeroTransfersToTheConfiguredTarget() {
        RecordingLeg leg = new RecordingLeg();
        CallAgent agent = agent(false, TARGET, leg);

        agent.onDtmf('0');
        assertEquals(List.of(TARGET), leg.transfers);
        assertTrue(leg.hangups.isEmpty());
    }

    @Test
    void zeroDoesNothingWithoutATarget() {
        RecordingLeg leg = new RecordingLeg();
        CallAgent agent = agent(false, null, leg);

        agent.onDtmf('0');
        assertTrue(leg.untouched());
    }

    @ParameterizedTest(name = "key {0} does nothing")
    @ValueSource(chars = {'1', '2', '3', '4', '5', '6', '7', '8', '9', '*', 'A', 'B', 'C', 'D'})
    void otherKeysDoNothing(char digit) {
        RecordingLeg leg = new RecordingLeg();
        CallAgent agent = agent(false, TARGET, leg);

        agent.onDtmf(digit);
        assertTrue(leg.untouched());
    }

    @Test
    void keysDuringTheGreetingStillAct() {
        RecordingLeg leg = new RecordingLeg();
        CallAgent agent = agent(true, TARGET, leg);

        agent.onDtmf('0');
        agent.onDtmf('#');
        assertEquals(List.of(TARGET), leg.transfers);
        assertEquals(1, leg.hangups.size());
    }

    @Test
    void factoryDescribesWhatTheAgentDoes() {
        assertEquals("embedded local agent (greeting, echo, # hangs up, 0 transfers to " + TARGET + ")",
                LocalAgent.factory(new LocalAgentConfig(true, TARGET)).describe());
        assertEquals("embedded local agent (echo, # hangs up)",
                LocalAgent.factory(new LocalAgentConfig(false, null)).describe());
    }

    @Test
    void eachCallGetsItsOwnAgent() {
        var factory = LocalAgent.factory(new LocalAgentConfig(true, null));
        RecordingLeg first = new RecordingLeg();
        RecordingLeg second = new RecordingLeg();
        CallAgent a = factory.create(CALL);
        a.onStart(first);
        int greetingFrames = LocalAgent.GREETING.length / FRAME;
        for (int i = 0; i < greetingFrames; i++) {
            first.phone.tick(frame(i));
        }
        CallAgent b = factory.create(CALL);
        b.onStart(second);

        first.phone.tick(frame(50));
        first.phone.tick(null);
        second.phone.tick(frame(1));
        assertArrayEquals(frame(50), first.audio.get(greetingFrames + 1), "the first call echoes");
        assertArrayEquals(Arrays.copyOfRange(LocalAgent.GREETING, 0, FRAME), second.audio.get(0),
                "the second call is still in its own greeting");
    }
}
