"""Observe (issue 11): Prometheus /metrics checked against real calls, /readyz and OPTIONS through start-up, the
call limit and the drain, JSON log lines, the per-call quality line."""
import json
import re
import socket
import threading

from it_harness import HOST, assert_sipp_ok, free_port, http, only_call, sip_request, final_status, \
    start_media_call, wait_until

METRICS_TOKEN = "metrics-scrape-token-0123456789abcdef"
_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """Prometheus text format -> {(name, frozenset(labels.items())): value}; checks every line parses."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        assert m, "not a Prometheus sample line: %r" % line
        labels = frozenset(_LABEL.findall(m.group(3) or ""))
        out[(m.group(1), labels)] = float(m.group(4))
    return out


def metric(samples, name, **labels):
    """The value of one sample (0 when absent: counters appear with their first event)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def scrape(gw, token=None):
    status, body, headers = http("GET", gw.base_url + "/metrics", token=token or gw.token)
    assert status == 200, "GET /metrics -> %s %r" % (status, body)
    assert {k.lower(): v for k, v in headers.items()}.get("content-type", "").startswith("text/plain"), headers
    return parse_metrics(body)


def options_status(gw):
    replies = sip_request(gw, "OPTIONS", wait=3.0)
    finals = [m for m in replies if m.is_response and m.status >= 200]
    assert finals, "no final answer to OPTIONS"
    return finals[0].status, finals[0].text.split("\r\n", 1)[0]


def json_lines(gw):
    lines = [l for l in gw.log_text().splitlines() if l.strip()]
    parsed = []
    for l in lines:
        try:
            parsed.append(json.loads(l))
        except ValueError:
            raise AssertionError("log.format json: a line that is not one JSON object: %r" % l)
    return parsed


def test_metrics_count_calls_sip_codes_and_rtp(gateway_factory, sipp, rtp_peer):
    gw = gateway_factory()
    assert http("GET", gw.base_url + "/metrics")[0] == 401  # the API's credentials, as /calls
    before = scrape(gw)

    # a call to a number no trunk serves: 404, no call
    assert final_status(sip_request(gw, "INVITE", request_uri="sip:+19990000@%s:%d" % (HOST, gw.sip_port))) == 404
    # call 1: 50 packets of tone, the caller hangs up
    peer = rtp_peer("PCMU", 20)
    run1, _ = start_media_call(sipp, gw, peer, "uac_call.xml", pause_ms=2500)
    assert peer.send_tone(1000, 1.0) == 50
    wait_until(lambda: gw.calls() and gw.calls()[0]["packetsIn"] == 50, 5, message="packetsIn == 50")
    run1.wait(30)
    assert_sipp_ok(run1)
    gw.wait_no_calls()
    # call 2: 25 packets, then hung up through the API: our BYE, the caller's 200
    peer2 = rtp_peer("PCMU", 20)
    run2, _ = start_media_call(sipp, gw, peer2, "uac_wait_bye.xml")
    assert peer2.send_tone(800, 0.5) == 25
    call = only_call(gw)
    wait_until(lambda: gw.calls()[0]["packetsIn"] == 25, 5, message="packetsIn == 25")
    assert "quality" in call and call["quality"]["mos"] > 4, call
    assert gw.post("/calls/%s/hangup" % call["id"])[0] == 200
    run2.wait(30)
    assert_sipp_ok(run2)
    gw.wait_no_calls()

    # a call leaves /calls first, then logs its end and reports it: wait for both quality lines and the counts
    wait_until(lambda: gw.log_text().count("] quality: ") == 2, 10, message="two quality lines in the log")
    ended = lambda s: sum(v - before.get(k, 0.0) for k, v in s.items() if k[0] == "gateway_calls_ended_total")
    after = wait_until(lambda: (lambda s: s if ended(s) == 2 else None)(scrape(gw)), 10,
                       message="gateway_calls_ended_total up by 2")

    def delta(name, **labels):
        return metric(after, name, **labels) - metric(before, name, **labels)


    assert delta("gateway_calls_started_total", direction="inbound") == 2
    assert delta("gateway_calls_ended_total", direction="inbound", reason="caller_bye") == 1
    assert delta("gateway_calls_ended_total", direction="inbound", reason="api_hangup") == 1
    assert metric(after, "gateway_calls_active", direction="inbound") == 0
    assert delta("gateway_sip_responses_sent_total", method="INVITE", code="404") == 1
    assert delta("gateway_sip_responses_sent_total", method="INVITE", code="200") == 2
    assert delta("gateway_sip_responses_sent_total", method="BYE", code="200") == 1
    assert delta("gateway_sip_responses_received_total", method="BYE", code="200") == 1
    assert delta("gateway_sip_requests_received_total", method="INVITE") >= 3
    assert delta("gateway_invite_to_answer_seconds_count", direction="inbound") == 2
    assert delta("gateway_call_mos_count") == 2
    # RTP: exactly what the peers sent; what the gateway sent equals the sum of the calls' quality lines
    assert delta("gateway_rtp_packets_total", direction="in") == 75
    assert delta("gateway_rtp_bytes_total", direction="in") == 75 * 160
    assert delta("gateway_rtp_lost_total") == 0
    quality = [l for l in gw.log_text().splitlines() if "] quality: " in l]
    assert len(quality) == 2, quality
    assert {re.search(r"packets in=(\d+)", l).group(1) for l in quality} == {"50", "25"}, quality
    assert all("pipeline: phone PCMU/8000" in l and "MOS=" in l for l in quality), quality
    out = sum(int(re.search(r"out=(\d+)", l).group(1)) for l in quality)
    assert out > 0 and delta("gateway_rtp_packets_total", direction="out") == out
    assert metric(after, "gateway_media_tick_lateness_seconds_count") > 0
    assert metric(after, "jvm_threads_current") > 0 and metric(after, "process_cpu_seconds_total") > 0
    print("\nmetrics after 2 calls: rtp in %d, out %d, INVITE 404 %d, 200 %d" % (
        delta("gateway_rtp_packets_total", direction="in"), out,
        delta("gateway_sip_responses_sent_total", method="INVITE", code="404"),
        delta("gateway_sip_responses_sent_total", method="INVITE", code="200")))


