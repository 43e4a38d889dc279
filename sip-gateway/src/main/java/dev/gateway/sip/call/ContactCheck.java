package dev.gateway.sip.call;

import java.util.ListIterator;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.message.Request;

/**
 * Admission check of an INVITE's Contact (RFC 3261 §8.1.1.8: exactly one SIP or SIPS URI, where the peer takes
 * in-dialog requests). A Contact we could not send a BYE to would make a call that never ends: JAIN-SIP throws
 * (NullPointerException for a hop without host, ClassCastException for TelURL or a generic URI) when it builds
 * the BYE. Such INVITEs get 400 with the phrase {@link #problem} returns.
 *
 * <p>Threading: stateless, thread-safe.
 */
final class ContactCheck {
    /** The reason phrase for every unusable URI form; tests and peers may match it. */
    static final String NOT_SIP = "Contact must be a SIP or SIPS URI with a host";

    /** No Contact, or one the parser could not read. */
    static final String MISSING = "Contact missing or unreadable: it must be a SIP or SIPS URI with a host";

    private ContactCheck() {
    }

    /** Null when the Contact is usable, else a one-line reason phrase for the 400. */
    static String problem(Request request) {
        ListIterator<?> contacts = request.getHeaders(ContactHeader.NAME);
        if (contacts == null || !contacts.hasNext()) {
            // JAIN-SIP drops a Contact it cannot parse (e.g. <sip:alice@>, a SIP URI without host): same case
            return MISSING;
        }
        ContactHeader contact = (ContactHeader) contacts.next();
        if (contacts.hasNext()) {
            return "INVITE must have exactly one Contact";
        }
        if (contact.isWildCard() || contact.getAddress() == null || contact.getAddress().isWildcard()) {
            return "Contact '*' is only allowed in REGISTER";
        }
        URI uri = contact.getAddress().getURI();
        if (!(uri instanceof SipURI sip) || sip.getHost() == null || sip.getHost().isBlank()) {
            return NOT_SIP;
        }
        return null;
    }
}
