package dev.gateway.sip.signalling;

import gov.nist.javax.sip.RequestEventExt;
import gov.nist.javax.sip.stack.SIPServerTransaction;
import java.util.Properties;
import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.TransactionUnavailableException;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The JAIN-SIP RI stack (UDP and TCP on one port), its listener and the {@link SipExecutor} calls send from. The
 * listener never blocks: new INVITEs go to {@link SipCalls#admit} (cheap checks) and everything about an existing
 * call to its {@link SipCallEvents}, which hands it to the call's event loop.
 *
 * <p>Threading: {@link #start()} and {@link #stop()} from the owner's thread; the listener methods run on
 * JAIN-SIP's threads, several at once (reentrant listener), and touch only thread-safe state.
 */
public final class SipSignalling implements SipListener {
    private static final System.Logger LOG = System.getLogger("sip");

    private final SignallingSettings settings;
    private final SipExecutor executor = new SipExecutor();
    private final ForeignRequests foreign = new ForeignRequests(System::nanoTime);
    private volatile SipCalls calls;
    /** Why OPTIONS gets 503 now (null: 200); null supplier: ask {@link SipCalls#unavailableReason()}. */
    private volatile java.util.function.Supplier<String> readiness;
    private SipStack stack;
    private SipContext context;

    public SipSignalling(SignallingSettings settings) {
        this.settings = settings;
    }

    /** Where calls send SIP from (started with the stack). */
    public SipExecutor executor() {
        return executor;
    }

    /**
     * Creates the stack and binds UDP and TCP on the SIP port, and TLS on its own port when configured. The
     * returned context is what calls use to send.
     *
     * @throws SipStartException naming the address and what failed (port in use, bad address)
     */
    public SipContext start() throws SipStartException {
        try {
            SipFactory factory = SipFactory.getInstance();
            factory.setPathName("gov.nist");
            Properties properties = SipStackSettings.properties("gateway-" + settings.port(), settings.tcp(), settings.tls());
            stack = factory.createSipStack(properties);
            ListeningPoint udp = stack.createListeningPoint(settings.bind(), settings.port(), ListeningPoint.UDP);
            ListeningPoint tcp = stack.createListeningPoint(settings.bind(), settings.port(), ListeningPoint.TCP);
            String sentBy = settings.advertisedHost() + ":" + settings.port();
            udp.setSentBy(sentBy);
            tcp.setSentBy(sentBy);
            SipProvider provider = stack.createSipProvider(udp);
            provider.addListeningPoint(tcp);
            String transports = "UDP, TCP";
            if (settings.tls() != null) {
                ListeningPoint tls = stack.createListeningPoint(settings.bind(), settings.tls().port(), ListeningPoint.TLS);
                tls.setSentBy(settings.advertisedHost() + ":" + settings.tls().port());
                provider.addListeningPoint(tls);
                transports += "; TLS on " + settings.tls().port();
            }
            provider.addSipListener(this);
            context = new SipContext(provider, factory.createAddressFactory(), factory.createHeaderFactory(),
                    factory.createMessageFactory(), settings.advertisedHost(), settings.port(),
                    settings.tls() == null ? 0 : settings.tls().port(), settings.userAgent());
            stack.start();
            executor.start();
            LOG.log(System.Logger.Level.INFO, "SIP listening on " + settings.bind() + ":" + settings.port()
                    + " (" + transports + "), advertising " + sentBy);
            return context;
        } catch (Exception e) {
            stop();
            throw new SipStartException("SIP could not listen on " + settings.bind() + ":" + settings.port() + ": "
                    + e.getMessage() + " (is another process using the port? set sip.port or sip.bind)", e);
        }
    }

    /** Installs the call side; must be called after {@link #start()} and before traffic matters. */
    /**
     * OPTIONS answers follow {@code reason}: 503 with its text (and Retry-After) when it gives one, 200 when null.
     * Called on JAIN-SIP threads: must not block.
     */
    public void readiness(java.util.function.Supplier<String> reason) {
        this.readiness = reason;
    }

    public void calls(SipCalls calls) {
        this.calls = calls;
    }

    public void stop() {
        executor.stop(300); // the last BYEs leave before the stack closes its sockets
        if (stack != null) {
            stack.stop();
            stack = null;
        }
    }

    // ------------------------------------------------------------------ SipListener

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        String method = request.getMethod();
        context.counts().requestReceived(method);
        SipCalls side = calls;
        if (method.equals(Request.ACK)) {
            SipCallEvents call = side == null ? null : side.bySipCallId(callId(request));
            if (call != null && call.acceptsFrom(((RequestEventExt) event).getRemoteIpAddress())) {
                call.onAck();
            }
            return;
        }
        boolean inDialog = ((ToHeader) request.getHeader(ToHeader.NAME)).getTag() != null;
        if (!method.equals(Request.CANCEL) && side != null && side.dropSilently((RequestEventExt) event)) {
            return; // before any transaction: the stack sends nothing for it, not even 100 Trying
        }
        ServerTransaction tx = serverTransaction(event);
        if (tx == null) {
            return; // a retransmission the stack already handles, or a reply was sent statelessly
        }
        if (method.equals(Request.INVITE) && !inDialog) {
            if (side == null) {
                context.reply(tx, Response.SERVICE_UNAVAILABLE, "Starting up");
            } else {
                side.admit((RequestEventExt) event, tx);
            }
            return;
        }
        SipCallEvents call = side == null ? null : side.bySipCallId(callId(request));
        if (call != null && !call.acceptsFrom(((RequestEventExt) event).getRemoteIpAddress())) {
            foreign.refuse(context, tx, request, ((RequestEventExt) event).getRemoteIpAddress());
            return; // the dialog's Call-ID and tags travel in clear: knowing them is no proof of being its peer
        }
        switch (method) {
            case Request.INVITE, Request.UPDATE -> {
                if (call == null) {
                    context.reply(tx, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
                } else {
                    call.onReoffer(tx);
                }
            }
            case Request.BYE -> {
                if (call == null) {
                    context.reply(tx, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
                } else {
                    call.onBye(tx);
                }
            }
            case Request.CANCEL -> onCancel(tx, call);
            case Request.OPTIONS -> onOptions(tx);
            case Request.NOTIFY -> {
                if (call == null) {
                    context.reply(tx, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
                } else {
                    call.onNotify(tx);
                }
            }
            case Request.INFO -> context.reply(tx, inDialog && call != null ? Response.OK : Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            case Request.REGISTER, Request.SUBSCRIBE, Request.MESSAGE, Request.PUBLISH, Request.PRACK, Request.REFER -> {
                try {
                    Response response = context.response(Response.METHOD_NOT_ALLOWED, request);
                    context.addAllow(response);
                    context.send(tx, response);
                } catch (java.text.ParseException e) {
                    context.reply(tx, Response.METHOD_NOT_ALLOWED, null);
                }
            }
            default -> context.reply(tx, Response.NOT_IMPLEMENTED, null);
        }
    }

    private ServerTransaction serverTransaction(RequestEvent event) {
        ServerTransaction tx = event.getServerTransaction();
        if (tx != null) {
            return tx;
        }
        try {
            return context.provider().getNewServerTransaction(event.getRequest());
        } catch (TransactionAlreadyExistsException e) {
            return null;
        } catch (TransactionUnavailableException e) {
            // The stack refuses requests it cannot build a transaction for (an INVITE without Contact, say):
            // answer 400 statelessly with the reason, so the sender learns what is wrong.
            Request request = event.getRequest();
            LOG.log(System.Logger.Level.INFO, request.getMethod() + " " + callId(request) + " rejected 400: " + e.getMessage());
            try {
                Response bad = context.response(Response.BAD_REQUEST, request);
                bad.setReasonPhrase("Bad Request (" + e.getMessage() + ")");
                context.provider().sendResponse(bad);
                context.counts().responseSent(request.getMethod(), Response.BAD_REQUEST);
            } catch (java.text.ParseException | javax.sip.SipException | RuntimeException ex) {
                LOG.log(System.Logger.Level.DEBUG, "could not answer 400: " + ex.getMessage());
            }
            return null;
        }
    }

    private void onCancel(ServerTransaction cancel, SipCallEvents call) {
        SIPServerTransaction invite = cancel instanceof SIPServerTransaction s ? s.getCanceledInviteTransaction() : null;
        if (invite == null) {
            context.reply(cancel, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        context.reply(cancel, Response.OK, null);
        if (call != null) {
            call.onCancel();
        } else {
            context.reply(invite, Response.REQUEST_TERMINATED, null);
        }
    }

    private void onOptions(ServerTransaction tx) {
        SipCalls c = calls;
        java.util.function.Supplier<String> ready = readiness;
        String unavailable = c == null ? "Starting" : ready != null ? ready.get() : c.unavailableReason();
        if (unavailable != null) {
            try {
                Response busy = context.response(Response.SERVICE_UNAVAILABLE, tx.getRequest());
                busy.setReasonPhrase(unavailable);
                busy.setHeader(context.headers().createRetryAfterHeader(30));
                context.send(tx, busy);
            } catch (java.text.ParseException | javax.sip.InvalidArgumentException e) {
                context.reply(tx, Response.SERVICE_UNAVAILABLE, unavailable);
            }
            return;
        }
        try {
            Response ok = context.response(Response.OK, tx.getRequest());
            context.addAllow(ok);
            ok.setHeader(context.headers().createAcceptHeader("application", "sdp"));
            context.send(tx, ok);
        } catch (java.text.ParseException e) {
            context.reply(tx, Response.OK, null);
        }
    }

    @Override
    public void processResponse(ResponseEvent event) {
        javax.sip.header.CSeqHeader cseq = (javax.sip.header.CSeqHeader) event.getResponse().getHeader(
                javax.sip.header.CSeqHeader.NAME);
        context.counts().responseReceived(cseq == null ? null : cseq.getMethod(), event.getResponse().getStatusCode());
        ClientTransaction ct = event.getClientTransaction();
        if (ct != null && ct.getApplicationData() instanceof SipCallEvents call) {
            call.onResponse(event.getResponse(), ct);
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        if (!event.isServerTransaction() && event.getClientTransaction().getApplicationData() instanceof SipCallEvents call) {
            call.onTimeout(event.getClientTransaction());
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        LOG.log(System.Logger.Level.DEBUG, "SIP I/O error towards " + event.getHost() + ":" + event.getPort());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        SipCalls side = calls;
        SipCallEvents call = side == null ? null : side.bySipCallId(event.getDialog().getCallId().getCallId());
        if (call != null) {
            call.onDialogTerminated();
        }
    }

    public static String callId(Request request) {
        return ((javax.sip.header.CallIdHeader) request.getHeader(javax.sip.header.CallIdHeader.NAME)).getCallId();
    }
}
