"""LiveKit reconnects (issue 11): the gateway's signalling WebSocket runs through a TCP proxy the test controls
(asyncio, 127.0.0.1) in front of a real livekit-server; the media (ICE/UDP) goes to the server directly.

- `test_signalling_cut_mid_call_resumes_and_keeps_the_call`: mid-call the proxy resets every connection and
  refuses new ones for 1.5 s, then lets them through again. The phone call stays up (no BYE to sipp), the gateway
  resumes the participant's session (`reconnect=1&sid=`, log line "signalling resumed"), and afterwards the
  caller's tone still reaches the test's own LiveKit SDK participant and that participant's tone still reaches the
  phone (the server restarts ICE on the subscriber connection after a resume). The old jar sends BYE on the cut.
- `test_livekit_killed_for_good_sends_bye_within_the_resume_budget`: the livekit-server process is killed with
  SIGKILL mid-call: the gateway tries to resume, and sends BYE once LiveKit's media server has been silent for 5 s
  too (within the resume budget of 10 s).

Run with the venv python (requirements.txt): `.venv/bin/python -m pytest -q sip-gateway/src/it/test_livekit_resume.py`.
"""
import asyncio
import random
import threading
import time

from it_harness import HOST, assert_sipp_ok, free_port, start_media_call, wait_until
from it_livekit import API_KEY, API_SECRET, LiveKitServer, RoomProbe, livekit_direct_overrides
from it_media import analyse_audio, goertzel_power

TRUNK_NUMBER = "+15550100"  # a number of the default inbound trunk (it_harness.DEFAULT_TRUNKS)
PHONE_HZ = 1000  # what the phone says
PROBE_HZ = 700   # what the room participant says
RESUME_BUDGET_S = 10.0  # RoomResume.BUDGET_MILLIS
MEDIA_SILENCE_S = 5.0  # RoomResume.MEDIA_SILENCE_MILLIS


def _rand():
    return "%04x" % random.getrandbits(16)


def _caller():
    return "+1555040%04d" % random.randrange(10000)


def _ts(dt):
    """sipp's naive local datetime -> epoch seconds."""
    return time.mktime(dt.timetuple()) + dt.microsecond / 1e6


class TcpProxy:
    """127.0.0.1:<port> -> 127.0.0.1:<upstream>, byte for byte, on its own asyncio loop. `cut(seconds)` resets
    every open connection (both sides) and refuses new ones (listener closed) for `seconds`."""

    def __init__(self, upstream_port):
        self.upstream = upstream_port
        self.port = free_port(udp=False, tcp=True)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="tcp-proxy", daemon=True)
        self._thread.start()
        self._server = None
        self._conns = set()
        self.accepted = 0

    @property
    def ws_url(self):
        return "ws://%s:%d" % (HOST, self.port)

    def _run(self, coro, timeout=10.0):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _pipe(self, reader, writer):
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()

    async def _serve(self, reader, writer):
        self.accepted += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(HOST, self.upstream)
        except OSError:
            writer.transport.abort()
            return
        pair = (writer, up_writer)
        self._conns.add(pair)
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            self._conns.discard(pair)

    async def _listen(self):
        self._server = await asyncio.start_server(self._serve, HOST, self.port, reuse_address=True)

    async def _cut(self):
        self._server.close()
        n = len(self._conns)
        for a, b in list(self._conns):
            a.transport.abort()
            b.transport.abort()
        return n

    def start(self):
        self._run(self._listen())
        return self

    def cut(self, refuse_seconds):
        """-> number of connections reset; new ones are refused for `refuse_seconds`, then accepted again."""
        n = self._run(self._cut())
        time.sleep(refuse_seconds)  # the outage itself: what the test does, not what it waits for
        self._run(self._listen())
        return n

    def open_connections(self):
        return len(self._conns)

    def close(self):
        async def stop():
            if self._server is not None:
                self._server.close()
            for a, b in list(self._conns):
                a.transport.abort()
                b.transport.abort()
        try:
            self._run(stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(5)


class ListeningProbe(RoomProbe):
    """A room participant that subscribes to the phone participant's audio and notes, per 10 ms frame, the time and
    the Goertzel power at PHONE_HZ against the frame's energy; and publishes a continuous PROBE_HZ tone."""

    RATE = 8000

    def __init__(self, server, room, identity="listening-probe"):
        super().__init__(server, room, identity=identity)
        self._frames = []  # (time.time(), tone share of the frame's energy, rms)
        self._tasks = []

    def frames(self):
        with self._lock:
            return list(self._frames)

    def connect(self, timeout=20.0):
        from livekit import api, rtc

        async def go():
            token = (api.AccessToken(API_KEY, API_SECRET).with_identity(self.identity).with_name(self.identity)
                     .with_grants(api.VideoGrants(room_join=True, room=self.room_name, can_publish=True,
                                                  can_subscribe=True, can_publish_data=True)).to_jwt())
            room = rtc.Room(loop=self.loop)

            def subscribed(track, publication, participant):
                if track.kind == rtc.TrackKind.KIND_AUDIO:
                    self._record("track_subscribed", identity=participant.identity)
                    self._tasks.append(self.loop.create_task(self._listen(track)))

            room.on("track_subscribed", subscribed)
            room.on("participant_connected", lambda p: self._record("participant_connected", identity=p.identity))
            room.on("participant_disconnected", lambda p: self._record("participant_disconnected",
                                                                       identity=p.identity))
            await room.connect(self.server.ws_url, token, rtc.RoomOptions(auto_subscribe=True))
            self.room = room
            self._tasks.append(self.loop.create_task(self._speak(room)))

        self.run(go(), timeout)
        return self

    async def _listen(self, track):
        import numpy as np
        from livekit import rtc
        stream = rtc.AudioStream(track, sample_rate=self.RATE, num_channels=1)
        async for ev in stream:
            pcm = np.frombuffer(bytes(ev.frame.data), dtype=np.int16).astype(np.float64)
            energy = float(np.dot(pcm, pcm))
            share = goertzel_power(pcm, PHONE_HZ) / (energy * len(pcm) / 2) if energy > 0 else 0.0
            with self._lock:
                self._frames.append((time.time(), share, (energy / len(pcm)) ** 0.5))

    async def _speak(self, room):
        import numpy as np
        from livekit import rtc
        rate, n = 48000, 480
        source = rtc.AudioSource(rate, 1, queue_size_ms=200)
        track = rtc.LocalAudioTrack.create_audio_track("probe-tone", source)
        await room.local_participant.publish_track(
            track, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE))
        k = 0
        while True:
            t = (np.arange(n) + k * n) / rate
            pcm = (8000 * np.sin(2 * np.pi * PROBE_HZ * t)).astype(np.int16)
            await source.capture_frame(rtc.AudioFrame(pcm.tobytes(), rate, 1, n))
            k += 1

    def close(self):
        for t in self._tasks:
            self.loop.call_soon_threadsafe(t.cancel)
        super().close()


