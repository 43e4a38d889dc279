"""A real LiveKit agent (livekit-agents) for the gateway's end-to-end tests.

Registers with a LiveKit server as the explicitly dispatched agent `AGENT_NAME` (default Quinn_353). For every
job (= room it is dispatched into) it:
  * connects to the room, waits for the participant of kind SIP (the phone bridged in by the gateway);
  * records that participant's kind, identity, name, attributes and every attribute change;
  * subscribes to its audio track and records it at 8 kHz mono (raw int16 file next to the result);
  * estimates the dominant frequency of the first ANALYSE_SECONDS of voiced audio (numpy FFT);
  * publishes its own track "agent-tone" (source microphone) with a sine at TONE_HZ (or job metadata
    {"tone_hz": ...}) for the phone to hear;
  * notes when the SIP participant disconnects;
and writes `<room>.json` (atomically, rewritten on every change) into RESULTS_DIR.

Run: python tone_agent.py  with env LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, RESULTS_DIR
     [AGENT_NAME, TONE_HZ, ANALYSE_SECONDS]. Writes RESULTS_DIR/_worker_registered once registered.
"""
import asyncio
import faulthandler
import json
import logging
import math
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
from livekit import rtc
from livekit.agents import AgentServer, AutoSubscribe, JobContext, JobExecutorType

LOG = logging.getLogger("tone_agent")

AGENT_NAME = os.environ.get("AGENT_NAME", "Quinn_353")
RESULTS_DIR = Path(os.environ.get("RESULTS_DIR", "."))
DEFAULT_TONE_HZ = float(os.environ.get("TONE_HZ", "600"))
# 1.5 s of tone fixes its frequency to well under the tests' 5 Hz (FFT bins of 0.67 Hz, interpolated); with ten
# agent jobs and ten calls on a 2-core machine a job may hear only 1.4-2 s of a caller's tone as voiced 50 ms frames
ANALYSE_SECONDS = float(os.environ.get("ANALYSE_SECONDS", "1.5"))
RATE = 8000  # the phone's audio is narrowband: record and analyse at 8 kHz
TONE_RATE = 48000
TONE_AMPLITUDE = 8000
VOICED_RMS = 300.0  # int16 RMS above which a received frame counts as sound
MAX_RECORD_SECONDS = 60


def dominant_frequency(samples, rate=RATE):
    """Frequency (Hz) of the largest FFT peak of `samples` (Hann window, parabolic interpolation)."""
    x = np.asarray(samples, dtype=np.float64)
    if len(x) < 256:
        return None
    x = x - x.mean()
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    spec[0] = 0.0
    k = int(np.argmax(spec))
    if 0 < k < len(spec) - 1:
        a, b, c = np.log(spec[k - 1] + 1e-12), np.log(spec[k] + 1e-12), np.log(spec[k + 1] + 1e-12)
        denom = a - 2 * b + c
        delta = 0.5 * (a - c) / denom if denom != 0 else 0.0
    else:
        delta = 0.0
    return (k + delta) * rate / len(x)


