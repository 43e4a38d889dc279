package dev.gateway.sip.signalling;

import javax.sip.ClientTransaction;
import javax.sip.ServerTransaction;
import javax.sip.message.Response;

/**
 * What the SIP listener tells an existing call. The call side implements it; the signalling package knows no call
 * class (this interface is what breaks the {@code sip.signalling} <-> {@code sip.call} import cycle).
 *
 * <p>Threading: every method is called on a JAIN-SIP thread and must return at once (hand the work to the call's
 * loop).
 */
public interface SipCallEvents {
    /** The ACK for our 2xx. */
    void onAck();

    /** A BYE from the peer; the implementation answers it. */
    void onBye(ServerTransaction bye);

    /** A CANCEL of the INVITE (its 200 was sent already). */
    void onCancel();

    /** A re-INVITE or UPDATE in the dialog; the implementation answers it. */
    void onReoffer(ServerTransaction tx);

    /** A NOTIFY in the dialog (REFER progress); the implementation answers it. */
    void onNotify(ServerTransaction tx);

    /** A response to a request this call sent (its INVITE, REFER or UPDATE; the method is {@code tx}'s). */
    void onResponse(Response response, ClientTransaction tx);

    /** A request this call sent got no response at all. */
    void onTimeout(ClientTransaction tx);

    /** JAIN-SIP ended the dialog. */
    void onDialogTerminated();

    /** True when an in-dialog request from {@code sourceIp} may act on this dialog (else it gets 403). */
    default boolean acceptsFrom(String sourceIp) {
        return true;
    }
}
