package dev.gateway.sip.call;

import dev.gateway.agent.TransferResult;
import java.util.concurrent.CompletableFuture;

/**
 * The last blind transfer of a call (RFC 3515): target, outcome and who waits for it. Mutable; confined to the
 * call's loop.
 */
final class TransferInProgress {
    private String target;
    private String status;   // pending | succeeded | failed, null before any transfer
    private int sipStatus;
    private CompletableFuture<TransferResult> waiter;

    void begin(String target, CompletableFuture<TransferResult> waiter) {
        this.target = target;
        this.status = "pending";
        this.sipStatus = 0;
        this.waiter = waiter;
    }

    boolean pending() {
        return "pending".equals(status);
    }

    String target() {
        return target;
    }

    /** Settles a pending transfer; false when none was pending. */
    boolean complete(boolean ok, int sipStatus, String reason) {
        if (!pending()) {
            return false;
        }
        this.status = ok ? "succeeded" : "failed";
        this.sipStatus = sipStatus;
        waiter.complete(new TransferResult(ok, sipStatus, reason));
        waiter = null;
        return true;
    }

    CallSnapshot.TransferSnapshot snapshot() {
        return status == null ? null : new CallSnapshot.TransferSnapshot(target, status, sipStatus);
    }
}
