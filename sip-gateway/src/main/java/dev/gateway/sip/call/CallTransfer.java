package dev.gateway.sip.call;

import dev.gateway.agent.TransferResult;
import java.text.ParseException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.SipException;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Blind transfer of an answered call (RFC 3515): sends the REFER (on the SIP executor), follows the NOTIFY
 * progress, settles the waiter and, on success, ends the call with our BYE (Twilio needs it at once, or audio
 * overlaps). Optional ringback while the target rings is played by {@link CallMediaBinding}.
 *
 * <p>Threading: confined to the call's loop; the REFER is built and sent on the SIP executor.
 */
final class CallTransfer {
    private final Call call;
    private final TransferInProgress progress = new TransferInProgress();

    CallTransfer(Call call) {
        this.call = call;
    }

    boolean pending() {
        return progress.pending();
    }

    CallSnapshot.TransferSnapshot snapshot() {
        return progress.snapshot();
    }

    void start(String target, Map<String, String> headers, boolean ringback, CompletableFuture<TransferResult> result) {
        CallState state = call.machine.state();
        if (state != CallState.ACTIVE && state != CallState.ANSWERED) {
            result.complete(new TransferResult(false, 0, "call is " + state.wireName()));
            return;
        }
        if (progress.pending()) {
            result.complete(new TransferResult(false, 0, "a transfer is already in progress"));
            return;
        }
        Dialog dialog = call.dialog;
        if (dialog == null) {
            result.complete(new TransferResult(false, 0, "no dialog to send the REFER on"));
            return;
        }
        progress.begin(target, result);
        if (ringback) {
            call.media.startRingback();
        }
        call.log("transfer to " + target + " (REFER sent)");
        call.sip("REFER", () -> {
            try {
                var sip = call.sip;
                Request refer = dialog.createRequest(Request.REFER);
                refer.setHeader(sip.headers().createReferToHeader(sip.addresses().createAddress(target)));
                refer.setHeader(sip.headers().createHeader("Referred-By", "<sip:gateway@" + sip.advertisedHost() + ">"));
                refer.addHeader(sip.contact(call.transport));
                for (var h : headers.entrySet()) {
                    refer.setHeader(sip.headers().createHeader(h.getKey(), h.getValue()));
                }
                ClientTransaction ct = sip.provider().getNewClientTransaction(refer);
                ct.setApplicationData(call);
                dialog.sendRequest(ct);
            } catch (ParseException e) {
                call.onLoop("REFER failed", () -> done(false, 0, "bad transfer target '" + target + "': " + e.getMessage()));
            } catch (SipException e) {
                call.onLoop("REFER failed", () -> done(false, 0, "REFER could not be sent: " + e.getMessage()));
            }
        });
    }

    /** The response to our REFER. */
    void onReferResponse(Response response) {
        int status = response.getStatusCode();
        if (status >= 200 && status < 300) {
            call.log("transfer accepted (" + status + "), waiting for NOTIFY");
        } else if (status >= 300) {
            done(false, status, "REFER rejected: " + status + " " + response.getReasonPhrase());
        }
    }

    /** A NOTIFY's sipfrag status (-1 when unreadable). */
    void onProgress(int status) {
        if (!progress.pending()) {
            return;
        }
        if (status < 0) {
            call.log("NOTIFY without a readable sipfrag ignored");
        } else if (status < 200) {
            call.log("transfer progress " + status);
        } else if (status < 300) {
            done(true, status, "transferee reported " + status);
            call.end("transferred to " + progress.target(), true);
        } else {
            done(false, status, "transfer failed with " + status);
        }
    }

    /** Settles a pending transfer (no-op when none is pending). */
    void done(boolean ok, int status, String reason) {
        if (progress.complete(ok, status, reason)) {
            call.log("transfer " + (ok ? "succeeded" : "failed") + " status=" + status);
            call.observe(o -> o.transferSettled(ok));
        }
    }
}
