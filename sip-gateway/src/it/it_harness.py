"""Harness for the SIP gateway end-to-end tests (used by conftest.py and the tests).

A test asks for `gateway_factory` (or `gateway`, the default configuration) and for `sipp`, a runner of
sipp scenarios from ./scenarios against that gateway. Every gateway process and every sipp process is
stopped at teardown, also when the test fails; on failure the gateway's output and the sipp logs are
attached to the pytest report.
"""
import copy
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[2]
JAR = Path(os.environ.get("GATEWAY_JAR", REPO_ROOT / "sip-gateway" / "target" / "gateway.jar"))
SCENARIOS = HERE / "scenarios"
SIPP = os.environ.get("SIPP", shutil.which("sipp") or "/usr/bin/sipp")
JAVA = os.environ.get("JAVA", shutil.which("java") or "java")
HOST = "127.0.0.1"


# --------------------------------------------------------------------------- ports
def _can_bind(port, kinds=(socket.SOCK_DGRAM,)):
    socks = []
    try:
        for kind in kinds:
            s = socket.socket(socket.AF_INET, kind)
            socks.append(s)
            s.bind((HOST, port))
        return True
    except OSError:
        return False
    finally:
        for s in socks:
            s.close()


_handed_out = set()


def free_port(udp=True, tcp=False, lo=45000, hi=60000):
    """A port free for the requested protocols that this session has not handed out before."""
    kinds = tuple(k for k, on in ((socket.SOCK_DGRAM, udp), (socket.SOCK_STREAM, tcp)) if on)
    for _ in range(500):
        port = random.randrange(lo, hi)
        if port in _handed_out:
            continue
        if _can_bind(port, kinds):
            _handed_out.add(port)
            return port
    raise RuntimeError("no free port found")


def free_port_block(count, lo=44000, hi=45000, step=4):
    """The first port of `count` consecutive UDP ports, all free and not handed out before (sipp's -mp binds
    mp and mp+2 (audio and video RTP), so concurrent sipp processes need disjoint blocks)."""
    for _ in range(500):
        first = random.randrange(lo, hi - count, step)
        ports = range(first, first + count)
        if any(p in _handed_out for p in ports):
            continue
        if all(_can_bind(p) for p in ports):
            _handed_out.update(ports)
            return first
    raise RuntimeError("no free block of %d ports found" % count)


def free_sip_port():
    # gateways commonly open the same port for UDP and TCP
    return free_port(udp=True, tcp=True)


RTP_LO, RTP_HI = 20000, 32000


def free_rtp_range(size=100):
    """An even-aligned UDP range [lo, lo+size] whose every port is currently free (below the ephemeral range).
    First fit from a random even start, so the ~100 ranges a full run asks for never fragment the space the way
    random picks did; give the range back with release_rtp_range once its gateway has stopped."""
    candidates = list(range(RTP_LO, RTP_HI - size - 2, 2))
    start = random.randrange(len(candidates))
    for lo in candidates[start:] + candidates[:start]:
        ports = range(lo, lo + size + 2)
        if any(p in _handed_out for p in ports):
            continue
        if all(_can_bind(p) for p in ports):
            _handed_out.update(ports)
            return lo, lo + size
    raise RuntimeError("no free RTP range of %d ports in %d-%d (%d ports handed out and not given back)"
                       % (size, RTP_LO, RTP_HI, sum(RTP_LO <= p < RTP_HI for p in _handed_out)))


def release_rtp_range(lo, hi):
    """Gives back a range of free_rtp_range once nothing uses it any more."""
    _handed_out.difference_update(range(lo, hi + 2))


# --------------------------------------------------------------------------- YAML
def _yaml_scalar(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return json.dumps(str(v))  # a JSON string is a valid YAML double-quoted scalar


def to_yaml(obj, indent=0):
    pad = "  " * indent
    lines = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, (dict, list)) and v:
                lines.append("%s%s:" % (pad, k))
                lines.append(to_yaml(v, indent + 1))
            elif isinstance(v, dict):
                lines.append("%s%s: {}" % (pad, k))
            elif isinstance(v, list):
                lines.append("%s%s: []" % (pad, k))
            else:
                lines.append("%s%s: %s" % (pad, k, _yaml_scalar(v)))
    elif isinstance(obj, list):
        for item in obj:
            if isinstance(item, (dict, list)) and item:
                sub = to_yaml(item, indent + 1).split("\n")
                lines.append("%s- %s" % (pad, sub[0].lstrip()))
                lines.extend(sub[1:])
            else:
                lines.append("%s- %s" % (pad, _yaml_scalar(item) if not isinstance(item, (dict, list)) else "{}"))
    else:
        lines.append(pad + _yaml_scalar(obj))
    return "\n".join(lines)


