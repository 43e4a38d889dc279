"""LiveKit side of the end-to-end tests: a real livekit-server process, the real tone agent (agents/tone_agent.py,
livekit-agents) as a worker process, the agent's per-room result files, LiveKit server API calls and the numpy
signal checks. Needs the packages of requirements.txt (imported lazily where possible)."""
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from it_harness import HOST, free_port

HERE = Path(__file__).resolve().parent
AGENT_SCRIPT = HERE / "agents" / "tone_agent.py"
API_KEY = "devkey"
API_SECRET = "secret"
AGENT_NAME = "Quinn_353"
AGENT_TONE_HZ = 600


def livekit_server_bin():
    """$LIVEKIT_SERVER_BIN, else `livekit-server` on PATH, else $(go env GOPATH)/bin/server (go install's name)."""
    env = os.environ.get("LIVEKIT_SERVER_BIN")
    if env:
        return env if Path(env).is_file() else None
    found = shutil.which("livekit-server")
    if found:
        return found
    candidates = [Path(os.environ.get("GOPATH", str(Path.home() / "go"))) / "bin" / "server",
                  Path("/root/go/bin/server")]
    for c in candidates:
        if c.is_file():
            return str(c)
    return None


class LiveKitServer:
    """`server --dev` (keys devkey/secret) on free ports of 127.0.0.1, output to a log file; `extra_args` are
    appended to the command line (e.g. `--config-body`)."""

    def __init__(self, workdir, extra_args=()):
        self.bin = livekit_server_bin()
        if not self.bin:
            pytest.fail("livekit-server binary not found: build it with `go install "
                        "github.com/livekit/livekit-server/cmd/server@v1.13.5` and export "
                        "LIVEKIT_SERVER_BIN=$(go env GOPATH)/bin/server", pytrace=False)
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port(udp=False, tcp=True)
        self.tcp_port = free_port(udp=False, tcp=True)
        self.udp_port = free_port(udp=True)
        self.log_file = self.workdir / "livekit-server.log"
        self.proc = None
        self.extra_args = list(extra_args)

    @property
    def ws_url(self):
        return "ws://%s:%d" % (HOST, self.port)

    @property
    def http_url(self):
        return "http://%s:%d" % (HOST, self.port)

    def start(self, timeout=30.0):
        cmd = [self.bin, "--dev", "--bind", HOST, "--node-ip", HOST, "--port", str(self.port),
               "--rtc.tcp_port", str(self.tcp_port), "--udp-port", str(self.udp_port)] + self.extra_args
        self._log = open(self.log_file, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     cwd=str(self.workdir))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail("livekit-server exited with %s:\n$ %s\n%s" % (
                    self.proc.returncode, " ".join(cmd), self.log_text()[-5000:]), pytrace=False)
            try:
                with urllib.request.urlopen(self.http_url + "/", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail("livekit-server not answering HTTP on %s within %.0fs\n%s" % (
            self.http_url, timeout, self.log_text()[-5000:]), pytrace=False)

    def log_text(self):
        try:
            return self.log_file.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self):
        _stop_process(self.proc, 10)
        try:
            self._log.close()
        except Exception:  # noqa: BLE001
            pass


def _stop_process(proc, grace):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


