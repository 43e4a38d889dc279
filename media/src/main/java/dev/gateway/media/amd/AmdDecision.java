package dev.gateway.media.amd;

import java.util.Objects;

/**
 * The voicemail detector's decision. Immutable.
 *
 * @param result     what answered
 * @param reason     which rule decided, one of {@code initial_silence}, {@code long_greeting}, {@code max_words},
 *                   {@code long_word}, {@code after_greeting_silence}, {@code beep}, {@code too_long}
 * @param decisionMs when it was decided: audio written before the decision, ms since the first frame
 */
public record AmdDecision(AmdResult result, String reason, long decisionMs) {
    public static final String INITIAL_SILENCE = "initial_silence";
    public static final String LONG_GREETING = "long_greeting";
    public static final String MAX_WORDS = "max_words";
    public static final String LONG_WORD = "long_word";
    public static final String AFTER_GREETING_SILENCE = "after_greeting_silence";
    public static final String BEEP = "beep";
    public static final String TOO_LONG = "too_long";

    public AmdDecision {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(reason, "reason");
        if (decisionMs < 0) {
            throw new IllegalArgumentException("decisionMs must be >= 0, got " + decisionMs);
        }
    }
}