def deep_merge(base, override):
    """Dicts merge recursively; anything else (lists included) is replaced."""
    out = copy.deepcopy(base)
    for k, v in (override or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


DEFAULT_TRUNKS = {
    "inbound": [{"trunk": {"name": "test", "numbers": ["+15550100", "service"], "allowed_addresses": ["127.0.0.1/32"]}}],
    "outbound": [],
}


def base_config(sip_port, http_port, rtp_min, rtp_max):
    return {
        "sip": {"bind": HOST, "port": sip_port},
        "rtp": {"bind": HOST, "portMin": rtp_min, "portMax": rtp_max, "timeoutSeconds": 30},
        "http": {"bind": HOST, "port": http_port},
        "limits": {"maxCalls": 100, "drainSeconds": 5},
        "localAgent": {"greeting": "none", "transferTarget": "sip:operator@127.0.0.1:5099"},
        "trunks": copy.deepcopy(DEFAULT_TRUNKS),
        "dispatchRules": [],
    }


# --------------------------------------------------------------------------- HTTP
def http(method, url, body=None, timeout=5.0, token=None):
    """-> (status, parsed JSON or text, headers). Never raises for HTTP error statuses.
    `token`: sent as `Authorization: Bearer <token>` (the gateway's operator token or a LiveKit JWT)."""
    data = None
    headers = {}
    if token is not None:
        headers["Authorization"] = "Bearer " + token
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        if isinstance(data, str):
            data = data.encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, raw, hdrs = r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        status, raw, hdrs = e.code, e.read(), dict(e.headers or {})
    text = raw.decode("utf-8", "replace")
    try:
        parsed = json.loads(text) if text.strip() else None
    except ValueError:
        parsed = text
    return status, parsed, hdrs


def wait_until(predicate, timeout=10.0, interval=0.1, message="condition"):
    """Poll predicate() until it returns a truthy value; return that value or fail the test."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            v = predicate()
            if v:
                return v
        except Exception as e:  # noqa: BLE001 - keep polling, report the last error
            last_exc = e
        if time.monotonic() > deadline:
            pytest.fail("timed out after %.1fs waiting for %s%s" % (
                timeout, message, (" (last error: %r)" % last_exc) if last_exc else ""))
        time.sleep(interval)


# --------------------------------------------------------------------------- gateway process
class Gateway:
    def __init__(self, workdir, config):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.config = config
        self.sip_port = config["sip"]["port"]
        self.http_port = config["http"]["port"]
        self.rtp_min = config["rtp"]["portMin"]
        self.rtp_max = config["rtp"]["portMax"]
        self.config_file = self.workdir / "gateway.yaml"
        self.config_file.write_text(to_yaml(config) + "\n")
        self.log_file = self.workdir / "gateway.log"
        # The HTTP API's operator token, given through the environment (GATEWAY_HTTP_TOKEN) so the config file
        # stays one that older gateways also read; get()/post() send it unless told token=None.
        self.token = secrets.token_hex(32)
        self.proc = None
        self.returncode = None

    @property
    def base_url(self):
        return "http://%s:%d" % (HOST, self.http_port)

    @property
    def pid(self):
        return self.proc.pid

    def start(self, ready_timeout=30.0, wait_ready=True):
        """Start the process and wait for GET /healthz = ok and then (wait_ready) GET /readyz = 200, i.e. the
        warm-up done. A gateway without /readyz (it answers 401 or 404 there) counts as ready at /healthz."""
        self._log = open(self.log_file, "wb")
        self.proc = subprocess.Popen(
            [JAVA, *os.environ.get("GATEWAY_JAVA_OPTS", "").split(), "-jar", str(JAR), "--config", str(self.config_file)],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=str(self.workdir),
            env=dict(os.environ, GATEWAY_HTTP_TOKEN=self.token))
        deadline = time.monotonic() + ready_timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail("gateway exited with code %s before becoming ready.\nconfig:\n%s\noutput:\n%s" % (
                    self.proc.returncode, self.config_file.read_text(), self.log_text()))
            try:
                status, body, _ = http("GET", self.base_url + "/healthz", timeout=1.0)
                last = (status, body)
                if status == 200 and isinstance(body, dict) and body.get("status") == "ok":
                    if not wait_ready:
                        return self
                    status, body, _ = http("GET", self.base_url + "/readyz", timeout=1.0)
                    last = (status, body)
                    if status in (200, 401, 404):
                        return self
            except (OSError, urllib.error.URLError) as e:
                last = e
            time.sleep(0.2)
        self.stop()
        pytest.fail("gateway not ready within %.0fs (last /healthz: %r).\nconfig:\n%s\noutput:\n%s" % (
            ready_timeout, last, self.config_file.read_text(), self.log_text()))

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def log_text(self):
        try:
            return self.log_file.read_text(errors="replace")
        except OSError:
            return ""

    # ---- HTTP API
    def get(self, path, **kw):
        kw.setdefault("token", self.token)
        return http("GET", self.base_url + path, **kw)

    def post(self, path, body=None, **kw):
        kw.setdefault("token", self.token)
        return http("POST", self.base_url + path, body=body, **kw)

    def healthz(self):
        status, body, _ = self.get("/healthz")
        assert status == 200, "GET /healthz -> %s %r" % (status, body)
        return body

    def calls(self):
        status, body, _ = self.get("/calls")
        assert status == 200, "GET /calls -> %s %r" % (status, body)
        assert isinstance(body, list), "GET /calls must return a JSON array, got %r" % (body,)
        return body

    def wait_call(self, state="active", timeout=10.0, call_id=None):
        """Wait for a call in `state` (optionally with the given SIP Call-ID) and return its JSON object."""
        def find():
            for c in self.calls():
                if c.get("state") == state and (call_id is None or c.get("callId") == call_id):
                    return c
            return None
        return wait_until(find, timeout, message="a call in state %r on GET /calls" % state)

    def wait_no_calls(self, timeout=10.0):
        wait_until(lambda: self.calls() == [], timeout, message="GET /calls to become []")

    # ---- process
    def proc_status(self, field):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise KeyError(field)

    def threads(self):
        return self.proc_status("Threads")

    def rss_kb(self):
        return self.proc_status("VmRSS")

    def sigterm(self):
        self.proc.send_signal(signal.SIGTERM)

    def wait_exit(self, timeout):
        try:
            self.returncode = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.returncode

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.returncode = self.proc.returncode
        try:
            self._log.close()
        except Exception:  # noqa: BLE001
            pass


# --------------------------------------------------------------------------- sipp
_SEP = re.compile(r"^-{20,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\s*$")
_DIR = re.compile(r"^(UDP|TCP|TLS|SCTP) message (sent|received)")


class SipMessage:
    def __init__(self, direction, when, text):
        self.direction = direction  # "sent" | "received"
        self.time = when  # datetime
        self.text = text
        head, _, body = text.replace("\r\n", "\n").partition("\n\n")
        lines = head.split("\n")
        self.start_line = lines[0].strip()
        self.headers = []
        for ln in lines[1:]:
            if ln[:1] in (" ", "\t") and self.headers:
                k, v = self.headers[-1]
                self.headers[-1] = (k, v + " " + ln.strip())
            elif ":" in ln:
                k, v = ln.split(":", 1)
                self.headers.append((k.strip(), v.strip()))
        self.body = body

    @property
    def is_response(self):
        return self.start_line.startswith("SIP/2.0")

    @property
    def status(self):
        return int(self.start_line.split()[1]) if self.is_response else None

    @property
    def method(self):
        return None if self.is_response else self.start_line.split()[0]

    @property
    def cseq_method(self):
        v = self.header("CSeq")
        return v.split()[-1] if v else None

    def header(self, name):
        vals = self.header_all(name)
        return vals[0] if vals else None

    def header_all(self, name):
        compact = {"call-id": "i", "from": "f", "to": "t", "via": "v", "contact": "m", "content-type": "c",
                   "content-length": "l", "refer-to": "r", "event": "o", "subject": "s", "supported": "k"}
        names = {name.lower(), compact.get(name.lower(), name.lower())}
        return [v for k, v in self.headers if k.lower() in names]

    def sdp(self):
        return parse_sdp(self.body)

    def __repr__(self):
        return "<%s %s>" % (self.direction, self.start_line)


def parse_sdp(body):
    """Minimal SDP parse of the first audio stream."""
    info = {"c": None, "port": None, "payloads": [], "rtpmap": {}, "fmtp": {}, "ptime": None,
            "direction": None, "raw": body}
    for ln in body.replace("\r\n", "\n").split("\n"):
        ln = ln.strip()
        if ln.startswith("c="):
            info["c"] = ln[2:].split()[-1]
        elif ln.startswith("m=audio"):
            parts = ln.split()
            info["port"] = int(parts[1])
            info["proto"] = parts[2]
            info["payloads"] = [int(p) for p in parts[3:]]
        elif ln.startswith("a=rtpmap:"):
            pt, _, enc = ln[9:].partition(" ")
            info["rtpmap"][int(pt)] = enc
        elif ln.startswith("a=fmtp:"):
            pt, _, fmt = ln[7:].partition(" ")
            info["fmtp"][int(pt)] = fmt
        elif ln.startswith("a=ptime:"):
            info["ptime"] = int(ln[8:])
        elif ln in ("a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive"):
            info["direction"] = ln[2:]
    return info


def parse_message_log(text):
    msgs = []
    when, direction, buf = None, None, None

    def flush():
        if direction and buf is not None:
            body = "\n".join(buf).strip("\n")
            if body:
                msgs.append(SipMessage(direction, when, body + "\n"))

    for line in text.split("\n"):
        m = _SEP.match(line)
        if m:
            flush()
            when = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f")
            direction, buf = None, None
            continue
        d = _DIR.match(line)
        if d and direction is None:
            direction = "sent" if d.group(2) == "sent" else "received"
            buf = []
            continue
        if buf is not None:
            buf.append(line.rstrip("\r"))
    flush()
    return msgs


class SippRun:
    def __init__(self, name, cmd, rundir, port_file):
        self.name = name
        self.cmd = cmd
        self.rundir = rundir
        self.port_file = port_file
        self.msg_file = rundir / "messages.log"
        self.err_file = rundir / "errors.log"
        self.out_file = rundir / "stdout.log"
        self._out = open(self.out_file, "wb")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=self._out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     cwd=str(rundir))
        self.rc = None

    def wait(self, timeout=60.0):
        try:
            self.rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail("sipp %s did not finish within %.0fs\n%s" % (self.name, timeout, self.report()))
        self._out.close()
        return self.rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=3)
        self.rc = self.proc.returncode

    def rtp_port(self, timeout=10.0):
        """The gateway's answered m=audio port, written by the scenario's <exec> once the 200 OK arrived."""
        def read():
            if self.proc.poll() is not None and not self.port_file.exists():
                pytest.fail("sipp ended (rc=%s) before the call was answered\n%s" % (self.proc.returncode, self.report()))
            if self.port_file.exists():
                txt = self.port_file.read_text().strip()
                return int(txt) if txt.isdigit() else None
            return None
        return wait_until(read, timeout, 0.02, "the answered RTP port from sipp")

    def messages(self):
        try:
            return parse_message_log(self.msg_file.read_text(errors="replace"))
        except OSError:
            return []

    def received(self, start=None):
        """Received messages; start = a method name or a status code to filter on."""
        out = []
        for m in self.messages():
            if m.direction != "received":
                continue
            if start is None or (isinstance(start, int) and m.status == start) or \
                    (isinstance(start, str) and m.method == start):
                out.append(m)
        return out

    def sent(self, start=None):
        out = []
        for m in self.messages():
            if m.direction != "sent":
                continue
            if start is None or (isinstance(start, int) and m.status == start) or \
                    (isinstance(start, str) and m.method == start):
                out.append(m)
        return out

    def final_invite_responses(self):
        """One final response per INVITE transaction: a 2xx is retransmitted until its ACK arrives
        (RFC 3261 §13.3.1.4), so duplicates of the same CSeq are dropped."""
        finals, seen = [], set()
        for m in self.received():
            if m.is_response and m.cseq_method == "INVITE" and m.status >= 200:
                key = (m.header("CSeq"), m.status)
                if key not in seen:
                    seen.add(key)
                    finals.append(m)
        return finals

    def answer_sdp(self):
        oks = [m for m in self.received(200) if m.cseq_method == "INVITE"]
        assert oks, "no 200 OK for INVITE received\n" + self.report()
        return oks[0].sdp()

    def report(self, tail=6000):
        parts = ["$ " + " ".join(str(c) for c in self.cmd)]
        for f in (self.out_file, self.err_file, self.msg_file):
            try:
                txt = f.read_text(errors="replace")
            except OSError:
                continue
            parts.append("==== %s (last %d chars) ====\n%s" % (f.name, tail, txt[-tail:]))
        return "\n".join(parts)


class SippRunner:
    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.runs = []

    def start(self, scenario, gateway, *, service="service", calls=1, rate=None, rate_period_ms=None,
              keys=None, pause_ms=1000, timeout_s=30, extra=(), auth=None, limit=None):
        """Start sipp (UAC, UDP, one socket) against the gateway in the background; returns a SippRun."""
        n = len(self.runs)
        name = "%s-%d" % (Path(scenario).stem, n)
        rundir = self.tmp_path / ("sipp-" + name)
        rundir.mkdir(parents=True, exist_ok=True)
        port_file = rundir / "rtp_port.txt"
        scen = Path(scenario)
        if not scen.is_absolute():
            scen = SCENARIOS / scen
        k = {"rtp_port": str(free_port(lo=40000, hi=44000)), "codec_pt": "0", "codec_name": "PCMU",
             "ptime": "20", "port_file": str(port_file)}
        k.update({kk: str(v) for kk, v in (keys or {}).items()})
        media_port = free_port_block(4, lo=44000, hi=45000)
        # `gateway` may be any SIP target with sip_port (and sip_host when not on HOST), e.g. a proxy in front
        cmd = [SIPP, "%s:%d" % (getattr(gateway, "sip_host", HOST), gateway.sip_port), "-sf", str(scen), "-s", service,
               "-i", HOST, "-p", str(free_port()), "-t", "u1", "-mi", HOST, "-mp", str(media_port),
               "-m", str(calls), "-d", str(pause_ms),
               "-timeout", "%ds" % timeout_s, "-timeout_error", "-nostdin",
               "-trace_msg", "-message_file", str(rundir / "messages.log"),
               "-trace_err", "-error_file", str(rundir / "errors.log")]
        if rate is not None:
            cmd += ["-r", str(rate)]
        if rate_period_ms is not None:
            cmd += ["-rp", str(rate_period_ms)]
        if limit is not None:
            cmd += ["-l", str(limit)]
        if auth:
            # -auth_uri: make the digest uri= equal to the Request-URI (sipp's default is remote_ip:remote_port)
            cmd += ["-au", auth[0], "-ap", auth[1], "-auth_uri", "%s@%s:%d" % (service, HOST, gateway.sip_port)]
        for kk, v in k.items():
            cmd += ["-key", kk, v]
        cmd += list(extra)
        run = SippRun(name, cmd, rundir, port_file)
        self.runs.append(run)
        return run

    def start_uas(self, scenario, *, keys=None, timeout_s=30, calls=1):
        """Start sipp as a UAS (UDP on a free port of 127.0.0.1) for the gateway's outbound calls; the SippRun's
        `sip_port` is where to send them. `-key port_file` receives the port the gateway's INVITE offers."""
        n = len(self.runs)
        name = "%s-%d" % (Path(scenario).stem, n)
        rundir = self.tmp_path / ("sipp-" + name)
        rundir.mkdir(parents=True, exist_ok=True)
        port_file = rundir / "rtp_port.txt"
        scen = Path(scenario)
        if not scen.is_absolute():
            scen = SCENARIOS / scen
        sip_port = free_port()
        k = {"port_file": str(port_file)}
        k.update({kk: str(v) for kk, v in (keys or {}).items()})
        media_port = free_port_block(4, lo=44000, hi=45000)
        cmd = [SIPP, "-sf", str(scen), "-i", HOST, "-p", str(sip_port), "-t", "u1", "-mi", HOST,
               "-mp", str(media_port), "-m", str(calls), "-timeout", "%ds" % timeout_s, "-timeout_error", "-nostdin",
               "-trace_msg", "-message_file", str(rundir / "messages.log"),
               "-trace_err", "-error_file", str(rundir / "errors.log")]
        for kk, v in k.items():
            cmd += ["-key", kk, v]
        run = SippRun(name, cmd, rundir, port_file)
        run.sip_port = sip_port
        self.runs.append(run)
        return run

    def run(self, scenario, gateway, wait_timeout=60.0, **kw):
        r = self.start(scenario, gateway, **kw)
        r.wait(wait_timeout)
        return r

    def cleanup(self):
        for r in self.runs:
            r.kill()
            try:
                r._out.close()
            except Exception:  # noqa: BLE001
                pass




def assert_sipp_ok(run):
    assert run.rc == 0, "sipp %s failed (rc=%s; 0 = all calls successful)\n%s" % (run.name, run.rc, run.report())


def start_media_call(sipp, gw, peer, scenario="uac_call.xml", **kw):
    """Start a sipp call whose SDP offers the RtpPeer's port/codec/ptime; wait for the answer and point the
    peer at the gateway's answered RTP port. Returns (SippRun, answered_port)."""
    keys = dict(kw.pop("keys", {}) or {})
    keys.setdefault("rtp_port", peer.port)
    keys.setdefault("codec_pt", peer.pt)
    keys.setdefault("codec_name", peer.codec)
    keys.setdefault("ptime", peer.ptime)
    run = sipp.start(scenario, gw, keys=keys, **kw)
    port = run.rtp_port()
    peer.remote = (HOST, port)
    return run, port


def only_call(gw, timeout=10.0, state="active"):
    """The single call listed by GET /calls (waits until it is in `state`)."""
    c = gw.wait_call(state, timeout)
    calls = gw.calls()
    assert len(calls) == 1, "expected exactly one call on GET /calls, got %r" % (calls,)
    return c


def sip_request(gw, method, *, headers=None, drop=(), body="", request_uri=None, raw=None, wait=3.0):
    """Send one SIP request over a fresh UDP socket; return the list of responses (SipMessage) received within
    `wait` seconds (stops at the first final response). `drop` removes default headers by name; `headers`
    overrides/adds. `raw` sends exact bytes instead (then replies, if any, are returned the same way)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((HOST, 0))
    s.settimeout(0.2)
    lport = s.getsockname()[1]
    try:
        if raw is not None:
            data = raw
        else:
            tag = "%08x" % random.getrandbits(32)
            hdrs = [
                ("Via", "SIP/2.0/UDP %s:%d;branch=z9hG4bK%08x;rport" % (HOST, lport, random.getrandbits(32))),
                ("Max-Forwards", "70"),
                ("From", "<sip:tester@%s:%d>;tag=%s" % (HOST, lport, tag)),
                ("To", "<sip:service@%s:%d>" % (HOST, gw.sip_port)),
                ("Call-ID", "it-%08x@%s" % (random.getrandbits(32), HOST)),
                ("CSeq", "1 %s" % method),
                ("Contact", "<sip:tester@%s:%d>" % (HOST, lport)),
                ("User-Agent", "it-raw"),
            ]
            over = dict(headers or {})
            out = []
            for k, v in hdrs:
                if k in drop:
                    continue
                if k in over:
                    v = over.pop(k)
                out.append((k, v))
            out.extend(over.items())
            out.append(("Content-Length", str(len(body.encode()))))
            ruri = request_uri or "sip:service@%s:%d" % (HOST, gw.sip_port)
            data = ("%s %s SIP/2.0\r\n" % (method, ruri) + "".join("%s: %s\r\n" % kv for kv in out)
                    + "\r\n" + body).encode()
        s.sendto(data, (HOST, gw.sip_port))
        replies = []
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                pkt, _ = s.recvfrom(65535)
            except socket.timeout:
                continue
            m = SipMessage("received", datetime.now(), pkt.decode("utf-8", "replace"))
            replies.append(m)
            if m.is_response and m.status >= 200:
                break
        return replies
    finally:
        s.close()


def final_status(replies):
    finals = [m.status for m in replies if m.is_response and m.status >= 200]
    return finals[0] if finals else None


# --------------------------------------------------------------------------- digest (RFC 2617 / RFC 3261 §22)
def parse_digest(value):
    """'Digest a="x", b=y, ...' -> {a: x, b: y} (keys lower-case)."""
    value = value.strip()
    if value.lower().startswith("digest"):
        value = value[6:]
    out = {}
    for m in re.finditer(r'([A-Za-z-]+)\s*=\s*("([^"]*)"|[^,\s]+)', value):
        out[m.group(1).lower()] = m.group(3) if m.group(3) is not None else m.group(2)
    return out


def digest_expected(params, method, password):
    """The `response` a client must send for these Authorization/Proxy-Authorization params (MD5; qop=auth or none)."""
    import hashlib

    def h(x):
        return hashlib.md5(x.encode()).hexdigest()
    ha1 = h("%s:%s:%s" % (params.get("username", ""), params.get("realm", ""), password))
    ha2 = h("%s:%s" % (method, params.get("uri", "")))
    if params.get("qop"):
        return h(":".join((ha1, params.get("nonce", ""), params.get("nc", ""), params.get("cnonce", ""),
                           params["qop"], ha2)))
    return h("%s:%s:%s" % (ha1, params.get("nonce", ""), ha2))
