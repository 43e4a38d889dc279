package dev.gateway.media.webrtc.ice;

import dev.gateway.media.webrtc.stun.StunClass;
import dev.gateway.media.webrtc.stun.StunCodec;
import dev.gateway.media.webrtc.stun.StunDecoded;
import dev.gateway.media.webrtc.stun.StunIntegrity;
import dev.gateway.media.webrtc.stun.StunMessage;
import dev.gateway.media.webrtc.stun.StunVerifyResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * Full ICE (RFC 8445) for one component and one local host candidate, with consent freshness (RFC 7675).
 *
 * <p>Nomination (CONTROLLING): regular nomination (§8.1.1) without waiting for better pairs — on the tick after
 * the first pair becomes valid, a check with USE-CANDIDATE is sent on the best valid pair, and the pair is selected
 * when that check succeeds. CONTROLLED: a pair is selected when a USE-CANDIDATE request arrives on a valid pair, or
 * when our check on a pair the peer nominated succeeds. Once selected, the selection never changes; later
 * nominations are ignored. Checks go out one per {@link #tick} (the tick period is Ta), triggered checks first.
 *
 * <p>Loop-confined: every method must be called from the one thread that owns the socket, except
 * {@link #stats()} and {@link #state()}, which may be read from any thread. Time comes only from the
 * {@code nowNanos} arguments. {@link #onStun} does not take ownership of the packet; every buffer given to the
 * {@link Output} belongs to it.
 */
public final class IceAgent {

    /** Where the agent's datagrams go. Takes ownership of {@code packet}. */
    public interface Output {
        void send(ByteBuf packet, InetSocketAddress to);
    }

    /** Called on the agent's loop from {@link #onStun} or {@link #tick}: onConnected once, onFailed at most once. */
    public interface Listener {
        void onConnected(InetSocketAddress remote);

        void onFailed(String reason);
    }

    /** No pair selected this long after the first remote candidate: failed. */
    public static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
    /** PRIORITY in our checks: a peer-reflexive candidate on our only address (RFC 8445 §7.1.1). */
    private static final long PRFLX_PRIORITY =
            IceCandidate.priority(IceCandidate.TYPE_PREFERENCE_PRFLX, IceCandidate.MAX_LOCAL_PREFERENCE, 1);
    private static final long LOCAL_PRIORITY = IceCandidate.hostPriority(IceCandidate.MAX_LOCAL_PREFERENCE, 1);

    private final String localUfrag;
    private final byte[] localKey;
    private final long tieBreaker;
    private final Listener listener;
    private final IceMessages messages;
    private final IceTransactions transactions;
    private final IceCheckList checkList = new IceCheckList();
    private final IceConsent consent = new IceConsent(RANDOM);
    private final IceCounters counters = new IceCounters();
    private final Output out;

    private IceRole role;
    private volatile IceState state = IceState.NEW;
    private String remoteUfrag;
    private byte[] remoteKey;
    private long startedNanos;
    private boolean started;
    private IcePair nominating;
    private IcePair selected;

    /** @param tieBreaker random 64-bit value for role conflicts (RFC 8445 §16.1), compared unsigned */
    public IceAgent(IceRole role, String localUfrag, String localPwd, long tieBreaker, Output out, Listener listener,
                    ByteBufAllocator alloc) {
        this.role = role;
        this.localUfrag = localUfrag;
        this.localKey = StunIntegrity.shortTermKey(localPwd);
        this.tieBreaker = tieBreaker;
        this.out = out;
        this.listener = listener;
        this.messages = new IceMessages(alloc);
        this.transactions = new IceTransactions(out);
    }

    /** A 16-character ice-chars username fragment (RFC 8839 §5.4 asks for at least 4 with 24 bits of randomness). */
    public static String randomUfrag() {
        return randomIceChars(16);
    }

    /** A 24-character ice-chars password (RFC 8839 §5.4: at least 22, 128 bits of randomness). */
    public static String randomPwd() {
        return randomIceChars(24);
    }

    private static String randomIceChars(int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = ICE_CHARS[RANDOM.nextInt(ICE_CHARS.length)];
        }
        return new String(c);
    }

    public void setRemoteCredentials(String ufrag, String pwd) {
        this.remoteUfrag = ufrag;
        this.remoteKey = StunIntegrity.shortTermKey(pwd);
    }

    /**
     * Adds a remote candidate; the first one starts the 15 s deadline, counted from the first {@link #tick}
     * or {@link #onStun} after it. Ignored: non-UDP, components other than 1 (rtcp-mux), hostnames (mDNS),
     * duplicates, and anything after a terminal state.
     */
    public void addRemoteCandidate(IceCandidate c) {
        if (terminal() || !c.isUdp() || c.component() != 1) {
            return;
        }
        InetSocketAddress remote = c.socketAddress();
        if (remote != null && checkList.find(remote) == null) {
            checkList.add(remote, c.priority(), LOCAL_PRIORITY, role);
            if (state == IceState.NEW) {
                state = IceState.CHECKING;
            }
        }
    }

    /** Handles one STUN datagram received from {@code from}; the caller keeps ownership of {@code packet}. */
    public void onStun(ByteBuf packet, InetSocketAddress from, long nowNanos) {
        if (terminal()) {
            return;
        }
        startClock(nowNanos);
        StunDecoded d = StunCodec.decode(packet);
        if (!d.ok() || d.message().method() != StunMessage.METHOD_BINDING
                || (d.message().hasFingerprint() && StunIntegrity.verifyFingerprint(packet) != StunVerifyResult.OK)) {
            counters.malformed.increment();
            return;
        }
        StunMessage m = d.message();
        switch (m.messageClass()) {
            case REQUEST -> onRequest(m, packet, from, nowNanos);
            case SUCCESS_RESPONSE, ERROR_RESPONSE -> onResponse(m, packet, from, nowNanos);
            case INDICATION -> { } // keepalive indications need no answer
        }
    }

    private void onRequest(StunMessage m, ByteBuf packet, InetSocketAddress from, long nowNanos) {
        byte[] tx = m.transactionId();
        switch (IceRequestVerdict.judge(m, packet, localUfrag, remoteUfrag, localKey, role, tieBreaker)) {
            case BAD_REQUEST -> {
                reject(tx, IceMessages.BAD_REQUEST, "Bad Request", from);
                return;
            }
            case UNAUTHENTICATED -> {
                reject(tx, IceMessages.UNAUTHENTICATED, "Unauthenticated", from);
                return;
            }
            case ROLE_CONFLICT -> {
                counters.roleConflicts.increment();
                out.send(messages.error(tx, IceMessages.ROLE_CONFLICT, "Role Conflict", localKey), from);
                return;
            }
            case SWITCH_ROLE_AND_ACCEPT -> {
                counters.roleConflicts.increment();
                switchRole();
            }
            case ACCEPT -> { }
        }
        counters.requestsReceived.increment();
        out.send(messages.success(tx, from, localKey), from);
        IcePair pair = checkList.find(from);
        if (pair == null) { // RFC 8445 §7.3.1.3: a peer-reflexive remote candidate
            pair = checkList.add(from, m.priority().orElse(PRFLX_PRIORITY), LOCAL_PRIORITY, role);
            if (state == IceState.NEW) {
                state = IceState.CHECKING;
            }
        }
        if (state != IceState.CHECKING) {
            return;
        }
        if (m.useCandidate() && role == IceRole.CONTROLLED) {
            pair.nominatedByPeer = true;
            if (pair.valid()) {
                select(pair, nowNanos);
                return;
            }
        }
        if (!pair.valid() && !transactions.checking(pair)) {
            checkList.trigger(pair); // RFC 8445 §7.3.1.4
        }
    }

    private void onResponse(StunMessage m, ByteBuf packet, InetSocketAddress from, long nowNanos) {
        IceTransaction t = transactions.find(m.transactionId());
        if (t == null) {
            counters.unknownTransaction.increment();
            return;
        }
        boolean success = m.messageClass() == StunClass.SUCCESS_RESPONSE;
        boolean authentic = m.hasIntegrity() && StunIntegrity.verifyIntegrity(packet, remoteKey) == StunVerifyResult.OK;
        if (!authentic && (success || m.hasIntegrity() || m.errorCode() == IceMessages.ROLE_CONFLICT)) {
            counters.unauthenticated.increment(); // spoofed, or a wrong remote pwd: the check times out
            return;
        }
        transactions.finish(t);
        counters.responsesReceived.increment();
        IcePair pair = t.pair;
        if (!from.equals(pair.remote)) { // RFC 8445 §7.2.5.2.1: non-symmetric addresses
            pair.state = IcePair.State.FAILED;
        } else if (success) {
            onCheckSucceeded(t, pair, nowNanos);
        } else if (m.errorCode() == IceMessages.ROLE_CONFLICT) { // RFC 8445 §7.2.5.1
            counters.roleConflicts.increment();
            if (t.roleAtSend == role) {
                switchRole();
            }
            if (!pair.valid()) {
                pair.state = IcePair.State.WAITING;
            }
            checkList.trigger(pair);
        } else if (!t.consent) {
            pair.state = IcePair.State.FAILED;
        }
    }

    private void onCheckSucceeded(IceTransaction t, IcePair pair, long nowNanos) {
        pair.state = IcePair.State.SUCCEEDED;
        if (pair == selected) {
            consent.refreshed(nowNanos);
        } else if (state == IceState.CHECKING
                && (role == IceRole.CONTROLLING ? t.useCandidate : pair.nominatedByPeer)) {
            select(pair, nowNanos);
        } else if (state == IceState.CHECKING && role == IceRole.CONTROLLING && nominating == null) {
            // The first valid pair: nominate it now rather than on the next tick (up to 20 ms later); with one
            // host candidate on each side there is nothing better to wait for, and set-up is on the caller's clock.
            nominating = checkList.bestValid();
            send(nominating, true, false, nowNanos);
        }
    }

    /** Paces checks, retransmits, nominates, runs consent and the deadlines. Call every ~20 ms. */
    public void tick(long nowNanos) {
        if (terminal()) {
            return;
        }
        startClock(nowNanos);
        transactions.tick(nowNanos, this::onTimeout);
        if (state == IceState.CHECKING) {
            if (nowNanos - startedNanos >= CONNECT_TIMEOUT_NANOS) {
                fail("ICE connectivity checks timed out");
            } else if (remoteKey != null) {
                sendNextCheck(nowNanos);
            }
        } else if (state == IceState.CONNECTED) {
            if (consent.expired(nowNanos)) {
                fail("consent expired");
            } else if (consent.due(nowNanos)) {
                consent.scheduleNext(nowNanos);
                send(selected, false, true, nowNanos);
            }
        }
    }

    private void sendNextCheck(long nowNanos) {
        if (role == IceRole.CONTROLLING && nominating == null && checkList.bestValid() != null) {
            nominating = checkList.bestValid();
            send(nominating, true, false, nowNanos);
            return;
        }
        IcePair pair = checkList.pollTriggered();
        if (pair == null) {
            pair = checkList.nextWaiting();
        }
        if (pair != null) {
            send(pair, false, false, nowNanos);
        }
    }

    private void send(IcePair pair, boolean useCandidate, boolean isConsent, long nowNanos) {
        if (!pair.valid()) {
            pair.state = IcePair.State.IN_PROGRESS;
        }
        byte[] tx = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        RANDOM.nextBytes(tx);
        ByteBuf request = messages.request(tx, remoteUfrag + ":" + localUfrag, PRFLX_PRIORITY, role, tieBreaker,
                useCandidate, remoteKey);
        counters.checksSent.increment();
        transactions.start(new IceTransaction(tx, pair, useCandidate, role, isConsent, request), nowNanos);
    }

    private void onTimeout(IceTransaction t) {
        if (t.consent || t.pair == selected) {
            return; // consent loss is judged by IceConsent's 30 s, not by one transaction
        }
        t.pair.state = IcePair.State.FAILED;
        if (t.pair == nominating) {
            nominating = null;
        }
    }

    private void select(IcePair pair, long nowNanos) {
        selected = pair;
        state = IceState.CONNECTED;
        checkList.clearTriggered();
        consent.start(nowNanos);
        listener.onConnected(pair.remote);
    }

    private void switchRole() {
        role = role.opposite();
        nominating = null;
    }

    private void reject(byte[] tx, int code, String reason, InetSocketAddress from) {
        counters.unauthenticated.increment();
        out.send(messages.error(tx, code, reason, null), from);
    }

    private void fail(String reason) {
        state = IceState.FAILED;
        transactions.clear();
        listener.onFailed(reason);
    }

    private void startClock(long nowNanos) {
        if (!started && state == IceState.CHECKING) {
            started = true;
            startedNanos = nowNanos;
        }
    }

    private boolean terminal() {
        return state == IceState.FAILED || state == IceState.CLOSED;
    }

    public IceState state() {
        return state;
    }

    /** The current role, which a role conflict may have changed. */
    public IceRole role() {
        return role;
    }

    /** The selected remote address, or null before CONNECTED. */
    public InetSocketAddress selectedRemote() {
        return selected == null ? null : selected.remote;
    }

    /** Counter snapshot; callable from any thread. */
    public IceStats stats() {
        return counters.snapshot(transactions.retransmits());
    }

    /** Stops everything and releases buffered requests; no callback follows. Idempotent. */
    public void close() {
        if (state != IceState.CLOSED) {
            state = IceState.CLOSED;
            transactions.clear();
        }
    }
}
