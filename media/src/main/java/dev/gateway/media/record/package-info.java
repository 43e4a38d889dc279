/**
 * Call recording: one stereo file per recorded call, left = the caller as received, right = what the caller hears,
 * 8 kHz, as Ogg/Opus (RFC 7845 over RFC 3533) or WAV.
 *
 * <pre>
 *  call's event loop (per 20 ms tick)                        |  writer thread (RecordingService, bounded)
 *  pace: frame sent to the phone -> downlinkTap -> slot.right |
 *  tick: caller's frame          -> uplinkTap   -> slot.left  |
 *        publish slot (volatile index)  ==== RecordingRing ===> drain -> interleave -> Opus + Ogg pages / WAV
 *                                                            |  -> .name.part -> fsync -> rename name.ogg
 * </pre>
 *
 * <p>The loop side ({@link dev.gateway.media.record.CallRecording}'s taps) only copies two 160-sample frames into a
 * ring allocated when the recording starts: no lock, no allocation, no I/O, no exception. Everything that can be
 * slow or fail (encoding, writing, syncing, renaming) happens on the service's writer threads; a writer that falls
 * behind costs dropped frames (written back as silence, counted, the recording marked incomplete), and an I/O error
 * ends that recording as incomplete. Neither reaches the call.
 *
 * <p>The API the call side uses: {@link dev.gateway.media.record.RecordingService} (one per gateway),
 * {@link dev.gateway.media.record.CallRecording} (one per recorded stretch of a call: attach its taps with
 * {@code CallAudio.addTap} / {@code addDownlinkTap}, pause, resume, stop),
 * {@link dev.gateway.media.record.RecordingResult} (how it ended) and
 * {@link dev.gateway.media.record.RecordingFormat}. The rest is package-private: the ring, the writer threads, the
 * Ogg page writer and CRC, the OpusHead/OpusTags builder and the two file formats.
 */
package dev.gateway.media.record;
