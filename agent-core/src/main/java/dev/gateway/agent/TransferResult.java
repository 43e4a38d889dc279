package dev.gateway.agent;

/**
 * Outcome of a blind transfer.
 *
 * @param succeeded true when the transferee reported a 2xx sipfrag
 * @param sipStatus the final SIP status that decided the outcome (from the REFER response or the NOTIFY sipfrag);
 *                  0 when the call ended before any status was known
 * @param reason    human-readable reason for logs and the API
 */
public record TransferResult(boolean succeeded, int sipStatus, String reason) {
    public TransferResult {
        if (reason == null) {
            throw new IllegalArgumentException("reason must not be null");
        }
    }
}
