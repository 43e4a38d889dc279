package dev.gateway.agent.room;

import java.util.EnumMap;
import java.util.Map;

/**
 * When each stage of one room call's set-up happened, in ms after {@code prepare}, for the one line logged when the
 * call is ready (or given up): which stage an operator's slow answers queue in. A stage is recorded the first time
 * only; stages that never happened are left out of the line.
 *
 * <p>Threading: loop-confined. Time comes from the call loop's clock (injected; tests drive it).
 */
final class SetupTimeline {
    /** The stages, in the order a call usually passes them (the line keeps this order). */
    enum Stage {
        TOKEN("token"),
        JOINED("joined"),
        SUBSCRIBER_OFFER("subscriber offer"),
        PUBLISHER_OPEN("publisher socket"),
        TRACK_PUBLISHED("track published"),
        PUBLISHER_ANSWER("publisher answer"),
        SUBSCRIBER_ICE("subscriber ice"),
        SUBSCRIBER_DTLS_START("subscriber dtls start"),
        SUBSCRIBER_DTLS("subscriber dtls"),
        PUBLISHER_ICE("publisher ice"),
        PUBLISHER_DTLS_START("publisher dtls start"),
        PUBLISHER_DTLS("publisher dtls"),
        DATA_CHANNEL("data channel"),
        AGENT("agent"),
        READY("ready");

        private final String label;

        Stage(String label) {
            this.label = label;
        }
    }

    private final CallLoop loop;
    private final long startNanos;
    private final Map<Stage, Long> at = new EnumMap<>(Stage.class);

    SetupTimeline(CallLoop loop) {
        this.loop = loop;
        this.startNanos = loop.nanoTime();
    }

    /** Records {@code stage} now, unless it was already recorded. */
    void mark(Stage stage) {
        at.putIfAbsent(stage, loop.nanoTime() - startNanos);
    }

    /** Milliseconds after the start at which {@code stage} happened, or -1 if it has not. */
    long millis(Stage stage) {
        Long nanos = at.get(stage);
        return nanos == null ? -1 : nanos / 1_000_000;
    }

    /** "token +0, joined +118, ..., ready +402 ms" over the stages recorded so far. */
    String line() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Stage, Long> e : at.entrySet()) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(e.getKey().label).append(" +").append(e.getValue() / 1_000_000);
        }
        return sb.append(" ms").toString();
    }
}
