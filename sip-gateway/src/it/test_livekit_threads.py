"""The gateway's thread count does not grow with the number of calls in LiveKit rooms: every call's signalling
WebSocket lives on one shared event loop (before: one OkHttp reader thread per call). Real livekit-server, real
gateway, sipp as the phones; the thread count is the gateway process's /proc/<pid>/status Threads.

Run with the venv python (requirements.txt): `.venv/bin/python -m pytest -q sip-gateway/src/it/test_livekit_threads.py`.
"""
import collections
import glob
import random
import re

from it_harness import assert_sipp_ok, wait_until
from it_livekit import livekit_overrides

TRUNK_NUMBER = "+15550100"  # a number of the default inbound trunk (it_harness.DEFAULT_TRUNKS)
WAVE = 10
# threads a second wave of calls may add: none are per call now; the DTLS pool's or the lookup thread's idle
# timeouts may move the count by one or two between readings
SLACK = 3


def _ended(gw):
    return gw.log_text().count(" ended reason=")


def _active(gw):
    return len([c for c in gw.calls() if c.get("state") == "active"])


def _settled(gw):
    """Calls past their set-up: answered (in their room with the track published, no agent after 2 s) or ended
    (a very busy machine may not get every room ready within the gateway's 10 s: those calls get a 480)."""
    return _active(gw) + _ended(gw)


def _thread_kinds(gw):
    """Thread names of the gateway process with their trailing numbers dropped, counted (for the report)."""
    names = []
    for comm in glob.glob("/proc/%d/task/*/comm" % gw.pid):
        try:
            with open(comm) as f:
                names.append(re.sub(r"[-#\d]+$", "", f.read().strip()))
        except OSError:
            pass  # the thread ended meanwhile
    return collections.Counter(names)


def _wave(sipp, gw, peer, pause_ms):
    """WAVE more calls, each in its own room; returns (sipp run, active calls, gateway threads) once all of them
    are set up."""
    caller = "+1555060%04d" % random.randrange(10000)
    want = _settled(gw) + WAVE
    run = sipp.start("uac_lk_call.xml", gw, service=TRUNK_NUMBER, calls=WAVE, rate=2, pause_ms=pause_ms,
                     timeout_s=pause_ms // 1000 + 60,
                     keys={"caller": caller, "callsid": "CA-threads", "accountsid": "AC-threads",
                           "rtp_port": peer.port})
    wait_until(lambda: _settled(gw) >= want, 90, 0.2, "%d more calls answered or ended" % WAVE)
    return run, _active(gw), gw.threads()


def test_thread_count_does_not_grow_with_calls(livekit_server, gateway_factory, sipp, rtp_peer):
    prefix = "threads-%04x-" % random.getrandbits(16)
    # nobody serves this agent: each call rings 2 s, then is answered anyway and stays in its room until its BYE
    cfg = livekit_overrides(livekit_server, prefix, agent_name="nobody-serves-this")
    cfg["livekit"].update({"ringingTimeoutSeconds": 2, "ringingTimeoutAction": "answer"})
    cfg["rtp"] = {"timeoutSeconds": 300}  # the phones send no RTP; the calls must outlive the measurement
    gw = gateway_factory(cfg, rtp_size=300)  # about 6 ports per call in a room
    peer = rtp_peer("PCMU", 20)
    wait_until(lambda: "warm-up done in " in gw.log_text(), 60, 0.2, "the start-up warm-up to finish")
    idle, idle_kinds = gw.threads(), _thread_kinds(gw)

    first, calls1, threads1 = _wave(sipp, gw, peer, 90_000)
    second, calls2, threads2 = _wave(sipp, gw, peer, 60_000)
    grown = _thread_kinds(gw)
    grown.subtract(idle_kinds)
    print("threads added since idle, by name: %s" % sorted((k, v) for k, v in grown.items() if v))
    print("gateway threads: idle %d; %d calls in rooms: %d; %d calls: %d (+%d threads for %d more calls)" % (
        idle, calls1, threads1, calls2, threads2, threads2 - threads1, calls2 - calls1))
    assert calls2 - calls1 >= WAVE // 2, "only %d of the second %d calls got into their rooms" % (calls2 - calls1, WAVE)
    assert threads2 - threads1 <= SLACK, \
        "threads grew from %d to %d with %d more calls in rooms (one per call?)" % (threads1, threads2, calls2 - calls1)

    for run in (first, second):
        run.wait(240)
    gw.wait_no_calls(30)
