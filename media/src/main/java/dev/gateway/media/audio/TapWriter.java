package dev.gateway.media.audio;

import java.util.Arrays;

/**
 * Shows each frame to a few observers (a level meter now; a voicemail detector and a recorder later), then passes
 * it on unchanged. Observers get the caller's array and must not keep or change it. Prints as
 * {@code tap[level,vm] -> next} (only {@code next} while it has no observer).
 *
 * <p>Loop-confined. Adding or removing an observer allocates (once per attachment); writing does not.
 */
public final class TapWriter extends AudioStage {
    private final AudioWriter next;
    private AudioWriter[] observers = new AudioWriter[0];

    public TapWriter(AudioWriter next) {
        super("tap", next.sampleRate(), next);
        this.next = next;
    }

    /** Adds an observer at this tap's rate. */
    public void add(AudioWriter observer) {
        if (observer.sampleRate() != sampleRate()) {
            throw new IllegalArgumentException("observer " + observer + " takes " + observer.sampleRate()
                    + " Hz, the tap carries " + sampleRate() + " Hz");
        }
        observers = Arrays.copyOf(observers, observers.length + 1);
        observers[observers.length - 1] = observer;
    }

    /**
     * Removes an observer (compared by identity) without closing it; false when it was not attached. The observer
     * sees no frame after this returns.
     */
    public boolean remove(AudioWriter observer) {
        AudioWriter[] list = observers;
        for (int i = 0; i < list.length; i++) {
            if (list[i] == observer) {
                AudioWriter[] shorter = new AudioWriter[list.length - 1];
                System.arraycopy(list, 0, shorter, 0, i);
                System.arraycopy(list, i + 1, shorter, i, list.length - i - 1);
                observers = shorter;
                return true;
            }
        }
        return false;
    }

    @Override
    protected void process(short[] pcm, int off, int len) {
        AudioWriter[] list = observers;
        for (AudioWriter o : list) {
            o.write(pcm, off, len);
        }
        next.write(pcm, off, len);
    }

    @Override
    protected void release() {
        for (AudioWriter o : observers) {
            o.close();
        }
    }

    /** {@code tap[a,b] -> next}; just {@code next} while nobody observes. */
    @Override
    public String toString() {
        if (observers.length == 0) {
            return next.toString();
        }
        StringBuilder s = new StringBuilder("tap[");
        for (int i = 0; i < observers.length; i++) {
            s.append(i == 0 ? "" : ",").append(observers[i] instanceof AudioStage st ? st.name() : observers[i].toString());
        }
        return s.append("] -> ").append(next).toString();
    }
}