def test_json_log_lines_and_the_metrics_token(gateway_factory, sipp, rtp_peer):
    """log.format json: every line one JSON object, a call's events with its callId; http.metricsToken opens
    /metrics and nothing else."""
    gw = gateway_factory({"http": {"metricsToken": METRICS_TOKEN}, "log": {"format": "json"}})
    assert http("GET", gw.base_url + "/metrics", token=METRICS_TOKEN)[0] == 200
    assert http("GET", gw.base_url + "/calls", token=METRICS_TOKEN)[0] == 403
    assert http("POST", gw.base_url + "/calls/x/hangup", token=METRICS_TOKEN)[0] == 403
    peer = rtp_peer("PCMU", 20)
    run, _ = start_media_call(sipp, gw, peer, "uac_call.xml", pause_ms=1500)
    peer.send_tone(1000, 0.4)
    call = only_call(gw)
    run.wait(30)
    assert_sipp_ok(run)
    gw.wait_no_calls()
    wait_until(lambda: '"message":"quality: ' in gw.log_text(), 10, message="the quality line")
    lines = json_lines(gw)
    assert len(lines) > 5 and all({"time", "level", "logger", "message"} <= set(l) for l in lines), lines[:3]
    mine = [l for l in lines if l.get("callId") == call["id"]]
    kinds = [l["message"].split(" ", 1)[0] for l in mine]
    for k in ("incoming", "answered", "pipeline:", "ended", "quality:"):
        assert k in kinds, (k, mine)
    assert not any(l["message"].startswith("[") for l in mine), mine
    quality = [l for l in mine if l["message"].startswith("quality: ")][0]
    assert "packets in=20 " in quality["message"], quality


