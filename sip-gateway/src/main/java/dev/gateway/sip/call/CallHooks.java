package dev.gateway.sip.call;

import io.netty.util.concurrent.ScheduledFuture;

/**
 * How a call's parts report back to it: the SIP queue (a send failed or was refused), the media binding (DTMF,
 * media timeout, a contained failure) and the session timer (expired, its timers and UPDATE sends). Every report
 * that changes the call goes to the call's loop, through its guard.
 *
 * <p>Threading: {@link SipQueue.Failures} methods are called on a SIP executor thread (or the submitting one) and
 * only hand over to the loop; the others are called on the call's loop.
 */
final class CallHooks implements SipQueue.Failures, CallMediaBinding.Events, SessionRefresh.Owner {
    private final Call call;

    CallHooks(Call call) {
        this.call = call;
    }

    @Override
    public void sendFailed(String what, RuntimeException e) {
        call.onLoop("after " + what, () -> call.guard.failed("sending " + what, e));
    }

    @Override
    public void refused(String what, String why) {
        call.log(what + " not sent: " + why);
        call.onLoop("after " + what, () -> call.endLocally(what + " not sent (" + why + ")"));
    }

    @Override
    public void digit(char digit) {
        call.recordDigit(digit);
    }

    @Override
    public void mediaTimeout(long silentMillis) {
        call.log("no RTP from the phone for " + silentMillis / 1000 + " s");
        // after this tick: ending unregisters the call's media, which must not shift the tick's participant list
        call.onLoop("media timeout", () -> call.end("media timeout", true));
    }

    @Override
    public void failed(String event, RuntimeException e) {
        call.guard.failed(event, e);
    }

    @Override
    public void mediaStopped(String reason) {
        call.onLoop("media stopped", () -> call.endLocally(reason)); // after the tick that failed, not inside it
    }

    @Override
    public void expired(String reason) {
        call.end(reason, true);
    }

    @Override
    public void log(String event) {
        call.log(event);
    }

    @Override
    public ScheduledFuture<?> schedule(String event, Runnable task, long millis) {
        return call.timers.schedule(event, task, millis);
    }

    @Override
    public void send(String what, Runnable action) {
        call.sip(what, action);
    }

    @Override
    public Object transactionOwner() {
        return call;
    }
}