class Job:
    """State of one job (one room); everything runs on the job's event loop."""

    def __init__(self, ctx: JobContext):
        self.ctx = ctx
        self.room_name = ctx.job.room.name
        self.result_file = RESULTS_DIR / (self.room_name + ".json")
        self.pcm_file = RESULTS_DIR / (self.room_name + ".s16le")
        self.result = {
            "room": self.room_name,
            "job_id": ctx.job.id,
            "agent_name": ctx.job.agent_name,
            "job_metadata": ctx.job.metadata,
            "job_received_at": time.time(),
            "connected_at": None,
            "participant": None,
            "attribute_history": [],
            "track": None,
            "first_audio_at": None,
            "first_voiced_at": None,
            "voiced_seconds": 0.0,
            "recorded_seconds": 0.0,
            "frequency_hz": None,
            "analysed_at": None,
            "tone_hz": None,
            "tone_published_at": None,
            "participant_disconnected_at": None,
            "disconnect_reason": None,
            "events": [],
            "errors": [],
        }
        self.sip = None
        self.voiced = []  # int16 arrays of voiced frames (for the frequency estimate)
        self.voiced_n = 0
        self.recorded_n = 0
        self.pcm = None
        self.tasks = set()

    def write(self):
        tmp = self.result_file.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.result, indent=1, sort_keys=True))
        os.replace(tmp, self.result_file)

    def event(self, what, **kw):
        e = {"t": time.time(), "event": what}
        e.update(kw)
        self.result["events"].append(e)
        LOG.info("[%s] %s %s", self.room_name, what, kw or "")

    def spawn(self, coro):
        t = asyncio.ensure_future(coro)
        self.tasks.add(t)
        t.add_done_callback(self._task_done)
        return t

    def _task_done(self, t):
        self.tasks.discard(t)
        if not t.cancelled() and t.exception() is not None:
            self.result["errors"].append(repr(t.exception()))
            LOG.error("[%s] task failed: %r", self.room_name, t.exception())
            self.write()

    # ------------------------------------------------------------------ room events
    def on_attributes(self, changed, participant):
        if self.sip is None or participant.identity != self.sip.identity:
            return
        self.result["attribute_history"].append({"t": time.time(), "changed": dict(changed),
                                                 "attributes": dict(participant.attributes)})
        self.result["participant"]["attributes"] = dict(participant.attributes)
        self.event("attributes_changed", changed=dict(changed))
        self.write()

    def on_disconnected(self, participant):
        if self.sip is None or participant.identity != self.sip.identity:
            return
        self.result["participant_disconnected_at"] = time.time()
        reason = getattr(participant, "disconnect_reason", None)
        self.result["disconnect_reason"] = str(reason) if reason is not None else None
        self.result["participant"]["final_attributes"] = dict(participant.attributes)
        self.event("participant_disconnected", identity=participant.identity)
        self.write()

    def on_track_subscribed(self, track, publication, participant):
        if self.sip is None or participant.identity != self.sip.identity or track.kind != rtc.TrackKind.KIND_AUDIO:
            return
        if self.result["track"] is not None:
            return
        self.result["track"] = {"sid": publication.sid, "name": publication.name, "source": int(publication.source),
                                "source_name": rtc.TrackSource.Name(publication.source),
                                "mime_type": publication.mime_type, "subscribed_at": time.time()}
        self.event("track_subscribed", name=publication.name, sid=publication.sid)
        self.write()
        self.spawn(self.record(track))

    # ------------------------------------------------------------------ audio
    async def record(self, track):
        # 50 ms frames: 20 events/s per job keeps 10 concurrent jobs light on one Python process
        stream = rtc.AudioStream.from_track(track=track, sample_rate=RATE, num_channels=1, frame_size_ms=50)
        self.pcm = open(self.pcm_file, "wb")
        analysed = False
        try:
            async for ev in stream:
                frame = ev.frame
                x = np.frombuffer(frame.data, dtype=np.int16).copy()
                if self.recorded_n == 0:
                    self.result["first_audio_at"] = time.time()
                self.pcm.write(x.tobytes())
                self.recorded_n += len(x)
                if len(x) and math.sqrt(float(np.mean(x.astype(np.float64) ** 2))) >= VOICED_RMS:
                    if self.voiced_n == 0:
                        self.result["first_voiced_at"] = time.time()
                        self.event("first_voiced_audio")
                    if not analysed:
                        self.voiced.append(x)
                    self.voiced_n += len(x)
                if not analysed and self.voiced_n >= ANALYSE_SECONDS * RATE:
                    analysed = True
                    samples = np.concatenate(self.voiced)
                    self.result["frequency_hz"] = dominant_frequency(samples)
                    self.result["analysed_at"] = time.time()
                    self.result["analysed_rms"] = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
                    self.event("analysed", frequency_hz=self.result["frequency_hz"])
                    self.voiced = []
                if self.recorded_n % (RATE // 2) < len(x):  # ~ every 0.5 s (frames divide 0.5 s)
                    self.result["recorded_seconds"] = self.recorded_n / RATE
                    self.result["voiced_seconds"] = self.voiced_n / RATE
                    self.pcm.flush()
                    self.write()
                if self.recorded_n >= MAX_RECORD_SECONDS * RATE:
                    break
        finally:
            await stream.aclose()
            self.pcm.close()
            self.result["recorded_seconds"] = self.recorded_n / RATE
            self.result["voiced_seconds"] = self.voiced_n / RATE
            self.result["pcm_file"] = str(self.pcm_file)
            self.result["pcm_rate"] = RATE
            self.write()

    async def play_tone(self, hz):
        source = rtc.AudioSource(TONE_RATE, 1)
        track = rtc.LocalAudioTrack.create_audio_track("agent-tone", source)
        opts = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        await self.ctx.room.local_participant.publish_track(track, opts)
        self.result["tone_hz"] = hz
        self.result["tone_published_at"] = time.time()
        self.event("tone_published", hz=hz)
        self.write()
        n = TONE_RATE // 20  # 50 ms frames (the source's 1 s queue paces them at real time)
        phase = 0
        while True:
            t = (np.arange(n) + phase) / TONE_RATE
            samples = (TONE_AMPLITUDE * np.sin(2 * np.pi * hz * t)).astype(np.int16)
            phase += n
            frame = rtc.AudioFrame(samples.tobytes(), TONE_RATE, 1, n)
            await source.capture_frame(frame)  # paces at real time once the source's queue is full

    # ------------------------------------------------------------------ entry
    async def run(self):
        room = self.ctx.room
        room.on("participant_attributes_changed", self.on_attributes)
        room.on("participant_disconnected", self.on_disconnected)
        room.on("track_subscribed", self.on_track_subscribed)
        self.write()
        await self.ctx.connect(auto_subscribe=AutoSubscribe.AUDIO_ONLY)
        self.result["connected_at"] = time.time()
        self.event("connected", participants=[p.identity for p in room.remote_participants.values()])
        self.write()

        hz = DEFAULT_TONE_HZ
        try:
            meta = json.loads(self.ctx.job.metadata or "{}")
            if isinstance(meta, dict) and meta.get("tone_hz"):
                hz = float(meta["tone_hz"])
        except ValueError:
            pass
        self.spawn(self.play_tone(hz))

        p = await self.ctx.wait_for_participant(kind=[rtc.ParticipantKind.PARTICIPANT_KIND_SIP])
        self.sip = p
        self.result["participant"] = {
            "identity": p.identity, "name": p.name, "sid": p.sid, "kind": int(p.kind),
            "kind_name": rtc.ParticipantKind.Name(p.kind), "metadata": p.metadata,
            "attributes": dict(p.attributes), "seen_at": time.time(),
        }
        self.result["attribute_history"].append({"t": time.time(), "changed": None, "attributes": dict(p.attributes)})
        self.event("sip_participant", identity=p.identity, attributes=dict(p.attributes))
        self.write()
        # a track published before we knew which participant is the phone
        for pub in p.track_publications.values():
            if pub.track is not None:
                self.on_track_subscribed(pub.track, pub, p)

        done = asyncio.Event()
        self.ctx.add_shutdown_callback(self._shutdown)
        room.on("disconnected", lambda *_: done.set())
        room.on("participant_disconnected", lambda part: done.set() if part.identity == p.identity else None)
        await done.wait()
        await asyncio.sleep(0.5)  # let the recorder write its final state
        self.ctx.shutdown("sip participant left")

    async def _shutdown(self, *_):
        self.result["shutdown_at"] = time.time()
        for t in list(self.tasks):
            t.cancel()
        self.write()


async def entrypoint(ctx: JobContext):
    job = Job(ctx)
    try:
        await job.run()
    except Exception as e:  # noqa: BLE001 - record and re-raise: the test reads the result file
        job.result["errors"].append(repr(e))
        job.write()
        raise


def main():
    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1 <pid>`: stacks into the log
    server = AgentServer(
        ws_url=os.environ["LIVEKIT_URL"], api_key=os.environ["LIVEKIT_API_KEY"],
        api_secret=os.environ["LIVEKIT_API_SECRET"],
        # jobs in 10 warm processes: as threads of one process, 10 concurrent jobs shared one GIL and, on a busy
        # 2-core machine, the SDK's FFI gave up on a starved job ("timed out waiting for ReadyForRoomEventRequest")
        job_executor_type=JobExecutorType.PROCESS, num_idle_processes=10, port=0, host="127.0.0.1",
        load_threshold=math.inf, log_level="INFO",
        # The default load is the machine's CPU use; livekit-server skips a worker whose reported load is high
        # ("failed to send job request: no servers available"), which on a busy CI machine loses dispatches.
        # These jobs are light: report load by job count instead (1 % per running job).
        load_fnc=lambda srv: min(len(srv.active_jobs) / 100.0, 0.5))
    server.rtc_session(entrypoint, agent_name=AGENT_NAME)

    @server.on("worker_registered")
    def _registered(*args):
        LOG.info("worker registered as %s: %r", AGENT_NAME, args)
        (RESULTS_DIR / "_worker_registered").write_text(json.dumps({"agent_name": AGENT_NAME, "t": time.time()}))

    asyncio.run(server.run(devmode=False))


if __name__ == "__main__":
    main()
