package dev.gateway.sip.call;

import dev.gateway.agent.PhoneLeg;
import dev.gateway.agent.TransferResult;
import java.util.concurrent.CompletionStage;

/** The {@link PhoneLeg} an agent gets: a thin view of its {@link Call}. Threading as {@link PhoneLeg} says. */
final class CallLeg implements PhoneLeg {
    private final Call call;

    CallLeg(Call call) {
        this.call = call;
    }

    @Override
    public String id() {
        return call.id();
    }

    @Override
    public io.netty.channel.EventLoop eventLoop() {
        return call.loop();
    }

    @Override
    public void sendAudio(short[] pcm, int offset, int count) {
        assert call.loop().inEventLoop() : "sendAudio must run on the call's event loop";
        call.sendAudioOnLoop(pcm, offset, count);
    }

    @Override
    public void sendDtmf(String digits) {
        call.sendDtmf(digits);
    }

    @Override
    public CompletionStage<TransferResult> transfer(String target) {
        return call.transfer(target);
    }

    @Override
    public void hangup(String reason) {
        call.hangup(reason);
    }
}
