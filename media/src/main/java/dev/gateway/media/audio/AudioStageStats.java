package dev.gateway.media.audio;

/**
 * What one stage has seen, a snapshot.
 *
 * @param stage   the stage's own name (not the pipeline after it)
 * @param frames  calls to write
 * @param samples samples written
 * @param nanos   time spent in write, including the stages after it, ns
 */
public record AudioStageStats(String stage, long frames, long samples, long nanos) {
}
