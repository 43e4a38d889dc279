package dev.gateway.agent.signal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import livekit.LivekitModels;
import livekit.LivekitRtc;

/** Records every callback of one {@link SignalClient} as an event; tests wait for the one they expect. */
final class RecordingListener implements SignalClient.Listener {

    /** One callback: its kind and argument(s). */
    record Event(String kind, Object value, Object extra) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void onJoin(LivekitRtc.JoinResponse join) {
        add("join", join, null);
    }

    @Override
    public void onOffer(String sdp) {
        add("offer", sdp, null);
    }

    @Override
    public void onAnswer(String sdp) {
        add("answer", sdp, null);
    }

    @Override
    public void onTrickle(String candidateInitJson, LivekitRtc.SignalTarget target) {
        add("trickle", candidateInitJson, target);
    }

    @Override
    public void onTrackPublished(String cid, LivekitModels.TrackInfo track) {
        add("trackPublished", cid, track);
    }

    @Override
    public void onTrackSubscribed(String trackSid) {
        add("trackSubscribed", trackSid, null);
    }

    @Override
    public void onParticipantUpdate(List<LivekitModels.ParticipantInfo> participants) {
        add("update", List.copyOf(participants), null);
    }

    @Override
    public void onLeave(LivekitRtc.LeaveRequest leave) {
        add("leave", leave, null);
    }

    @Override
    public void onClosed(String reason) {
        add("closed", reason, null);
    }

    @Override
    public void onRoomUpdate(LivekitModels.Room room) {
        add("roomUpdate", room, null);
    }

    @Override
    public void onOther(LivekitRtc.SignalResponse response) {
        add("other", response, null);
    }

    private synchronized void add(String kind, Object value, Object extra) {
        events.add(new Event(kind, value, extra));
        notifyAll();
    }

    /** Waits for the first event of {@code kind} matching {@code test}; null on timeout. */
    synchronized Event await(String kind, Predicate<Event> test, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Event e : events) {
                if (e.kind().equals(kind) && test.test(e)) {
                    return e;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    Event await(String kind, Duration timeout) throws InterruptedException {
        return await(kind, e -> true, timeout);
    }

    List<Event> all(String kind) {
        List<Event> out = new ArrayList<>();
        for (Event e : events) {
            if (e.kind().equals(kind)) {
                out.add(e);
            }
        }
        return out;
    }

    List<Event> all() {
        return List.copyOf(events);
    }
}
