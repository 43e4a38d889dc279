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
    """`server --dev` (keys devkey/secret) on free ports of 127.0.0.1, output to a log file."""

    def __init__(self, workdir):
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

    @property
    def ws_url(self):
        return "ws://%s:%d" % (HOST, self.port)

    @property
    def http_url(self):
        return "http://%s:%d" % (HOST, self.port)

    def start(self, timeout=30.0):
        cmd = [self.bin, "--dev", "--bind", HOST, "--node-ip", HOST, "--port", str(self.port),
               "--rtc.tcp_port", str(self.tcp_port), "--udp-port", str(self.udp_port)]
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
