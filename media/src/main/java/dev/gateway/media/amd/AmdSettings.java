package dev.gateway.media.amd;

/**
 * Thresholds of the {@link VoicemailDetector}, named after Asterisk {@code app_amd}'s. Times are ms of audio since
 * the answer. Immutable; the constructor validates and names the field in its message.
 *
 * @param initialSilenceMs       silence before the first word after which the call is {@code silence}
 * @param greetingMs             voiced time (sum of words) after which the caller is a {@code machine}
 * @param afterGreetingSilenceMs silence after at least one word after which the caller is {@code human}
 * @param minimumWordLengthMs    voiced run that counts as a word
 * @param betweenWordsSilenceMs  silence that ends a word
 * @param maximumNumberOfWords   words after which the caller is a {@code machine}
 * @param maximumWordLengthMs    one word this long makes the caller a {@code machine}
 * @param totalAnalysisTimeMs    time after which an undecided call is {@code unknown}
 * @param silenceThreshold       mean absolute sample value (16-bit PCM) below which a frame is silent whatever
 *                               the noise floor; the adaptive noise floor decides above it
 * @param beepTimeoutMs          after a {@code machine} decision, how long to wait for the beep
 */
public record AmdSettings(int initialSilenceMs, int greetingMs, int afterGreetingSilenceMs, int minimumWordLengthMs,
        int betweenWordsSilenceMs, int maximumNumberOfWords, int maximumWordLengthMs, int totalAnalysisTimeMs,
        int silenceThreshold, int beepTimeoutMs) {

    private static final int MAX_MS = 600_000;

    public AmdSettings {
        range("initialSilenceMs", initialSilenceMs, 100, MAX_MS);
        range("greetingMs", greetingMs, 100, MAX_MS);
        range("afterGreetingSilenceMs", afterGreetingSilenceMs, 100, MAX_MS);
        range("minimumWordLengthMs", minimumWordLengthMs, 20, MAX_MS);
        range("betweenWordsSilenceMs", betweenWordsSilenceMs, 20, MAX_MS);
        range("maximumNumberOfWords", maximumNumberOfWords, 1, 1000);
        range("maximumWordLengthMs", maximumWordLengthMs, 100, MAX_MS);
        range("totalAnalysisTimeMs", totalAnalysisTimeMs, 500, MAX_MS);
        range("silenceThreshold", silenceThreshold, 1, Short.MAX_VALUE);
        range("beepTimeoutMs", beepTimeoutMs, 0, 3_600_000);
        if (maximumWordLengthMs < minimumWordLengthMs) {
            throw new IllegalArgumentException("maximumWordLengthMs must be >= minimumWordLengthMs ("
                    + minimumWordLengthMs + "), got " + maximumWordLengthMs);
        }
    }

    /**
     * The documented defaults, tuned on the generated corpus ({@code media/src/test/corpus/amd/generate.py}); see
     * the README, "Voicemail detection", and bench/README.md for the tuning figures.
     */
    public static AmdSettings defaults() {
        return new AmdSettings(2500, 1500, 600, 100, 50, 4, 5000, 5000, 256, 30_000);
    }

    private static void range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in " + min + ".." + max + ", got " + value);
        }
    }
}
