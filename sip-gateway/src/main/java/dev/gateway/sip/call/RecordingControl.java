package dev.gateway.sip.call;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gateway.agent.VoicemailResult;
import dev.gateway.media.call.CallAudio;
import dev.gateway.media.record.CallRecording;
import dev.gateway.media.record.RecordingFormat;
import dev.gateway.media.record.RecordingResult;
import dev.gateway.media.record.RecordingService;
import dev.gateway.sip.config.RecordingConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One call's recording: started at the answer when the switches say so ({@code recording} in the config, the
 * call's {@code sip.recording} attribute), and started, stopped, paused or resumed on demand (HTTP API, the
 * {@code sip.recording} RPC). The audio is written by the shared {@link RecordingService} off the media loop; when a
 * recording is finished its JSON sidecar is written next to it, atomically, from the writer's thread.
 *
 * <p>States: {@code off} (never started), {@code pending} (start asked before the answer), {@code recording},
 * {@code paused} (silence is written, so the file keeps the call's timeline), {@code stopped}. A call may hold
 * {@link #MAX_RECORDINGS} recordings one after the other ({@code <call>.ogg}, {@code <call>-2.ogg}, ...).
 *
 * <p>Threading: loop-confined. A failing recording never fails the call: it is logged and marked incomplete.
 */
final class RecordingControl {
    /** The participant attribute that switches recording from the answer on for one call: {@code on} or {@code off}. */
    static final String ATTRIBUTE = "sip.recording";
    static final int MAX_RECORDINGS = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Call call;
    private final RecordingConfig config;
    private final RecordingService service;
    private final Path dir;
    private final boolean outbound;
    private CallAudio audio;
    private Supplier<String> phoneCodec = () -> "";
    private Supplier<VoicemailResult> voicemail = () -> null;
    private CallRecording current;
    private long currentStartedAt;
    private Path reservation;
    private String currentName;
    private int started;
    private boolean pending;
    private boolean ended;

    RecordingControl(Call call, CallFeatures features, boolean outbound) {
        this.call = call;
        this.config = features.recording();
        this.service = features.recorder();
        this.dir = features.recordingDir();
        this.outbound = outbound;
    }

    /** Whether this call is recorded from its answer on. */
    boolean wanted(String trunkName) {
        return config.switches().enabled(call.info(), outbound, trunkName, ATTRIBUTE);
    }

    /** The call is answered: records from now on when wanted (or asked for while it rang). */
    void answered(CallAudio audio, boolean wanted, Supplier<String> phoneCodec, Supplier<VoicemailResult> voicemail) {
        this.audio = audio;
        this.phoneCodec = phoneCodec;
        this.voicemail = voicemail;
        if (wanted || pending) {
            pending = false;
            start("at the answer");
        }
    }

    /** {@code start|stop|pause|resume}: the state afterwards, or an exception whose message the requester sees. */
    String control(String action) {
        String a = action == null ? "" : action.strip().toLowerCase(Locale.ROOT);
        if (ended) {
            throw new IllegalStateException("the call has ended");
        }
        switch (a) {
            case "start" -> {
                if (service == null) {
                    throw new IllegalStateException("recording is not available on this gateway");
                }
                if (audio == null) {
                    pending = true; // not answered yet: from the answer on
                } else if (current == null) {
                    start("on request");
                }
            }
            case "stop" -> {
                pending = false;
                finish("on request");
            }
            case "pause", "resume" -> {
                if (current == null) {
                    throw new IllegalStateException("no recording in progress (start one first)");
                }
                boolean pause = a.equals("pause");
                if (current.paused() != pause) {
                    if (pause) {
                        current.pause();
                    } else {
                        current.resume();
                    }
                    call.log("recording " + (pause ? "paused" : "resumed"));
                }
            }
            default -> throw new IllegalArgumentException("action must be start, stop, pause or resume, got '" + action + "'");
        }
        return state();
    }

    /** {@code off}, {@code pending}, {@code recording}, {@code paused} or {@code stopped}. */
    String state() {
        if (current != null) {
            return current.paused() ? "paused" : "recording";
        }
        if (pending) {
            return "pending";
        }
        return started > 0 ? "stopped" : "off";
    }

    /** The call ends: the recording in progress is finished (its sidecar follows from the writer's thread). */
    void end() {
        finish("at the end of the call");
        ended = true;
    }

    private void start(String why) {
        if (service == null) {
            throw new IllegalStateException("recording is not available on this gateway");
        }
        if (started >= MAX_RECORDINGS) {
            throw new IllegalStateException("this call already made " + MAX_RECORDINGS + " recordings");
        }
        started++;
        String name = started == 1 ? call.id() : call.id() + "-" + started;
        current = service.start(name, call.loop());
        currentName = RecordingService.safeName(name);
        currentStartedAt = call.nowMillis();
        Path reserved = RecordingSidecars.reservation(dir, name);
        reservation = reserved;
        if (!RecordingSidecars.submit(() -> reserve(reserved))) {
            call.log("recording sidecar space not reserved: the sidecar writer is busy");
        }
        audio.addTap(current.uplinkTap());
        audio.addDownlinkTap(current.downlinkTap());
        call.log("recording started " + why + " (" + config.format().extension() + " in " + dir.toAbsolutePath() + ")");
    }

    private void finish(String why) {
        if (current == null) {
            return;
        }
        CallRecording r = current;
        current = null;
        if (audio != null) { // the taps leave the call's audio with the recording: nothing more is copied for it
            audio.removeTap(r.uplinkTap());
            audio.removeDownlinkTap(r.downlinkTap());
        }
        Sidecar sidecar = new Sidecar(reservation, dir.resolve(currentName + ".json"), call.id(), call.sipCallId(), outbound ? "outbound" : "inbound", call.info().from(),
                call.info().to(), call.info().trunkId(), call.info().room() == null ? "" : call.info().room().roomName(),
                currentStartedAt, call.nowMillis(), phoneCodec.get(), voicemail.get());
        call.log("recording stopped " + why);
        // the result always completes (the writer ends every job with one), on the writer's thread
        r.stop().thenAccept(result -> {
            if (!RecordingSidecars.submit(() -> sidecar.write(call, result))) {
                call.log("recording sidecar not written: the sidecar writer is busy");
                RecordingSidecars.release(sidecar.reservation());
            }
        });
    }

    private void reserve(Path reserved) {
        try {
            RecordingSidecars.reserve(reserved);
        } catch (IOException e) {
            call.log("recording sidecar space not reserved: " + e);
        }
    }

    /** What the JSON sidecar says about the call, taken on the loop when the recording stops. */
    private record Sidecar(Path reservation, Path fallback, String id, String sipCallId, String direction, String from, String to, String trunk,
                           String room, long startedAt, long endedAt, String codec, VoicemailResult voicemail) {

        /** Writes {@code <recording>.json} next to the recording into its reserved space, then renames it (sidecar thread). */
        void write(Call call, RecordingResult r) {
            ObjectNode n = JSON.createObjectNode();
            n.put("callId", id).put("sipCallId", sipCallId).put("direction", direction).put("from", from).put("to", to)
                    .put("trunk", trunk).put("room", room)
                    .put("startedAt", Instant.ofEpochMilli(startedAt).toString())
                    .put("endedAt", Instant.ofEpochMilli(endedAt).toString())
                    .put("durationMs", r.durationMs()).put("pausedMs", r.pausedMs())
                    .put("file", r.file() == null ? null : r.file().getFileName().toString())
                    .put("format", r.format() == RecordingFormat.WAV ? "wav/pcm_s16le" : "ogg/opus")
                    .put("sampleRate", 8000).put("channels", 2)
                    .put("left", "caller").put("right", "what the caller heard")
                    .put("phoneCodec", codec)
                    .put("complete", !r.incomplete());
            if (r.incomplete()) {
                n.put("incomplete", true).put("problem", r.problem());
            }
            n.set("voicemail", voicemail == null ? null : JSON.valueToTree(voicemail.fields()));
            Path target = fallback; // no file at all (the directory could not be written): the sidecar says why
            if (r.file() != null) {
                String name = r.file().getFileName().toString();
                int dot = name.lastIndexOf('.');
                target = r.file().resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
            }
            try {
                RecordingSidecars.publish(reservation, target,
                        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n).getBytes(StandardCharsets.UTF_8));
                call.log("recording written: " + (r.file() == null ? "no audio file" : r.file().getFileName()) + " "
                        + r.durationMs() + " ms"
                        + (r.incomplete() ? " INCOMPLETE (" + r.problem() + ")" : ""));
            } catch (IOException e) {
                call.log("recording sidecar not written: " + e);
                RecordingSidecars.release(reservation);
            }
        }
    }
}