class ToneAgent:
    """agents/tone_agent.py as a worker process registered with the server; results in `results_dir`."""

    def __init__(self, workdir, server, tone_hz=AGENT_TONE_HZ):
        self.workdir = Path(workdir)
        self.results_dir = self.workdir / "results"
        self.results_dir.mkdir(parents=True, exist_ok=True)
        self.server = server
        self.tone_hz = tone_hz
        self.log_file = self.workdir / "tone-agent.log"
        self.proc = None

    def start(self, timeout=60.0):
        env = dict(os.environ, LIVEKIT_URL=self.server.ws_url, LIVEKIT_API_KEY=API_KEY, LIVEKIT_API_SECRET=API_SECRET,
                   RESULTS_DIR=str(self.results_dir), AGENT_NAME=AGENT_NAME, TONE_HZ=str(self.tone_hz),
                   PYTHONUNBUFFERED="1")
        self._log = open(self.log_file, "wb")
        self.proc = subprocess.Popen([sys.executable, str(AGENT_SCRIPT)], stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=str(self.workdir), env=env)
        marker = self.results_dir / "_worker_registered"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker.exists():
                return self
            if self.proc.poll() is not None:
                pytest.fail("tone agent exited with %s before registering:\n%s" % (
                    self.proc.returncode, self.log_text()[-5000:]), pytrace=False)
            time.sleep(0.1)
        self.stop()
        pytest.fail("tone agent did not register with livekit-server within %.0fs:\n%s" % (
            timeout, self.log_text()[-5000:]), pytrace=False)

    def log_text(self):
        try:
            return self.log_file.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self):
        _stop_process(self.proc, 5)
        try:
            self._log.close()
        except Exception:  # noqa: BLE001
            pass

    # ---- results
    def results(self, room_prefix=""):
        """{room: result dict} of the rooms whose name starts with room_prefix."""
        out = {}
        for f in self.results_dir.glob("*.json"):
            if not f.name.startswith(room_prefix):
                continue
            try:
                out[f.stem] = json.loads(f.read_text())
            except ValueError:
                continue  # being replaced right now
        return out

    def pcm(self, room):
        import numpy as np
        f = self.results_dir / (room + ".s16le")
        return np.fromfile(f, dtype=np.int16) if f.exists() else np.zeros(0, dtype=np.int16)


# --------------------------------------------------------------------------- server API
def _api_call(server, fn):
    from livekit import api

    async def go():
        lk = api.LiveKitAPI(server.http_url, API_KEY, API_SECRET)
        try:
            return await fn(lk, api)
        finally:
            await lk.aclose()

    return asyncio.run(go())


def api_call(url, fn, timeout=None):
    """Run `await fn(lk, api)` with a LiveKitAPI on `url` (the LiveKit server's, or the gateway's HTTP URL: the
    gateway serves livekit.SIP itself and proxies every other livekit.* Twirp service to the server)."""
    from livekit import api

    async def go():
        lk = api.LiveKitAPI(url=url, api_key=API_KEY, api_secret=API_SECRET)
        try:
            if timeout is None:
                return await fn(lk, api)
            return await asyncio.wait_for(fn(lk, api), timeout)
        finally:
            await lk.aclose()

    return asyncio.run(go())


def list_rooms(server):
    async def fn(lk, api):
        return list((await lk.room.list_rooms(api.ListRoomsRequest())).rooms)
    return _api_call(server, fn)


def list_dispatch(server, room):
    async def fn(lk, api):
        return list(await lk.agent_dispatch.list_dispatch(room_name=room))
    return _api_call(server, fn)


def list_participants(server, room):
    async def fn(lk, api):
        return list((await lk.room.list_participants(api.ListParticipantsRequest(room=room))).participants)
    return _api_call(server, fn)


def delete_room(server, room):
    async def fn(lk, api):
        return await lk.room.delete_room(api.DeleteRoomRequest(room=room))
    return _api_call(server, fn)


def remove_participant(server, room, identity):
    async def fn(lk, api):
        return await lk.room.remove_participant(api.RoomParticipantIdentity(room=room, identity=identity))
    return _api_call(server, fn)


# --------------------------------------------------------------------------- gateway config
def livekit_overrides(server, room_prefix, agent_name=AGENT_NAME, url=None):
    """Gateway config: the livekit section plus one individual-room dispatch rule dispatching `agent_name`."""
    return {
        "livekit": {"url": url or server.ws_url, "apiKey": API_KEY, "apiSecret": API_SECRET},
        "dispatchRules": [{"dispatch_rule": {
            "rule": {"dispatchRuleIndividual": {"roomPrefix": room_prefix}},
            "room_config": {"agents": [{"agent_name": agent_name}]},
        }}],
    }


def livekit_direct_overrides(server, room, agents=()):
    """Gateway config: the livekit section plus one direct rule putting every call into `room` (the test's own
    participant joins it first), dispatching `agents` (none by default)."""
    rule = {"rule": {"dispatchRuleDirect": {"roomName": room}}}
    if agents:
        rule["room_config"] = {"agents": [{"agent_name": a} for a in agents]}
    return {
        "livekit": {"url": server.ws_url, "apiKey": API_KEY, "apiSecret": API_SECRET},
        "dispatchRules": [{"dispatch_rule": rule}],
    }