class _Blackhole:
    """A TCP listener that accepts and never answers: a LiveKit server that keeps the warm-up waiting."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((HOST, free_port(udp=False, tcp=True)))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for c in self.held:
            c.close()


def test_readiness_while_starting_then_ready(gateway_factory):
    """The warm-up waits (up to its 5 s budget) for a LiveKit server that never answers: meanwhile /healthz is 200
    but /readyz is 503 "starting" and OPTIONS 503; after "warm-up done" both say ready."""
    hole = _Blackhole()
    try:
        gw = gateway_factory({"livekit": {"url": "ws://%s:%d" % (HOST, hole.port), "apiKey": "devkey",
                                          "apiSecret": "secret-secret-secret-secret-0123"}}, start=False)
        gw.start(wait_ready=False)
        status, body, headers = http("GET", gw.base_url + "/readyz")
        assert "warm-up done" not in gw.log_text(), "warm-up finished before the first /readyz: no window to test"
        assert status == 503 and body["status"] == "starting", (status, body)
        assert "retry-after" in {k.lower() for k in headers}, headers
        code, line = options_status(gw)
        assert code == 503 and "Starting" in line, line
        wait_until(lambda: http("GET", gw.base_url + "/readyz")[0] == 200, 20, message="/readyz 200 after warm-up")
        assert "warm-up done" in gw.log_text()
        assert options_status(gw)[0] == 200
        assert http("GET", gw.base_url + "/healthz")[0] == 200
    finally:
        hole.close()


def test_readiness_call_limit_then_draining(gateway_factory, sipp, rtp_peer):
    """maxCalls 1: with one call up /readyz is 429 naming the call limit (OPTIONS 503); after SIGTERM, while that
    call still drains, /readyz is 503 "draining" and OPTIONS 503; the metrics say not ready."""
    gw = gateway_factory({"limits": {"maxCalls": 1, "drainSeconds": 20}})
    assert http("GET", gw.base_url + "/readyz")[0] == 200
    assert metric(scrape(gw), "gateway_ready") == 1
    peer = rtp_peer("PCMU", 20)
    run, _ = start_media_call(sipp, gw, peer, "uac_wait_bye.xml")
    call = only_call(gw)
    status, body, _ = http("GET", gw.base_url + "/readyz")
    assert status == 429 and body["status"] == "full" and "call limit" in body["reason"], (status, body)
    code, line = options_status(gw)
    assert code == 503 and "Too many calls" in line, line
    assert metric(scrape(gw), "gateway_ready") == 0
    gw.sigterm()
    wait_until(lambda: http("GET", gw.base_url + "/readyz")[1].get("status") == "draining", 10,
               message="/readyz draining after SIGTERM")
    status, body, _ = http("GET", gw.base_url + "/readyz")
    assert status == 503 and "draining" in body["reason"], (status, body)
    code, line = options_status(gw)
    assert code == 503 and "Draining" in line, line
    assert http("GET", gw.base_url + "/healthz")[0] == 200
    assert gw.post("/calls/%s/hangup" % call["id"])[0] == 200
    run.wait(30)
    assert_sipp_ok(run)
    assert gw.wait_exit(30) == 0


def test_readiness_over_the_cpu_limit(gateway_factory):
    """limits.maxCpuPercent: 1 — start-up alone (JIT, the warm-up's codec run) costs far more than 1 % of the cores,
    so the first verdict after the warm-up is 429 "busy" naming the CPU limit, and OPTIONS answer 503 Overloaded."""
    gw = gateway_factory({"limits": {"maxCpuPercent": 1}}, start=False)
    gw.start(wait_ready=False)
    verdict = wait_until(lambda: (lambda r: r if r[0] != 503 else None)(http("GET", gw.base_url + "/readyz")), 20,
                         message="/readyz past starting")
    status, body, _ = verdict
    assert status == 429 and body["status"] == "busy" and "CPU limit" in body["reason"] \
        and "limits.maxCpuPercent 1" in body["reason"], (status, body)
    code, line = options_status(gw)
    assert code in (200, 503), line
    if code == 503:  # the CPU figure is re-sampled at most once a second: OPTIONS may see a quieter second
        assert "Overloaded" in line, line


def test_transfers_counted_by_outcome(gateway, sipp):
    """A transfer the transferee completes (NOTIFY 200 sipfrag, then our BYE) and one it declines (603): the
    metrics count one of each, the ends as `transferred` and `caller_bye`, and the REFERs' answers as received."""
    before = scrape(gateway)
    for scenario, pause in (("uac_transfer_ok.xml", 1000), ("uac_transfer_fail.xml", 3000)):
        run = sipp.start(scenario, gateway, pause_ms=pause)
        call = only_call(gateway)
        assert gateway.post("/calls/%s/transfer" % call["id"], {"to": "sip:agent2@127.0.0.1"})[0] == 202
        run.wait(30)
        assert_sipp_ok(run)
        gateway.wait_no_calls(5)
    ended = lambda s: sum(v - before.get(k, 0.0) for k, v in s.items() if k[0] == "gateway_calls_ended_total")
    after = wait_until(lambda: (lambda s: s if ended(s) == 2 else None)(scrape(gateway)), 10,
                       message="gateway_calls_ended_total up by 2")

    def delta(name, **labels):
        return metric(after, name, **labels) - metric(before, name, **labels)
    assert delta("gateway_transfers_total", outcome="succeeded") == 1
    assert delta("gateway_transfers_total", outcome="failed") == 1
    assert delta("gateway_calls_ended_total", direction="inbound", reason="transferred") == 1
    assert delta("gateway_calls_ended_total", direction="inbound", reason="caller_bye") == 1
    refer_answers = sum(v - before.get(k, 0.0) for k, v in after.items()
                        if k[0] == "gateway_sip_responses_received_total" and ("method", "REFER") in k[1])
    assert refer_answers == 2, refer_answers
    assert delta("gateway_sip_requests_received_total", method="NOTIFY") >= 3
