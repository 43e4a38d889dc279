package dev.gateway.sip.call;

import dev.gateway.sip.signalling.SipContext;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * A fake of the SIP side for call tests: a real {@link SipContext} over JAIN-SIP's message factories, with a
 * provider, transactions and one dialog that record what is sent (and on which thread) instead of sending it.
 * {@link #byeFailure} makes building the BYE throw, as JAIN-SIP does for a Contact without host.
 *
 * <p>Threading: the record is synchronized; everything else is set up before use.
 */
final class SipFakes {
    /**
     * What the call sent: a status code ("180", "200") or a method ("BYE", "ACK", "REFER", "CANCEL", "INVITE"), or
     * "terminated" for a server transaction ended without an answer.
     */
    record Sent(String what, Thread thread, Object message) {
    }

    static final String PHONE = "192.0.2.1";
    private static final AtomicLong BRANCH = new AtomicLong();

    final MessageFactory messages;
    final HeaderFactory headers;
    final AddressFactory addresses;
    final SipContext context;
    final Dialog dialog;
    private final List<Sent> sent = new ArrayList<>();
    volatile RuntimeException byeFailure;
    private long cseq = 100;

    SipFakes() throws Exception {
        SipFactory f = SipFactory.getInstance();
        f.setPathName("gov.nist");
        messages = f.createMessageFactory();
        headers = f.createHeaderFactory();
        addresses = f.createAddressFactory();
        SipProvider provider = proxy(SipProvider.class, (p, m, a) -> switch (m.getName()) {
            case "getNewClientTransaction" -> clientTransaction((Request) a[0]);
            default -> unsupported(m.getName());
        });
        context = new SipContext(provider, addresses, headers, messages, "192.0.2.10", 5060, "fake-gateway");
        dialog = proxy(Dialog.class, (p, m, a) -> switch (m.getName()) {
            case "createRequest" -> {
                if (Request.BYE.equals(a[0]) && byeFailure != null) {
                    throw byeFailure;
                }
                yield request((String) a[0], "sip:phone@" + PHONE);
            }
            case "sendRequest" -> record(((ClientTransaction) a[0]).getRequest().getMethod(), ((ClientTransaction) a[0]).getRequest());
            case "createAck" -> request(Request.ACK, "sip:phone@" + PHONE);
            case "sendAck" -> record("ACK", a[0]);
            case "getCallId" -> headers.createCallIdHeader("dialog@" + PHONE);
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == a[0];
            default -> unsupported(m.getName());
        });
    }

    /** A server transaction for {@code request}: responses are recorded by status code. */
    ServerTransaction serverTransaction(Request request) {
        return proxy(ServerTransaction.class, (p, m, a) -> switch (m.getName()) {
            case "getRequest" -> request;
            case "sendResponse" -> record(String.valueOf(((Response) a[0]).getStatusCode()), a[0]);
            case "terminate" -> record("terminated", request);
            case "getDialog" -> dialog;
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == a[0];
            default -> unsupported(m.getName());
        });
    }

    ClientTransaction clientTransaction(Request request) {
        Object[] data = new Object[1];
        return proxy(ClientTransaction.class, (p, m, a) -> switch (m.getName()) {
            case "getRequest" -> request;
            case "sendRequest" -> record(request.getMethod(), request);
            case "setApplicationData" -> {
                data[0] = a[0];
                yield null;
            }
            case "getApplicationData" -> data[0];
            case "getDialog" -> dialog;
            case "createCancel" -> request(Request.CANCEL, request.getRequestURI().toString());
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == a[0];
            default -> unsupported(m.getName());
        });
    }

    /** An INVITE from the phone with a G.711 offer. */
    Request invite(String callId) throws Exception {
        return parse("INVITE sip:+15550002222@192.0.2.10 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + PHONE + ":5060;branch=z9hG4bK-" + BRANCH.incrementAndGet() + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:+15550001111@" + PHONE + ">;tag=phone\r\n"
                + "To: <sip:+15550002222@192.0.2.10>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:phone@" + PHONE + ":5060>\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + sdp(40000).length() + "\r\n"
                + "\r\n" + sdp(40000));
    }

    /** A request in the phone's dialog (re-INVITE, NOTIFY, BYE) with an optional body. */
    Request inDialog(String method, String callId, String contentType, String body) throws Exception {
        return parse(method + " sip:gateway@192.0.2.10 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + PHONE + ":5060;branch=z9hG4bK-" + BRANCH.incrementAndGet() + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:+15550001111@" + PHONE + ">;tag=phone\r\n"
                + "To: <sip:+15550002222@192.0.2.10>;tag=gw\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 2 " + method + "\r\n"
                + "Contact: <sip:phone@" + PHONE + ":5060>\r\n"
                + (body == null ? "Content-Length: 0\r\n\r\n"
                : "Content-Type: " + contentType + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
    }

    static String sdp(int port) {
        return "v=0\r\no=phone 1 1 IN IP4 " + PHONE + "\r\ns=-\r\nc=IN IP4 " + PHONE + "\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
                + "a=ptime:20\r\na=sendrecv\r\n";
    }

    /** A response to {@code request} (our INVITE, REFER) as the far end would send it; SDP for a 2xx INVITE. */
    Response responseTo(Request request, int status) throws Exception {
        Response r = messages.createResponse(status, request);
        ((javax.sip.header.ToHeader) r.getHeader("To")).setTag("callee");
        if (status >= 200 && status < 300 && request.getMethod().equals(Request.INVITE)) {
            r.setContent(sdp(40100), headers.createContentTypeHeader("application", "sdp"));
        }
        return r;
    }

    synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    synchronized List<String> sentNames() {
        return sent.stream().map(Sent::what).toList();
    }

    /** The last recorded message named {@code what}, or null. */
    synchronized Object last(String what) {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (sent.get(i).what().equals(what)) {
                return sent.get(i).message();
            }
        }
        return null;
    }

    private synchronized Object record(String what, Object message) {
        sent.add(new Sent(what, Thread.currentThread(), message));
        return null;
    }

    private synchronized Request request(String method, String uri) throws Exception {
        return parse(method + " " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-gw" + BRANCH.incrementAndGet() + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:gateway@192.0.2.10>;tag=gw\r\n"
                + "To: <sip:phone@" + PHONE + ">;tag=phone\r\n"
                + "Call-ID: dialog@" + PHONE + "\r\n"
                + "CSeq: " + (cseq++) + " " + method + "\r\nContent-Length: 0\r\n\r\n");
    }

    private Request parse(String text) throws Exception {
        return messages.createRequest(text);
    }

    private static Object unsupported(String method) {
        throw new UnsupportedOperationException(method);
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(SipFakes.class.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
