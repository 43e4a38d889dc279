"""A real Kamailio (Debian package `kamailio`) running deploy/kamailio/kamailio.cfg in front of gateway nodes.

The shipped config is copied into the test's folder and started unchanged; only its `#!define`s are set from the
command line (-A): listen address (127.0.0.5: the nodes' trunk lists only the proxy), dispatcher.list (written
into the folder), allowed sources (the callers: sipp on 127.0.0.1), the control socket. Its log (stderr) is read
by a thread that stamps each line with its arrival time, so tests wait on log events ("dispatcher: node ... up")
and measure from them.
"""
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from it_harness import HOST, REPO_ROOT, free_port

KAMAILIO = os.environ.get("KAMAILIO", shutil.which("kamailio") or "/usr/sbin/kamailio")
KAMCMD = os.environ.get("KAMCMD", shutil.which("kamcmd") or "/usr/sbin/kamcmd")
# KAMAILIO_CFG: another config to run the tests against (e.g. a variant with a part taken out)
CONFIG = Path(os.environ.get("KAMAILIO_CFG", REPO_ROOT / "deploy" / "kamailio" / "kamailio.cfg"))
PROXY_HOST = "127.0.0.5"


class Kamailio:
    def __init__(self, workdir, nodes, host=PROXY_HOST, allowed_sources="127.0.0.1/32", ping_interval=1,
                 node_timeout_ms=1500, algorithm=4, node_flags=9):
        """`nodes`: the gateways (objects with sip_port) of dispatcher set 1, all on 127.0.0.1; the proxy listens on
        `host` (its own loopback address, so the nodes see the proxy, not the caller, as the source of calls) and
        takes requests from `allowed_sources` and the nodes."""
        self.workdir = Path(workdir)
        self.sip_host = host
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.sip_port = free_port(udp=True, tcp=True)
        self.config = self.workdir / "kamailio.cfg"
        shutil.copyfile(CONFIG, self.config)
        self.dispatcher_list = self.workdir / "dispatcher.list"
        # flags 9 (inactive + probing), as the shipped list: a node joins at its first 200 to OPTIONS; 0: in rotation
        # from the start
        self.dispatcher_list.write_text("".join("1 %s %d 0\n" % (self.node_uri(n), node_flags) for n in nodes))
        self.ctl = "unix:%s" % (self.workdir / "ctl.sock")
        defines = {"LISTEN": "udp:%s:%d" % (host, self.sip_port), "LISTEN_TCP": "tcp:%s:%d" % (host, self.sip_port),
                   "DISPATCHER_LIST": '"%s"' % self.dispatcher_list, "ALLOWED_SOURCES": '"%s"' % allowed_sources,
                   "CTL_SOCKET": '"%s"' % self.ctl, "PING_INTERVAL": str(ping_interval),
                   "NODE_TIMEOUT_MS": str(node_timeout_ms), "DISPATCH_ALG": str(algorithm)}
        # -n 1: one UDP worker, so the proxy forwards a node's 180 and 200 in the order they came. With the shipped
        # config's 4 workers a 200 sent 4 ms after its 180 (the embedded agent answers at once) can overtake it, and
        # sipp, unlike a phone, ends a call on a 180 after the 200 (its default BYE then has no Route: 404).
        self.cmd = [KAMAILIO, "-f", str(self.config), "-n", "1", "-DD", "-E", "-m", "64", "-M", "8",
                    "-Y", str(self.workdir), "-P", str(self.workdir / "kamailio.pid"), "-w", str(self.workdir)]
        for k, v in defines.items():
            self.cmd += ["-A", "%s=%s" % (k, v)]
        self.proc = None
        self._lines = []  # (monotonic time, line)
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)

    @staticmethod
    def node_uri(gateway):
        return "sip:%s:%d" % (HOST, gateway.sip_port)

    def start(self):
        if not Path(KAMAILIO).exists():
            pytest.fail("kamailio not found (Debian package kamailio; test.sh installs it) or set KAMAILIO",
                        pytrace=False)
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=str(self.workdir))
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._cond:
                self._lines.append((time.monotonic(), line))
                self._cond.notify_all()

    def lines(self, since=0.0):
        with self._lock:
            return [(t, ln) for t, ln in self._lines if t >= since]

    def log_text(self):
        return "\n".join(ln for _, ln in self.lines())

    def wait_log(self, needle, since=0.0, timeout=15.0):
        """The arrival time of the first log line (at or after `since`) containing `needle`; fails on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for t, ln in self._lines:
                    if t >= since and needle in ln:
                        return t
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None):
                    break
                self._cond.wait(min(left, 0.5))
        pytest.fail("kamailio: no log line with %r within %.0fs (exit %s)\n%s"
                    % (needle, timeout, self.proc.poll(), self.log_text()[-6000:]))

    def node_up(self, gateway, since=0.0, timeout=15.0):
        return self.wait_log("dispatcher: node %s up" % self.node_uri(gateway), since, timeout)

    def node_down(self, gateway, since=0.0, timeout=15.0):
        return self.wait_log("dispatcher: node %s down" % self.node_uri(gateway), since, timeout)

    def dispatched_to(self, gateway, since=0.0):
        """How many new calls (INVITEs) the dispatcher handed to this node since `since`, first tries and retries."""
        uri = self.node_uri(gateway)
        return sum(1 for _, ln in self.lines(since)
                   if ("dispatch: call from" in ln and ln.endswith("-> " + uri))
                   or ("dispatch: retrying the call on " + uri) in ln)

    def dispatcher_list_rpc(self):
        """`kamcmd dispatcher.list` (the operator's view of the nodes and their state)."""
        out = subprocess.run([KAMCMD, "-s", self.ctl, "dispatcher.list"], capture_output=True, text=True, timeout=10)
        return out.stdout + out.stderr

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
