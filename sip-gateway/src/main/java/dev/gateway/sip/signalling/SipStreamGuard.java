package dev.gateway.sip.signalling;

import java.nio.charset.StandardCharsets;

/**
 * Checks the byte stream of one SIP/TCP connection before the RI's parser sees it, and refuses what would harm
 * the stack: a {@code Content-Length} that is not a number of at most {@code maxMessageBytes} (the RI allocates
 * the body array from it at once: {@code 2147483647} is an {@link OutOfMemoryError} in its selector thread), a
 * header line or header section longer than the bounds, and control bytes the RI's line reader cannot take
 * (three CRs in a row overrun its two-byte buffer).
 *
 * <p>Framing as in RFC 3261 §18.3 and as the RI reads it: header lines end with LF (CRs are dropped), an empty
 * line ends the headers when some came before (otherwise it is a keep-alive, RFC 5626 §4.4.1), then
 * {@code Content-Length} bytes of body; a missing {@code Content-Length} counts as 0. Like the RI, the header is
 * recognised by its long name only.
 *
 * <p>Not thread-safe: one instance per connection, fed in order from the connection's reader.
 */
final class SipStreamGuard {
    private static final String CONTENT_LENGTH = "content-length";
    private static final int MAX_CR_RUN = 2;

    private final int maxLineBytes;
    private final int maxMessageBytes;
    private final byte[] line;
    private int lineLength;
    private int crRun;
    private int headerBytes;
    private boolean headersSeen;
    private int contentLength;
    private long bodyLeft;

    /**
     * @param maxLineBytes    longest header line, CR LF excluded
     * @param maxMessageBytes longest header section, and largest body
     */
    SipStreamGuard(int maxLineBytes, int maxMessageBytes) {
        this.maxLineBytes = maxLineBytes;
        this.maxMessageBytes = maxMessageBytes;
        this.line = new byte[CONTENT_LENGTH.length() + 24]; // enough of a line to read a Content-Length
    }

    /**
     * Checks the next bytes of the stream.
     *
     * @throws SipStreamException naming the first violation; the connection must be closed
     */
    void check(byte[] bytes, int offset, int length) throws SipStreamException {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bodyLeft > 0) {
                int skip = (int) Math.min(bodyLeft, end - i);
                bodyLeft -= skip;
                i += skip - 1;
                continue;
            }
            byte b = bytes[i];
            if (b == '\n') {
                endOfLine();
            } else if (b == '\r') {
                if (++crRun > MAX_CR_RUN) {
                    throw new SipStreamException("more than " + MAX_CR_RUN + " CRs in a row");
                }
            } else {
                crRun = 0;
                if (b == 0) {
                    throw new SipStreamException("NUL byte in a header line");
                }
                if (lineLength < line.length) {
                    line[lineLength] = b;
                }
                lineLength++;
                if (lineLength > maxLineBytes) {
                    throw new SipStreamException("header line longer than " + maxLineBytes + " bytes");
                }
                if (++headerBytes > maxMessageBytes) {
                    throw new SipStreamException("header section longer than " + maxMessageBytes + " bytes");
                }
            }
        }
    }

    private void endOfLine() throws SipStreamException {
        crRun = 0;
        if (lineLength == 0) {
            if (headersSeen) { // end of the header section
                bodyLeft = contentLength;
                headersSeen = false;
                headerBytes = 0;
                contentLength = 0;
            }
            return;
        }
        headersSeen = true;
        if (startsWithContentLength()) {
            contentLength = contentLength();
        }
        lineLength = 0;
    }

    private boolean startsWithContentLength() {
        if (lineLength < CONTENT_LENGTH.length()) {
            return false;
        }
        for (int i = 0; i < CONTENT_LENGTH.length(); i++) {
            if (Character.toLowerCase((char) line[i]) != CONTENT_LENGTH.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The value as the RI reads it: what follows the name and one more character (the colon), trimmed. */
    private int contentLength() throws SipStreamException {
        int from = CONTENT_LENGTH.length() + 1;
        int to = Math.min(lineLength, line.length);
        String value = from >= to ? "" : new String(line, from, to - from, StandardCharsets.ISO_8859_1).trim();
        if (lineLength > line.length || value.isEmpty() || value.length() > 18 || !value.chars().allMatch(Character::isDigit)) {
            throw new SipStreamException("Content-Length is not a number");
        }
        long n = Long.parseLong(value);
        if (n > maxMessageBytes) {
            throw new SipStreamException("Content-Length " + n + " over " + maxMessageBytes);
        }
        return (int) n;
    }
}
