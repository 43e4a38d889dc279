"""The first LiveKit call after start-up: a fresh gateway, a real livekit-server and the real tone agent; one first
call, then three more, one after the other. Only that every call is answered is asserted (no timed assertions);
each call's INVITE -> 200 OK (from sipp's own message log) and the gateway's timeline of the call (from its log)
are printed, so `pytest -s -k first_call` is also the measurement behind bench/README.md ("First call").
"""
import random
import re
from datetime import datetime

from it_harness import assert_sipp_ok
from it_livekit import livekit_overrides

TRUNK_NUMBER = "+15550100"
CALLS = 4
LOG_LINE = re.compile(r"^(\S+Z) \S+\s+\S+\s+\[(c-[0-9a-f]+)\] (.*)$")


def _invite_to_ok_ms(run):
    invites = [m for m in run.sent("INVITE")]
    oks = [m for m in run.received(200) if m.cseq_method == "INVITE"]
    assert invites and oks, "call not answered\n" + run.report()
    return (oks[0].time - invites[0].time).total_seconds() * 1000


def _timelines(log_text):
    """{call id: [(ms since the call's first line, event)]} from the gateway's `[id] event` lines."""
    out = {}
    for line in log_text.splitlines():
        m = LOG_LINE.match(line)
        if not m:
            continue
        at = datetime.fromisoformat(m.group(1).replace("Z", "+00:00")).timestamp()
        out.setdefault(m.group(2), []).append((at, m.group(3)))
    return {cid: [(round((t - ev[0][0]) * 1000), e) for t, e in ev] for cid, ev in out.items()}


def test_first_call_is_answered_and_reported(lk, gateway_factory, sipp, rtp_peer, record_property):
    server, _agent = lk
    gw = gateway_factory(livekit_overrides(server, "phone-call-w%04x-" % random.getrandbits(16)))
    warmup = [l for l in gw.log_text().splitlines() if "warm-up" in l]
    times = []
    for i in range(CALLS):
        peer = rtp_peer("PCMU", 20)
        keys = {"caller": "+1555030%04d" % random.randrange(10000), "callsid": "CA%d" % i, "accountsid": "AC1"}
        keys.update(rtp_port=peer.port, codec_pt=peer.pt, codec_name=peer.codec, ptime=peer.ptime)
        run = sipp.start("uac_lk_call.xml", gw, service=TRUNK_NUMBER, pause_ms=500, keys=keys, timeout_s=40)
        run.rtp_port(timeout=40)  # a cold first call on a loaded machine took up to 9.6 s before the warm-up
        run.wait(60)
        assert_sipp_ok(run)
        times.append(round(_invite_to_ok_ms(run)))
    record_property("invite_to_200_ms", times)
    print("\nwarm-up: %s" % (warmup[-1] if warmup else "(no warm-up line)"))
    print("INVITE -> 200 OK per call (ms): first %d, then %s" % (times[0], times[1:]))
    for cid, events in _timelines(gw.log_text()).items():
        print("%s: %s" % (cid, "; ".join("+%d %s" % (ms, e[:70]) for ms, e in events)))
