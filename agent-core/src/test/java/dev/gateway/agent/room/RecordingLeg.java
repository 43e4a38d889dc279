package dev.gateway.agent.room;

import dev.gateway.agent.PhoneLeg;
import dev.gateway.agent.TransferResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A phone leg that records what the room asks of it. */
final class RecordingLeg implements PhoneLeg {
    final List<String> dtmf = new ArrayList<>();
    final List<String> transfers = new ArrayList<>();
    final List<String> hangups = new ArrayList<>();
    int audioFrames;
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
    public void sendAudio(short[] pcm, int offset, int count) {
        audioFrames++;
    }

    @Override
    public void sendDtmf(String digits) {
        dtmf.add(digits);
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
