package dev.gateway.sip.call;

import dev.gateway.agent.PhoneLeg;
import dev.gateway.agent.TransferResult;
import dev.gateway.media.call.CallAudio;
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
    public CallAudio media() {
        assert call.loop().inEventLoop() : "media() must run on the call's event loop";
        CallAudio audio = call.media.audio();
        if (audio == null) {
            throw new IllegalStateException("call " + call.id() + " has no media yet");
        }
        return audio;
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
    public CompletionStage<String> recording(String action) {
        return call.recording(action);
    }

    @Override
    public void hangup(String reason) {
        call.hangup(reason);
    }
}
