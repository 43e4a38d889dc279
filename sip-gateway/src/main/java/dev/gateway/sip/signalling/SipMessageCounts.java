package dev.gateway.sip.signalling;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * SIP traffic counted for the metrics: requests received by method, and responses sent and received by method
 * (of their CSeq) and status code. Bounded whatever arrives: methods outside {@link #METHODS} count as
 * {@code OTHER}, codes outside 100..699 as 0, so the table has a fixed size and a hostile peer cannot grow it.
 *
 * <p>Thread-safe and lock-free; counting allocates nothing (JAIN-SIP threads, the SIP executor, call loops).
 */
public final class SipMessageCounts {
    /** The methods counted by name; the last one stands for every other method. */
    public static final List<String> METHODS = List.of("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER",
            "REFER", "NOTIFY", "INFO", "UPDATE", "MESSAGE", "SUBSCRIBE", "PRACK", "OTHER");
    private static final int CODES = 600; // 100..699
    private static final int OTHER = METHODS.size() - 1;

    private final AtomicLongArray requests = new AtomicLongArray(METHODS.size());
    private final AtomicLongArray sent = new AtomicLongArray(METHODS.size() * (CODES + 1));
    private final AtomicLongArray received = new AtomicLongArray(METHODS.size() * (CODES + 1));

    /** A visitor of the non-zero counts. */
    @FunctionalInterface
    public interface CodeVisitor {
        void count(String method, int code, long count);
    }

    public void requestReceived(String method) {
        requests.incrementAndGet(methodIndex(method));
    }

    public void responseSent(String method, int code) {
        sent.incrementAndGet(slot(method, code));
    }

    public void responseReceived(String method, int code) {
        received.incrementAndGet(slot(method, code));
    }

    /** Requests of {@code method} (as in {@link #METHODS}) received since start. */
    public long requests(String method) {
        return requests.get(methodIndex(method));
    }

    /** Calls {@code visitor} for every method with requests received. */
    public void forEachRequest(java.util.function.ObjLongConsumer<String> visitor) {
        for (int m = 0; m < METHODS.size(); m++) {
            long n = requests.get(m);
            if (n > 0) {
                visitor.accept(METHODS.get(m), n);
            }
        }
    }

    /** Calls {@code visitor} for every (method, code) with responses sent. */
    public void forEachSent(CodeVisitor visitor) {
        visit(sent, visitor);
    }

    /** Calls {@code visitor} for every (method, code) with responses received. */
    public void forEachReceived(CodeVisitor visitor) {
        visit(received, visitor);
    }

    private static void visit(AtomicLongArray table, CodeVisitor visitor) {
        for (int i = 0; i < table.length(); i++) {
            long n = table.get(i);
            if (n > 0) {
                int code = i % (CODES + 1);
                visitor.count(METHODS.get(i / (CODES + 1)), code == CODES ? 0 : code + 100, n);
            }
        }
    }

    private static int slot(String method, int code) {
        int c = code >= 100 && code <= 699 ? code - 100 : CODES;
        return methodIndex(method) * (CODES + 1) + c;
    }

    static int methodIndex(String method) {
        if (method == null) {
            return OTHER;
        }
        for (int i = 0; i < OTHER; i++) {
            if (METHODS.get(i).equals(method)) {
                return i;
            }
        }
        return OTHER;
    }
}
