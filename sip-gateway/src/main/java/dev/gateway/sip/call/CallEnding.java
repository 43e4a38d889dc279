package dev.gateway.sip.call;

import dev.gateway.media.endpoint.RtpEndpointStats;
import dev.gateway.media.quality.CallQuality;
import dev.gateway.agent.CallAgent;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.message.Request;

/**
 * How a call ends, for both directions: a final response or CANCEL before the answer, a BYE after it, then every
 * resource released step by step, each step contained, so a call always leaves the registry (its slot, port and
 * agent freed) even when building the BYE throws.
 *
 * <p>Threading: confined to the call's loop; the BYE is built and sent on the SIP executor.
 */
final class CallEnding {
    private final Call call;
    /** The end went to the log's quality line and the metrics. */
    private boolean reported;

    CallEnding(Call call) {
        this.call = call;
    }

    /** Idempotent: the first reason wins. */
    void end(String reason, boolean sendBye) {
        if (call.machine.over()) {
            return;
        }
        if (call.machine.unanswered()) {
            call.endUnanswered(reason);
            return;
        }
        call.machine.to(CallState.ENDING);
        if (sendBye) {
            sendBye();
        }
        finish(reason);
    }

    void endLocally(String reason) {
        if (call.machine.is(CallState.ENDED)) {
            return;
        }
        try {
            end(reason, true);
        } catch (RuntimeException e) {
            call.log("ending cleanly failed too: " + CallGuard.describe(e));
        }
        if (!call.machine.is(CallState.ENDED)) {
            finish(reason);
        }
    }

    void finish(String reason) {
        if (!call.machine.is(CallState.ENDED)) {
            call.machine.to(CallState.ENDED);
        }
        call.registry.remove(call);
        quietly("cancelling timers", () -> {
            call.timers.cancel();
            call.sessionRefresh.cancel();
        });
        quietly("settling the transfer", () -> call.transfer.done(false, 0, "call ended: " + reason));
        quietly("direction clean-up", () -> call.ended(reason));
        quietly("finishing the recording", call::stopFeatures);
        String pipeline = call.media.pipeline();
        RtpEndpointStats[] last = new RtpEndpointStats[1];
        quietly("closing media", () -> last[0] = call.media.close());
        CallAgent a = call.agent;
        call.agent = null;
        if (a != null) {
            quietly("telling the agent", () -> a.onEnd(reason));
        }
        long duration = call.clock.getAsLong() - call.startedAtMillis;
        if (call.ended.complete(reason)) {
            call.log("ended reason=\"" + reason + "\" duration=" + duration / 1000.0 + "s dtmf=" + call.dtmf);
        }
        if (!reported) { // once, also for a call removed by force (whose future completed elsewhere)
            reported = true;
            CallQuality quality = last[0] == null ? null : CallQuality.of(last[0], call.ptimeMs());
            if (quality != null) {
                call.log("quality: " + quality.line() + " pipeline: " + pipeline);
            }
            call.observe(o -> o.ended(call.outbound(), reason, last[0], quality, duration));
        }
    }

    private void sendBye() {
        call.sip("BYE", () -> {
            Dialog d = call.byeDialog();
            if (d == null) {
                return;
            }
            try {
                ClientTransaction ct = call.sip.provider().getNewClientTransaction(d.createRequest(Request.BYE));
                d.sendRequest(ct);
            } catch (javax.sip.SipException e) {
                call.log("BYE could not be sent: " + e.getMessage());
            }
        });
    }

    private void quietly(String step, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            call.log(step + " failed: " + CallGuard.describe(e));
        }
    }
}
