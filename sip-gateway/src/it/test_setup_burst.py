"""Call set-up under a burst, from a freshly started gateway: 20 calls arriving at 10 per second through the real
livekit-server, each into its own room (callee rule, no random suffix) where a cheap presence bot
(agents/presence_bot.py: one participant per room with a silent audio track) already waits, so the gateway answers
as soon as its own set-up is done rather than after a ringing timeout.

Asserted: every call is answered (sipp: 20 successful calls), and every call logged its one set-up timeline line
(`[id] set-up: token +a, joined +b, ..., ready +z ms`) with every stage of the path the answer waits for: token,
joined, the publisher's socket, track, answer, ICE, DTLS started and done, the agent seen, ready (the data channel
and the subscriber connection's stages are printed when they came before the answer). No latency is asserted (a busy 2-core machine); the INVITE -> 200 OK of every call (from sipp's
message log) and the mean/p90/max of every stage are printed, so `pytest -s -k burst` is also a measurement.
"""
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from it_harness import SCENARIOS, assert_sipp_ok
from it_livekit import API_KEY, API_SECRET

CALLS = 20
RATE = 10
CALLEE = "1777"
BOT = Path(__file__).parent / "agents" / "presence_bot.py"
SETUP = re.compile(r"\[(c-[0-9a-f]+)\] set-up: (.*) ms$")
STAGE = re.compile(r"([a-z ]+) \+(\d+)")
# what the answer waits for, in the order the timeline prints them; not the subscriber connection (it may come up
# after the answer) nor, strictly, the data channel (the answer waits for it at most 2 s after the publisher's DTLS)
REQUIRED = ("token", "joined", "publisher socket", "track published", "publisher answer", "publisher ice",
            "publisher dtls start", "publisher dtls", "agent", "ready")
OPTIONAL = ("data channel", "subscriber offer", "subscriber ice", "subscriber dtls start", "subscriber dtls")


def _epoch(dt):
    """sipp's naive local datetime -> epoch seconds."""
    return time.mktime(dt.timetuple()) + dt.microsecond / 1e6


def _invite_to_200_ms(run):
    """{Call-ID: INVITE -> 200 OK in ms} from sipp's message log."""
    sent = {m.header("Call-ID"): _epoch(m.time) for m in run.sent("INVITE")}
    out = {}
    for m in run.received(200):
        cid = m.header("Call-ID")
        if m.cseq_method == "INVITE" and cid in sent and cid not in out:
            out[cid] = round((_epoch(m.time) - sent[cid]) * 1000)
    return out


def _summary(values):
    v = sorted(values)
    return "mean %d, p90 %d, max %d" % (statistics.mean(v), v[max(0, int(0.9 * len(v)) - 1)], v[-1])


def _start_bot(server, prefix, workdir):
    ready = workdir / "bot.ready"
    log = open(workdir / "bot.log", "wb")
    proc = subprocess.Popen([sys.executable, str(BOT), "--url", server.ws_url, "--prefix", prefix,
                             "--rooms", str(CALLS), "--ready-file", str(ready), "--key", API_KEY,
                             "--secret", API_SECRET], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while not ready.exists():
        assert proc.poll() is None, "presence bot exited: %s" % (workdir / "bot.log").read_text(errors="replace")[-3000:]
        assert time.monotonic() < deadline, "presence bot did not join its %d rooms within 90 s" % CALLS
        time.sleep(0.1)
    return proc, log


def test_burst_of_calls_from_a_fresh_gateway_is_answered_with_a_setup_timeline_each(
        livekit_server, gateway_factory, sipp, tmp_path):
    prefix = "burst%04x-" % random.getrandbits(16)
    bot, bot_log = _start_bot(livekit_server, prefix + CALLEE, tmp_path)
    try:
        gw = gateway_factory({
            "livekit": {"url": livekit_server.ws_url, "apiKey": API_KEY, "apiSecret": API_SECRET,
                        "ringingTimeoutSeconds": 20, "ringingTimeoutAction": "reject"},
            "dispatchRules": [{"dispatch_rule": {"rule": {"dispatchRuleCallee": {"roomPrefix": prefix,
                                                                                 "randomize": False}}}}],
            "limits": {"maxCalls": CALLS + 5},
            # a trunk for every number this test dials (no numbers = any), from sipp's address
            "trunks": {"inbound": [{"trunk": {"name": "burst", "numbers": [], "allowed_addresses": ["127.0.0.1/32"]}}],
                       "outbound": []},
        }, rtp_size=8 * CALLS)
        # each call dials its own number, so lands in the room its bot waits in
        scenario = tmp_path / "uac_burst.xml"
        # (the answered port goes nowhere: 20 concurrent calls would race on one port file)
        text = (SCENARIOS / "uac_call.xml").read_text().replace("[service]@", "[service][call_number]@")
        scenario.write_text(re.sub(r'<exec command="[^"]*"/>', '<exec command="echo [$rport] > /dev/null"/>', text))
        run = sipp.start(str(scenario), gw, service=CALLEE, calls=CALLS, rate=RATE, limit=CALLS, pause_ms=1500,
                         timeout_s=60)
        run.wait(90)
        assert_sipp_ok(run)
        answered = _invite_to_200_ms(run)
        assert len(answered) == CALLS, "answered %d of %d calls\n%s" % (len(answered), CALLS, run.report())

        log = gw.log_text()
        timelines = {m.group(1): dict((s.strip(), int(t)) for s, t in STAGE.findall(m.group(2)))
                     for m in (SETUP.search(line) for line in log.splitlines()) if m}
        assert len(timelines) == CALLS, "%d set-up lines for %d calls:\n%s" % (
            len(timelines), CALLS, "\n".join(l for l in log.splitlines() if "set-up" in l))
        for cid, stages in timelines.items():
            missing = [s for s in REQUIRED if s not in stages]
            assert not missing, "%s: set-up line without %s: %s" % (cid, missing, stages)
            assert stages["agent"] <= stages["ready"], "%s answered before the agent was seen: %s" % (cid, stages)

        print("\n%d calls at %d/s from a fresh gateway; INVITE -> 200 OK (ms): %s; %s" % (
            CALLS, RATE, sorted(answered.values()), _summary(answered.values())))
        for stage in REQUIRED + OPTIONAL:
            seen = [t[stage] for t in timelines.values() if stage in t]
            print("  %-22s %s" % (stage, _summary(seen) + ("" if len(seen) == CALLS else " (%d calls before ready)"
                                                            % len(seen)) if seen else "never before ready"))
    finally:
        bot.terminate()
        try:
            bot.wait(10)
        except subprocess.TimeoutExpired:
            bot.kill()
        bot_log.close()
