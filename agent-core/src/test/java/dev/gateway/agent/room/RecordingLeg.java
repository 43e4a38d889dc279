package dev.gateway.agent.room;

import dev.gateway.agent.FakePhone;
import dev.gateway.agent.PhoneLeg;
import dev.gateway.agent.TransferResult;
import dev.gateway.media.call.CallAudio;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A phone leg that records what the room asks of it. */
final class RecordingLeg implements PhoneLeg {
    final List<String> dtmf = new ArrayList<>();
    final List<String> transfers = new ArrayList<>();
    final List<String> hangups = new ArrayList<>();
    final List<String> recordingActions = new ArrayList<>();
    /** The call's media: a real CallMedia over a fake phone, ticked by the test. */
    final FakePhone phone = new FakePhone("c-1");
    CompletableFuture<TransferResult> transferOutcome = CompletableFuture.completedFuture(new TransferResult(true, 202, "accepted"));

    @Override
    public String id() {
        return "c-1";
    }

    @Override
    public io.netty.channel.EventLoop eventLoop() {
        return null; // the room parts get a ManualLoop instead
    }

    @Override
    public CallAudio media() {
        return phone.media;
    }

    @Override
    public void sendDtmf(String digits) {
        dtmf.add(digits);
    }

    /** Records the action; "pause" -> paused, "bad" fails as the gateway does for an unknown action. */
    @Override
    public CompletionStage<String> recording(String action) {
        recordingActions.add(action);
        if (action.equals("bad")) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("action must be start, stop, pause or resume"));
        }
        return CompletableFuture.completedFuture(action.equals("pause") ? "paused" : "recording");
    }

    @Override
    public CompletionStage<TransferResult> transfer(String target) {
        transfers.add(target);
        return transferOutcome;
    }

    @Override
    public void hangup(String reason) {
        hangups.add(reason);
    }
}