def _heard_seconds(frames, since):
    """Seconds of frames after `since` that carry the phone's tone (the tone holds most of the frame's energy)."""
    return sum(0.01 for t, share, rms in frames if t >= since and rms > 300 and share > 0.5)


def _call_through_proxy(server, gateway_factory, sipp, rtp_peer, room_probe_list, tag, pause_ms, caller):
    room = "resume-%s-%s" % (tag, _rand())
    probe = ListeningProbe(server, room)
    room_probe_list.append(probe)
    probe.connect()
    proxy = TcpProxy(server.port).start()
    overrides = livekit_direct_overrides(server, room)
    overrides["livekit"]["url"] = proxy.ws_url
    gw = gateway_factory(overrides)
    peer = rtp_peer("PCMU", 20)
    run, port = start_media_call(sipp, gw, peer, "uac_lk_call.xml", service=TRUNK_NUMBER, pause_ms=pause_ms,
                                 keys={"caller": caller, "callsid": "CA1", "accountsid": "AC1"},
                                 timeout_s=pause_ms // 1000 + 30)
    # the phone talks for the whole call (the tone ends before sipp's BYE, so the socket outlives it)
    def talk():
        try:
            peer.send_tone(PHONE_HZ, pause_ms / 1000.0 - 1.0)
        except OSError:
            pass  # the call ended early (the gateway hung up) and the socket is closed

    talker = threading.Thread(target=talk, daemon=True)
    talker.start()
    return proxy, gw, peer, run, probe


def test_signalling_cut_mid_call_resumes_and_keeps_the_call(lk, gateway_factory, sipp, rtp_peer):
    server, _ = lk
    caller = _caller()
    probes = []
    proxy = None
    try:
        proxy, gw, peer, run, probe = _call_through_proxy(server, gateway_factory, sipp, rtp_peer, probes, "cut",
                                                          pause_ms=16000, caller=caller)
        wait_until(lambda: _heard_seconds(probe.frames(), 0) >= 1.0, 20, 0.1,
                   "the caller's tone at the room participant before the cut")
        wait_until(lambda: proxy.open_connections() >= 1, 5, 0.05, "the gateway's signalling through the proxy")
        t_cut = time.time()
        reset = proxy.cut(1.5)
        t_restored = time.time()

        def resumed_or_bye():
            if run.received("BYE"):
                return ["BYE"]
            return [l for l in gw.log_text().splitlines() if "LiveKit signalling resumed" in l]
        line = wait_until(resumed_or_bye, RESUME_BUDGET_S + 5, 0.05, "the gateway's 'signalling resumed' line")[0]
        if line == "BYE":
            bye = run.received("BYE")[0]
            raise AssertionError("the gateway hung up on a signalling blip: BYE %.3f s after the cut\n%s" % (
                _ts(bye.time) - t_cut, gw.log_text()[-2000:]))
        t_resumed = time.time()
        mono_resumed = time.monotonic()
        wait_until(lambda: _heard_seconds(probe.frames(), t_resumed) >= 2.0, 15, 0.1,
                   "2 s of the caller's tone at the room participant after the resume")
        run.wait(40)
        byes = run.received("BYE")
        assert not byes, "the gateway hung up on a signalling blip: BYE %.2f s after the cut\n%s" % (
            _ts(byes[0].time) - t_cut, run.report())
        assert_sipp_ok(run)
        # the room's tone still reaches the phone after the resume (the server restarts the subscriber's ICE)
        after = [p for p in peer.packets() if p.arrival >= mono_resumed + 1.0]
        _, powers = analyse_audio(after, "PCMU", (400, 500, PROBE_HZ, 900, PHONE_HZ))
        others = max(v for f, v in powers.items() if f != PROBE_HZ)
        assert len(after) >= 150 and powers[PROBE_HZ] > 20 * others, \
            "after the resume the phone must hear the room's %d Hz: %d packets, powers %r" % (
                PROBE_HZ, len(after), powers)
        # the server resumed the same participant (no second join) and it never left the room meanwhile
        identity = "sip_" + caller
        log = server.log_text().splitlines()
        resumed_at = [i for i, l in enumerate(log) if "resuming RTC session" in l and identity in l]
        assert resumed_at, "livekit-server must log the resume of %s" % identity
        ice_after = [l for l in log[resumed_at[0]:] if identity in l and (
            "ice connection state change" in l or "selected ICE candidate pair changed" in l)]
        # the server restarted ICE on the subscriber connection and our answer let it select a pair again
        assert any("selected ICE candidate pair changed" in l for l in ice_after), \
            "after the resume the server's ICE restart must complete (a new selected pair): %r" % ice_after[:6]
        left_early = [e for e in probe.events("participant_disconnected")
                      if e["identity"] == identity and e["t"] < _ts(run.sent("BYE")[0].time)]
        assert not left_early, "the phone participant left the room before the caller hung up: %r" % left_early
        frames = probe.frames()
        gap = max((b[0] - a[0] for a, b in zip(frames, frames[1:]) if a[0] >= t_cut - 1), default=0)
        print("cut: %d connection(s) reset, refused for %.1f s; resumed %.2f s after the restore: %s; "
              "caller's tone at the participant after the resume: %.1f s; longest gap in its frames around the "
              "cut %.0f ms; %d packets at the phone after the resume, %d Hz / strongest other = %.0f; server ICE lines "
              "after the resume: %d" % (
                  reset, t_restored - t_cut, t_resumed - t_restored, line.strip()[-120:],
                  _heard_seconds(frames, t_resumed), gap * 1000, len(after), PROBE_HZ,
                  powers[PROBE_HZ] / max(others, 1e-9), len(ice_after)))
        for l in ice_after[:6]:
            print("  " + l[:200])
        gw.wait_no_calls(10)
    finally:
        for p in probes:
            p.close()
        if proxy is not None:
            proxy.close()


def test_livekit_killed_for_good_sends_bye_within_the_resume_budget(gateway_factory, sipp, rtp_peer, tmp_path):
    server = LiveKitServer(tmp_path / "livekit").start()
    probes = []
    proxy = None
    try:
        proxy, gw, peer, run, probe = _call_through_proxy(server, gateway_factory, sipp, rtp_peer, probes, "kill",
                                                          pause_ms=30000, caller=_caller())
        wait_until(lambda: _heard_seconds(probe.frames(), 0) >= 1.0, 20, 0.1,
                   "the caller's tone at the room participant before the kill")
        t_kill = time.time()
        server.proc.kill()
        server.proc.wait(10)
        run.wait(RESUME_BUDGET_S + 30)  # sipp ends its call on the gateway's BYE (or after its 30 s pause)
        byes = run.received("BYE")
        assert byes, "the gateway must hang up once LiveKit is gone\n" + run.report()
        dt = _ts(byes[0].time) - t_kill
        # the media server falls silent with it: the gateway gives up ~5 s after its last packet, not at the budget
        assert dt <= MEDIA_SILENCE_S + 3, "BYE %.2f s after the kill (media silence limit %.0f s, resume budget " \
            "%.0f s)" % (dt, MEDIA_SILENCE_S, RESUME_BUDGET_S)
        lines = [l for l in gw.log_text().splitlines() if "nothing from LiveKit's media server" in l]
        assert lines, "the hangup must give the resume as reason\n" + gw.log_text()[-3000:]
        print("livekit-server killed: BYE %.2f s later; %s" % (dt, lines[0].strip()[-160:]))
        gw.wait_no_calls(10)
    finally:
        for p in probes:
            try:
                p.close()
            except Exception:  # noqa: BLE001 - its server is gone
                pass
        if proxy is not None:
            proxy.close()
        server.stop()
