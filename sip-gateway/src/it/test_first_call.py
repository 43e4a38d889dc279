"""The first LiveKit call after start-up: a fresh gateway, a real livekit-server and the real tone agent; one first
call, then three more, one after the other. Only that every call is answered is asserted (no timed assertions);
each call's INVITE -> 200 OK (from sipp's own message log) and the gateway's timeline of the call (from its log)
are printed, so `pytest -s -k first_call` is also the measurement behind bench/README.md ("First call").
"""
import random
import re
import time
from datetime import datetime

from it_harness import assert_sipp_ok, wait_until
from it_livekit import livekit_overrides

TRUNK_NUMBER = "+15550100"
CALLS = 4
LOG_LINE = re.compile(r"^(\S+Z) \S+\s+\S+\s+\[(c-[0-9a-f]+)\] (.*)$")


def _epoch(dt):
    """sipp's naive local datetime -> epoch seconds."""
    return time.mktime(dt.timetuple()) + dt.microsecond / 1e6


def _invite_and_ok(run):
    """(INVITE sent, 200 OK received) as epoch seconds, from sipp's message log."""
    invites = run.sent("INVITE")
    oks = [m for m in run.received(200) if m.cseq_method == "INVITE"]
    assert invites and oks, "call not answered\n" + run.report()
    return _epoch(invites[0].time), _epoch(oks[0].time)


def _events(log_text):
    """{call id: [(epoch seconds, event)]} from the gateway's `[id] event` lines, in call order."""
    out = {}
    for line in log_text.splitlines():
        m = LOG_LINE.match(line)
        if m:
            at = datetime.fromisoformat(m.group(1).replace("Z", "+00:00")).timestamp()
            out.setdefault(m.group(2), []).append((at, m.group(3)))
    return out


def test_first_call_is_answered_and_reported(lk, gateway_factory, sipp, rtp_peer, record_property):
    server, _agent = lk
    gw = gateway_factory(livekit_overrides(server, "phone-call-w%04x-" % random.getrandbits(16)))
    warmup = [l for l in gw.log_text().splitlines() if "warm-up" in l]
    times, invites = [], []
    for i in range(CALLS):
        peer = rtp_peer("PCMU", 20)
        keys = {"caller": "+1555030%04d" % random.randrange(10000), "callsid": "CA%d" % i, "accountsid": "AC1"}
        keys.update(rtp_port=peer.port, codec_pt=peer.pt, codec_name=peer.codec, ptime=peer.ptime)
        run = sipp.start("uac_lk_call.xml", gw, service=TRUNK_NUMBER, pause_ms=500, keys=keys, timeout_s=40)
        run.rtp_port(timeout=40)  # a cold first call on a loaded machine took up to 9.6 s before the warm-up
        run.wait(60)
        assert_sipp_ok(run)
        sent, ok = _invite_and_ok(run)
        invites.append(sent)
        times.append(round((ok - sent) * 1000))
    record_property("invite_to_200_ms", times)
    print("\nwarm-up: %s" % (warmup[-1] if warmup else "(no warm-up line)"))
    print("INVITE -> 200 OK per call (ms): first %d, then %s" % (times[0], times[1:]))
    for sent, (cid, events) in zip(invites, _events(gw.log_text()).items()):
        print("%s (ms after the INVITE): %s" % (cid, "; ".join(
            "+%d %s" % (round((t - sent) * 1000), e.split(" rtp=")[0][:40]) for t, e in events)))
    # the same calls in /metrics (test_observe.py parses the format): four set-ups measured by the gateway, each
    # within what sipp measured around it (INVITE sent -> 200 received)
    from test_observe import metric, scrape
    m = wait_until(lambda: (lambda s: s if metric(s, "gateway_call_duration_seconds_count", direction="inbound") == CALLS
                            else None)(scrape(gw)), 10, message="%d ended calls in /metrics" % CALLS)
    assert metric(m, "gateway_agent_ready_seconds_count", direction="inbound") == CALLS
    assert metric(m, "gateway_invite_to_answer_seconds_count", direction="inbound") == CALLS
    answer_sum = metric(m, "gateway_invite_to_answer_seconds_sum", direction="inbound")
    assert 0 < answer_sum <= sum(times) / 1000.0 + 0.005 * CALLS, (answer_sum, times)
    assert metric(m, "gateway_agent_ready_seconds_sum", direction="inbound") <= answer_sum
    print("INVITE -> 200 in /metrics: %.3f s for %d calls (sipp: %.3f s); agent ready: %.3f s" % (
        answer_sum, CALLS, sum(times) / 1000.0, metric(m, "gateway_agent_ready_seconds_sum", direction="inbound")))