# --------------------------------------------------------------------------- a plain participant of the test
class RoomProbe:
    """A plain livekit rtc participant driven by the test: its own asyncio loop in a thread; records what the
    room sends it (sip_dtmf packets, user data packets, participants and their attributes) with time.time()
    stamps, and sends DTMF / performs RPC on request. Always `close()` it (the fixture `room_probe` does)."""

    def __init__(self, server, room, identity="agent-probe"):
        self.server = server
        self.room_name = room
        self.identity = identity
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="room-probe", daemon=True)
        self._thread.start()
        self._lock = threading.Lock()
        self._events = []
        self.room = None

    # ---- plumbing
    def run(self, coro, timeout=30.0):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def _record(self, etype, **kw):
        e = {"t": time.time(), "type": etype}
        e.update(kw)
        with self._lock:
            self._events.append(e)

    def events(self, kind=None):
        with self._lock:
            return [dict(e) for e in self._events if kind is None or e["type"] == kind]

    # ---- room
    def connect(self, timeout=20.0):
        from livekit import api, rtc

        async def go():
            token = (api.AccessToken(API_KEY, API_SECRET).with_identity(self.identity).with_name("Test agent")
                     .with_grants(api.VideoGrants(room_join=True, room=self.room_name, can_publish=True,
                                                  can_subscribe=True, can_publish_data=True)).to_jwt())
            room = rtc.Room(loop=self.loop)

            def who(p):
                return p.identity if p is not None else None

            room.on("sip_dtmf_received", lambda ev: self._record(
                "sip_dtmf", code=ev.code, digit=ev.digit, sender=who(ev.participant)))
            room.on("data_received", lambda pkt: self._record(
                "data", topic=pkt.topic, data=bytes(pkt.data).decode("utf-8", "replace"),
                kind=rtc.DataPacketKind.Name(pkt.kind),
                sender=who(pkt.participant)))
            room.on("participant_connected", lambda p: self._record(
                "participant_connected", identity=p.identity, kind=rtc.ParticipantKind.Name(p.kind),
                attributes=dict(p.attributes)))
            room.on("participant_disconnected", lambda p: self._record(
                "participant_disconnected", identity=p.identity))
            room.on("participant_attributes_changed", lambda changed, p: self._record(
                "attributes", identity=p.identity, changed=dict(changed), attributes=dict(p.attributes)))
            room.on("disconnected", lambda *a: self._record("disconnected", reason=str(a[0]) if a else None))
            await room.connect(self.server.ws_url, token, rtc.RoomOptions(auto_subscribe=True))
            self.room = room
            for p in room.remote_participants.values():
                self._record("participant_connected", identity=p.identity, kind=rtc.ParticipantKind.Name(p.kind),
                             attributes=dict(p.attributes))

        self.run(go(), timeout)
        return self

    def wait_participant(self, identity, timeout=20.0):
        from it_harness import wait_until
        return wait_until(lambda: [e for e in self.events("participant_connected") if e["identity"] == identity],
                          timeout, 0.05, "participant %s in room %s" % (identity, self.room_name))[0]

    def publish_dtmf(self, code, digit, timeout=10.0):
        return self.run(self.room.local_participant.publish_dtmf(code=code, digit=digit), timeout)

    def perform_rpc(self, destination, method, payload, response_timeout=15.0):
        """-> ("ok", response) or ("error", code, message, data)."""
        from livekit import rtc

        async def go():
            try:
                r = await self.room.local_participant.perform_rpc(
                    destination_identity=destination, method=method, payload=payload,
                    response_timeout=response_timeout)
                return ("ok", r)
            except rtc.RpcError as e:
                return ("error", e.code, e.message, e.data)
        return self.run(go(), response_timeout + 15)

    def close(self):
        try:
            if self.room is not None:
                self.run(self.room.disconnect(), 10)
        except Exception:  # noqa: BLE001 - teardown
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


# --------------------------------------------------------------------------- signals (numpy)
def chirp(f0, f1, seconds, rate=8000, amplitude=8000):
    """Linear sweep f0 -> f1 Hz, as a list of floats."""
    import numpy as np
    t = np.arange(int(seconds * rate)) / rate
    k = (f1 - f0) / seconds
    return list(amplitude * np.sin(2 * np.pi * (f0 * t + 0.5 * k * t * t)))


