package dev.gateway.media.amd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the {@link VoicemailDetector} (default settings) over a labelled corpus and prints accuracy, the confusion
 * matrix, decision times per labelled class, the beep end error, the misjudged files, and last one JSON line with
 * the same figures.
 *
 * <p>Usage: {@code java -cp gateway.jar dev.gateway.media.amd.AmdCorpusReport <dir>}, where {@code <dir>} holds
 * 8 kHz 16-bit mono WAV files and {@code labels.json} as {@code media/src/test/corpus/amd/generate.py} writes it:
 * a JSON array with one object per line, {@code {"file": "h000.wav", "label": "human", "beep_end_ms": null, ...}}
 * (label one of human, machine, silence, unknown; {@code beep_end_ms} the true end of the beep or null). Each file
 * is fed in 20 ms frames, then digital silence until the detector finishes (at most 60 s more). Exit status 0,
 * or 2 on bad input.
 */
public final class AmdCorpusReport {
    private static final Pattern ENTRY = Pattern.compile(
            "\\{\\s*\"file\"\\s*:\\s*\"([^\"]+)\"\\s*,\\s*\"label\"\\s*:\\s*\"([a-z]+)\"\\s*,\\s*\"beep_end_ms\"\\s*:\\s*(null|\\d+)");
    private static final int FRAME = 160;
    private static final int MAX_TAIL_FRAMES = 3000;
    private static final int BEEP_END_TOLERANCE_MS = 200; // listed as misjudged beyond this

    private AmdCorpusReport() {
    }

