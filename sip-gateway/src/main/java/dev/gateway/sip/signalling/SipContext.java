package dev.gateway.sip.signalling;

import java.text.ParseException;
import java.util.List;
import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The JAIN-SIP factories and provider plus what the gateway advertises about itself (host, port, User-Agent),
 * and the few message builders every call needs. Thread-safe: the JAIN-SIP factories are.
 */
public final class SipContext {
    /** Methods we answer, for Allow headers and 405s. */
    public static final List<String> ALLOWED = List.of("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "UPDATE", "NOTIFY", "INFO");

    private final SipProvider provider;
    private final AddressFactory addresses;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    private final String advertisedHost;
    private final int port;
    private final int tlsPort;
    private final String userAgent;
    private final System.Logger log = System.getLogger("sip");
    private final SipMessageCounts counts = new SipMessageCounts();

    /** Without a TLS listener. */
    public SipContext(SipProvider provider, AddressFactory addresses, HeaderFactory headers, MessageFactory messages,
               String advertisedHost, int port, String userAgent) {
        this(provider, addresses, headers, messages, advertisedHost, port, 0, userAgent);
    }

    /** {@code tlsPort} is the TLS listener's port, 0 when there is none. */
    public SipContext(SipProvider provider, AddressFactory addresses, HeaderFactory headers, MessageFactory messages,
               String advertisedHost, int port, int tlsPort, String userAgent) {
        this.provider = provider;
        this.addresses = addresses;
        this.headers = headers;
        this.messages = messages;
        this.advertisedHost = advertisedHost;
        this.port = port;
        this.tlsPort = tlsPort;
        this.userAgent = userAgent;
    }

    public SipProvider provider() { return provider; }
    /** Requests and responses counted for the metrics. */
    public SipMessageCounts counts() { return counts; }
    public AddressFactory addresses() { return addresses; }
    public HeaderFactory headers() { return headers; }
    public MessageFactory messages() { return messages; }
    /** The address placed in Contact and in SDP {@code c=} (sip.externalAddress, or the bound address). */
    public String advertisedHost() { return advertisedHost; }
    /** The SIP port we listen on (UDP and TCP). */
    public int port() { return port; }

    /** The port of {@code transport}: the TLS listener's for "tls" (when there is one), else {@link #port()}. */
    public int port(String transport) {
        return tlsPort != 0 && "tls".equalsIgnoreCase(transport) ? tlsPort : port;
    }

    /** Our Contact for a dialog whose request came over {@code transport}. */
    public ContactHeader contact(String transport) throws ParseException {
        SipURI uri = addresses.createSipURI("gateway", advertisedHost);
        uri.setPort(port(transport));
        if (transport != null && !transport.equalsIgnoreCase("udp")) {
            uri.setTransportParam(transport.toLowerCase());
        }
        Address address = addresses.createAddress(uri);
        return headers.createContactHeader(address);
    }

    /** Builds a response with our User-Agent (as Server) header. */
    public Response response(int status, Request request) throws ParseException {
        Response response = messages.createResponse(status, request);
        response.setHeader(headers.createServerHeader(List.of(userAgent)));
        return response;
    }

    /** Adds Allow with every method we handle. */
    public void addAllow(Response response) throws ParseException {
        response.setHeader(headers.createAllowHeader(String.join(", ", ALLOWED)));
    }

    /**
     * Sends a response on a server transaction, logging (not throwing) when the transport fails: the peer may
     * be gone, and nothing the caller of this method can do changes that.
     */
    public void send(ServerTransaction transaction, Response response) {
        try {
            transaction.sendResponse(response);
            counts.responseSent(transaction.getRequest().getMethod(), response.getStatusCode());
        } catch (SipException | InvalidArgumentException | RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "could not send " + response.getStatusCode() + " for "
                    + transaction.getRequest().getMethod() + ": " + e.getMessage());
        }
    }

    /** Builds and sends a simple final response; {@code reason} replaces the standard phrase when not null. */
    public void reply(ServerTransaction transaction, int status, String reason) {
        try {
            Response response = response(status, transaction.getRequest());
            if (reason != null) {
                response.setReasonPhrase(reason);
            }
            send(transaction, response);
        } catch (ParseException e) {
            log.log(System.Logger.Level.WARNING, "could not build " + status + ": " + e.getMessage());
        }
    }

    /** 100 Trying: sent at once so the trunk stops retransmitting while we set the call up. */
    public void reply100(ServerTransaction transaction) {
        reply(transaction, Response.TRYING, null);
    }

    /** The value of a header as it appeared (after the colon), or null for a missing header. */
    public static String headerValue(javax.sip.header.Header header) {
        if (header == null) {
            return null;
        }
        String s = header.toString();
        int colon = s.indexOf(':');
        return (colon >= 0 ? s.substring(colon + 1) : s).strip();
    }

    /** True when the request lists {@code option} in a Supported header (e.g. "timer"). */
    public static boolean supports(javax.sip.message.Message message, String option) {
        var it = message.getHeaders("Supported");
        while (it.hasNext()) {
            for (String o : headerValue((javax.sip.header.Header) it.next()).split(",")) {
                if (o.strip().equalsIgnoreCase(option)) {
                    return true;
                }
            }
        }
        return false;
    }

    public String userAgent() {
        return userAgent;
    }
}
