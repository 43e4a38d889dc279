package dev.gateway.media.endpoint;

/** Media could not be set up (ports exhausted, bind failed). The message tells the operator what happened. */
public final class MediaException extends Exception {
    public MediaException(String message) {
        super(message);
    }
}