    /** One file's outcome. */
    record Outcome(String file, AmdResult label, long trueBeepEndMs, AmdDecision decision, long beepEndMs) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: AmdCorpusReport <corpus dir with labels.json and WAV files>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String labels = Files.readString(dir.resolve("labels.json"), StandardCharsets.UTF_8);
        List<Outcome> outcomes = new ArrayList<>();
        Matcher m = ENTRY.matcher(labels);
        while (m.find()) {
            AmdResult label = AmdResult.valueOf(m.group(2).toUpperCase(Locale.ROOT));
            long beepEnd = m.group(3).equals("null") ? -1 : Long.parseLong(m.group(3));
            outcomes.add(run(m.group(1), label, beepEnd, readWav(dir.resolve(m.group(1)))));
        }
        if (outcomes.isEmpty()) {
            System.err.println("no entries in " + dir.resolve("labels.json"));
            System.exit(2);
        }
        print(outcomes);
    }

    static Outcome run(String file, AmdResult label, long trueBeepEndMs, short[] pcm) {
        return run(file, label, trueBeepEndMs, pcm, AmdSettings.defaults());
    }

    static Outcome run(String file, AmdResult label, long trueBeepEndMs, short[] pcm, AmdSettings settings) {
        AmdDecision[] decision = new AmdDecision[1];
        long[] beepEnd = {-1};
        VoicemailDetector detector = new VoicemailDetector(settings, new AmdListener() {
            @Override
            public void onDecision(AmdDecision d) {
                decision[0] = d;
            }

            @Override
            public void onBeep(long ms) {
                beepEnd[0] = ms;
            }

            @Override
            public void onBeepTimeout(long ms) {
            }
        });
        int i = 0;
        for (; i + FRAME <= pcm.length && !detector.finished(); i += FRAME) {
            detector.write(pcm, i, FRAME);
        }
        short[] silence = new short[FRAME];
        for (int f = 0; f < MAX_TAIL_FRAMES && !detector.finished(); f++) {
            detector.write(silence, 0, FRAME);
        }
        return new Outcome(file, label, trueBeepEndMs, decision[0], beepEnd[0]);
    }

    static short[] readWav(Path path) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) { // "RIFF", "WAVE"
            throw new IOException(path + ": not a RIFF/WAVE file");
        }
        int pos = 12;
        boolean format = false;
        while (pos + 8 <= b.limit()) {
            int id = b.getInt(pos);
            int size = b.getInt(pos + 4);
            if (id == 0x20746d66) { // "fmt "
                int codec = b.getShort(pos + 8);
                int channels = b.getShort(pos + 10);
                int rate = b.getInt(pos + 12);
                int bits = b.getShort(pos + 22);
                if (codec != 1 || channels != 1 || rate != 8000 || bits != 16) {
                    throw new IOException(path + ": need 8 kHz 16-bit mono PCM, got codec " + codec + ", "
                            + channels + " channels, " + rate + " Hz, " + bits + " bits");
                }
                format = true;
            } else if (id == 0x61746164 && format) { // "data"
                int n = Math.min(size, b.limit() - pos - 8) / 2;
                short[] pcm = new short[n];
                b.position(pos + 8);
                b.asShortBuffer().get(pcm);
                return pcm;
            }
            pos += 8 + size + (size & 1);
        }
        throw new IOException(path + ": no fmt/data chunk");
    }

    private static void print(List<Outcome> outcomes) {
        AmdResult[] classes = AmdResult.values();
        int[][] confusion = new int[classes.length][classes.length + 1]; // last column: no decision
        int correct = 0;
        for (Outcome o : outcomes) {
            int column = o.decision() == null ? classes.length : o.decision().result().ordinal();
            confusion[o.label().ordinal()][column]++;
            if (o.decision() != null && o.decision().result() == o.label()) {
                correct++;
            }
        }
        double accuracy = (double) correct / outcomes.size();
        System.out.printf(Locale.ROOT, "files %d, correct %d, accuracy %.4f%n", outcomes.size(), correct, accuracy);
        System.out.println("confusion (rows: label, columns: decision)");
        System.out.printf(Locale.ROOT, "%-9s %8s %8s %8s %8s %8s%n", "", "human", "machine", "silence", "unknown", "none");
        StringBuilder json = new StringBuilder("{\"files\":").append(outcomes.size())
                .append(",\"accuracy\":").append(String.format(Locale.ROOT, "%.4f", accuracy)).append(",\"confusion\":{");
        for (AmdResult label : classes) {
            int[] row = confusion[label.ordinal()];
            System.out.printf(Locale.ROOT, "%-9s %8d %8d %8d %8d %8d%n", label.wire(), row[0], row[1], row[2], row[3], row[4]);
            json.append(label.ordinal() == 0 ? "" : ",").append('"').append(label.wire()).append("\":{");
            for (AmdResult d : classes) {
                json.append(d.ordinal() == 0 ? "" : ",").append('"').append(d.wire()).append("\":").append(row[d.ordinal()]);
            }
            json.append(",\"none\":").append(row[classes.length]).append('}');
        }
        json.append("},\"decision_ms\":{");
        System.out.println("decision time by label, ms: median p90 max (n)");
        boolean firstClass = true;
        for (AmdResult label : classes) {
            long[] times = outcomes.stream().filter(o -> o.label() == label && o.decision() != null)
                    .mapToLong(o -> o.decision().decisionMs()).sorted().toArray();
            if (times.length == 0) {
                continue;
            }
            long median = percentile(times, 50);
            long p90 = percentile(times, 90);
            long max = times[times.length - 1];
            System.out.printf(Locale.ROOT, "%-9s %6d %6d %6d (%d)%n", label.wire(), median, p90, max, times.length);
            json.append(firstClass ? "" : ",").append('"').append(label.wire()).append("\":{\"median\":").append(median)
                    .append(",\"p90\":").append(p90).append(",\"max\":").append(max).append(",\"n\":").append(times.length).append('}');
            firstClass = false;
        }
        long[] errors = outcomes.stream().filter(o -> o.trueBeepEndMs() >= 0 && o.beepEndMs() >= 0)
                .mapToLong(o -> Math.abs(o.beepEndMs() - o.trueBeepEndMs())).sorted().toArray();
        long beeps = outcomes.stream().filter(o -> o.trueBeepEndMs() >= 0).count();
        long falseBeeps = outcomes.stream().filter(o -> o.trueBeepEndMs() < 0 && o.beepEndMs() >= 0).count();
        long errorMedian = errors.length == 0 ? 0 : percentile(errors, 50);
        long errorMax = errors.length == 0 ? 0 : errors[errors.length - 1];
        System.out.printf(Locale.ROOT, "beeps: labelled %d, found %d, false %d; end error ms median %d max %d%n",
                beeps, errors.length, falseBeeps, errorMedian, errorMax);
        json.append("},\"beeps\":").append(beeps).append(",\"beeps_found\":").append(errors.length)
                .append(",\"false_beeps\":").append(falseBeeps)
                .append(",\"beep_end_error_ms\":{\"median\":").append(errorMedian).append(",\"max\":").append(errorMax).append("}");
        System.out.println("misjudged:");
        for (Outcome o : outcomes) {
            boolean wrong = o.decision() == null || o.decision().result() != o.label();
            boolean beepWrong = (o.trueBeepEndMs() >= 0) != (o.beepEndMs() >= 0)
                    || Math.abs(o.beepEndMs() - o.trueBeepEndMs()) > BEEP_END_TOLERANCE_MS;
            if (wrong || beepWrong) {
                System.out.printf(Locale.ROOT, "  %s label %s decision %s beep %d (true %d)%n", o.file(), o.label().wire(),
                        o.decision(), o.beepEndMs(), o.trueBeepEndMs());
            }
        }
        System.out.println(json.append('}'));
    }

    private static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