def tone_sequence(freqs, seconds_each, rate=8000, amplitude=8000):
    import numpy as np
    out = []
    for f in freqs:
        t = np.arange(int(seconds_each * rate)) / rate
        out.extend(amplitude * np.sin(2 * np.pi * f * t))
    return out


def best_correlation(sent, received):
    """Max over lags of the normalised correlation between `sent` and an equally long window of `received`
    -> (correlation, lag in samples)."""
    import numpy as np
    s = np.asarray(sent, dtype=np.float64)
    r = np.asarray(received, dtype=np.float64)
    n = len(s)
    if len(r) < n or n == 0:
        return 0.0, None
    s = s - s.mean()
    size = 1
    while size < len(r) + n:
        size *= 2
    num = np.fft.irfft(np.fft.rfft(r, size) * np.conj(np.fft.rfft(s, size)), size)[:len(r) - n + 1]
    c = np.concatenate(([0.0], np.cumsum(r)))
    c2 = np.concatenate(([0.0], np.cumsum(r * r)))
    win_sum = c[n:] - c[:-n]
    win_energy = c2[n:] - c2[:-n] - win_sum * win_sum / n  # energy of the window minus its mean
    denom = np.sqrt(np.maximum(win_energy, 1e-9)) * np.sqrt(float(np.dot(s, s)))
    corr = num / denom
    lag = int(np.argmax(corr))
    return float(corr[lag]), lag


class SpeakingAgent(RoomProbe):
    """A room participant that publishes a microphone track (Opus DTX on when `dtx`) and plays `script` (a list of
    ("audio", samples at 48 kHz) / ("mute", seconds) / ("unmute",) steps) the moment a participant of kind SIP
    joins. It subscribes to nothing, so the only RTP the server sends on its UDP port during the test goes to the
    gateway."""

    RATE = 48000
    FRAME_10MS = RATE // 100

    def __init__(self, server, room, script, identity="speaking-agent", dtx=False):
        super().__init__(server, room, identity=identity)
        self.script = script
        self.dtx = dtx
        self.started_speaking_at = None
        self.done = threading.Event()
        self._task = None

    def connect(self, timeout=20.0):
        from livekit import api, rtc

        async def go():
            token = (api.AccessToken(API_KEY, API_SECRET).with_identity(self.identity).with_name(self.identity)
                     .with_grants(api.VideoGrants(room_join=True, room=self.room_name, can_publish=True,
                                                  can_subscribe=True, can_publish_data=True)).to_jwt())
            room = rtc.Room(loop=self.loop)

            def joined(p):
                self._record("participant_connected", identity=p.identity, kind=rtc.ParticipantKind.Name(p.kind))
                if p.kind == rtc.ParticipantKind.PARTICIPANT_KIND_SIP and self._task is None:
                    self._task = self.loop.create_task(self._speak(room))

            room.on("participant_connected", joined)
            await room.connect(self.server.ws_url, token, rtc.RoomOptions(auto_subscribe=False))
            self.room = room

        self.run(go(), timeout)
        return self

    async def _speak(self, room):
        import numpy as np
        from livekit import rtc
        rate, frame_10ms = self.RATE, self.FRAME_10MS
        source = rtc.AudioSource(rate, 1, queue_size_ms=1000)
        track = rtc.LocalAudioTrack.create_audio_track("greeting", source)
        await room.local_participant.publish_track(
            track, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE, dtx=self.dtx))
        self.started_speaking_at = time.time()
        for step in self.script:
            if step[0] == "mute":
                track.mute()
                await asyncio.sleep(step[1])
                continue
            if step[0] == "unmute":
                track.unmute()
                continue
            pcm = np.clip(np.asarray(step[1]), -32768, 32767).astype(np.int16)
            for i in range(0, len(pcm) - frame_10ms + 1, frame_10ms):
                frame = rtc.AudioFrame(pcm[i:i + frame_10ms].tobytes(), rate, 1, frame_10ms)
                await source.capture_frame(frame)
        await source.wait_for_playout()
        self.done.set()
