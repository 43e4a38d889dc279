"""Two gateway nodes behind a real Kamailio running deploy/kamailio/kamailio.cfg (issue 11, "Scale out").

Calls come from sipp through the proxy (record-routed: ACK and BYE go through it too, with the Route set of the
200); RTP goes straight between the test's socket and the node that took the call. Nodes are told apart by
their own log ("incoming from=" per accepted call) and the proxy's "dispatch:" lines. Every wait is on an event:
a log line of the proxy or a node, a sipp result, RTP packets.
"""
import random
import socket
import threading
import time

import pytest

from conftest import _failed
from it_harness import assert_sipp_ok, deep_merge, wait_until
from it_kamailio import PROXY_HOST, Kamailio
from it_media import analyse_audio

PROXY_CALL = "uac_proxy_call.xml"
PROXY_WAIT_BYE = "uac_proxy_wait_bye.xml"


@pytest.fixture
def kamailio(tmp_path, request):
    started = []

    def make(nodes, **kw):
        k = Kamailio(tmp_path / ("kamailio-%d" % len(started)), nodes, **kw)
        started.append(k)
        return k.start()

    yield make
    for k in started:
        k.stop()
    if _failed(request):
        for k in started:
            print("\n===== kamailio %s: %s =====\n%s" % (k.workdir, " ".join(k.cmd), k.log_text()[-15000:]))


def incoming(gw):
    """Calls this node accepted (one "incoming" line per call)."""
    return gw.log_text().count(" incoming from=")


# What a node behind the proxy needs: a trunk whose allowed_addresses is the proxy (the source of every request
# it gets), not the callers; the proxy filters those.
BEHIND_PROXY = {"trunks": {"inbound": [{"trunk": {"name": "via-kamailio", "numbers": ["service"],
                                                  "allowed_addresses": [PROXY_HOST + "/32"]}}]}}


def _raw_request(k, method, src_ip, ruri_host=None):
    """One request of no dialog to the proxy from a socket on src_ip (Request-URI host: the proxy unless
    `ruri_host`); returns the socket (the caller reads it)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src_ip, 0))
    lport = s.getsockname()[1]
    msg = ("%s sip:service@%s:%d SIP/2.0\r\n"
           "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK%08x;rport\r\nMax-Forwards: 70\r\n"
           "From: <sip:tester@%s>;tag=%08x\r\nTo: <sip:service@%s>\r\nCall-ID: it-%08x\r\nCSeq: 1 %s\r\n"
           "Contact: <sip:tester@%s:%d>\r\nContent-Length: 0\r\n\r\n"
           % (method, ruri_host or k.sip_host, k.sip_port, src_ip, lport, random.getrandbits(32), src_ip,
              random.getrandbits(32), k.sip_host, random.getrandbits(32), method, src_ip, lport))
    s.sendto(msg.encode(), (k.sip_host, k.sip_port))
    return s


def _first_line(sock, timeout):
    sock.settimeout(timeout)
    try:
        return sock.recv(65535).decode("utf-8", "replace").split("\r\n", 1)[0]
    except (socket.timeout, BlockingIOError):
        return None
    finally:
        sock.close()


def two_nodes_behind_kamailio(gateway_factory, kamailio, a_overrides=None, b_overrides=None):
    a = gateway_factory(deep_merge(BEHIND_PROXY, a_overrides))
    b = gateway_factory(deep_merge(BEHIND_PROXY, b_overrides))
    k = kamailio([a, b])
    # both nodes start out of rotation (flags 9) and join at their first 200 to OPTIONS
    k.node_up(a)
    k.node_up(b)
    return a, b, k


def test_calls_through_kamailio_are_spread_over_both_nodes(gateway_factory, kamailio, sipp):
    a, b, k = two_nodes_behind_kamailio(gateway_factory, kamailio)
    run = sipp.run(PROXY_CALL, k, calls=10, rate=5, pause_ms=500, wait_timeout=90)
    assert_sipp_ok(run)  # ACK and BYE went through the proxy to the right node (their Route set)
    on_a, on_b = incoming(a), incoming(b)
    print("\n10 calls through kamailio (round robin): node A %d, node B %d" % (on_a, on_b))
    assert on_a + on_b == 10
    assert on_a >= 3 and on_b >= 3, "calls not spread: A %d, B %d" % (on_a, on_b)
    wait_until(lambda: a.calls() == [] and b.calls() == [], 10, message="both nodes without calls")
    rpc = k.dispatcher_list_rpc()
    assert rpc.count("FLAGS: AP") == 2, rpc

    # a source outside ALLOWED_SOURCES gets nothing, the caller's address an answer from the proxy itself
    stranger = [_raw_request(k, m, "127.0.0.9") for m in ("OPTIONS", "INVITE", "BYE")]
    assert _first_line(_raw_request(k, "OPTIONS", "127.0.0.1"), 5) == "SIP/2.0 200 OK"
    assert [_first_line(sock, 0.01) for sock in stranger] == [None, None, None]  # sent before the answered one
    # and it is no open relay: an INVITE for another host is refused, not dispatched
    relay = _raw_request(k, "INVITE", "127.0.0.1", ruri_host="198.51.100.7")
    assert _first_line(relay, 5) == "SIP/2.0 403 Not relaying"


def test_a_draining_node_gets_no_new_calls(gateway_factory, kamailio, sipp):
    # the node holding a call drains, so it stays alive (and draining) until that call ends
    drain = {"limits": {"drainSeconds": 120}}
    a, b, k = two_nodes_behind_kamailio(gateway_factory, kamailio, drain, drain)
    held = sipp.start(PROXY_WAIT_BYE, k, timeout_s=120)
    held.rtp_port()
    if a.calls():
        a, b = b, a  # b: the node with the call, the one to drain
    held_call = b.wait_call("active")
    before_a, before_b = incoming(a), incoming(b)

    t_drain = time.monotonic()
    b.sigterm()
    t_down = k.node_down(b, since=t_drain, timeout=10)
    print("\nnode B draining: out of rotation %.0f ms after SIGTERM (OPTIONS -> 503)" % ((t_down - t_drain) * 1000))

    run = sipp.run(PROXY_CALL, k, calls=8, rate=8, pause_ms=300, wait_timeout=60)
    assert_sipp_ok(run)
    new_a, new_b = incoming(a) - before_a, incoming(b) - before_b
    print("8 calls while B drains: node A %d, node B %d (dispatched to B: %d)"
          % (new_a, new_b, k.dispatched_to(b, since=t_down)))
    assert (new_a, new_b) == (8, 0)
    assert k.dispatched_to(b, since=t_down) == 0
    assert b.running() and b.calls()[0]["id"] == held_call["id"]

    # the drained call ends through the node's API; the node then stops cleanly
    status, _, _ = b.post("/calls/%s/hangup" % held_call["id"])
    assert status == 200
    held.wait(30)
    assert_sipp_ok(held)
    assert b.wait_exit(30) == 0


def test_a_call_reaching_a_draining_node_before_the_next_ping_is_retried_on_the_other(
        gateway_factory, kamailio, sipp):
    # pings far apart (30 s) and both nodes in rotation from the start: the proxy learns of the drain only from
    # the 503 a call gets, which must send that call to the other node and take the draining one out
    drain = {"limits": {"drainSeconds": 120}}
    a = gateway_factory(deep_merge(BEHIND_PROXY, drain))
    b = gateway_factory(deep_merge(BEHIND_PROXY, drain))
    k = kamailio([a, b], ping_interval=30, node_flags=0)
    held = sipp.start(PROXY_WAIT_BYE, k, timeout_s=120)
    held.rtp_port()
    if a.calls():
        a, b = b, a  # b: the node with the call, the one to drain
    held_call = b.wait_call("active")
    before_a, before_b = incoming(a), incoming(b)
    t_drain = time.monotonic()
    b.sigterm()
    wait_until(lambda: "draining:" in b.log_text(), 10, message="node B draining")

    run = sipp.run(PROXY_CALL, k, calls=4, rate=4, pause_ms=300, wait_timeout=60)
    assert_sipp_ok(run)
    new_a, new_b = incoming(a) - before_a, incoming(b) - before_b
    refused = sum(1 for _, ln in k.lines(t_drain) if "dispatch: %s answered 503" % k.node_uri(b) in ln)
    print("\n4 calls while B drains, before any ping: node A %d, node B %d; B answered 503 to %d and was taken "
          "out" % (new_a, new_b, refused))
    assert (new_a, new_b) == (4, 0)
    assert refused == 1  # the first 503 took B out of rotation: no second call was sent there
    k.node_down(b, since=t_drain, timeout=1)

    status, _, _ = b.post("/calls/%s/hangup" % held_call["id"])
    assert status == 200
    held.wait(30)
    assert_sipp_ok(held)


def _send_tone_until(peer, stop):
    while not stop.is_set():
        peer.send_tone(1000, 0.2)


def test_kill_9_of_a_node_new_calls_go_to_the_other_and_the_survivors_call_keeps_its_media(
        gateway_factory, kamailio, sipp, rtp_peer):
    a, b, k = two_nodes_behind_kamailio(gateway_factory, kamailio)

    # a call with media on one node, through the proxy; the other node is the one to kill
    peer = rtp_peer("PCMU", 20)
    keys = {"rtp_port": peer.port, "codec_pt": peer.pt, "codec_name": peer.codec, "ptime": peer.ptime}
    up = sipp.start(PROXY_WAIT_BYE, k, keys=keys, timeout_s=120)
    peer.remote = ("127.0.0.1", up.rtp_port())
    survivor = a if a.calls() else b
    victim = b if survivor is a else a
    call = survivor.wait_call("active")
    stop = threading.Event()
    sender = threading.Thread(target=_send_tone_until, args=(peer, stop), daemon=True)
    sender.start()
    try:
        wait_until(lambda: len(peer.packets()) >= 25, 10, message="the echo of the survivor's call")

        before_survivor = incoming(survivor)
        t_kill = time.monotonic()
        victim.proc.kill()  # SIGKILL: no drain, no 503, the node is just gone
        victim.proc.wait(10)

        # new calls, one after the other, from the kill on: the first answered one measures the fail-over
        answers = []
        while len(answers) < 6 and time.monotonic() - t_kill < 30:
            t0 = time.monotonic()
            run = sipp.start(PROXY_CALL, k, pause_ms=100, timeout_s=20)
            run.rtp_port(20)  # the 200 OK (sipp writes the answered port on it)
            answers.append((t0 - t_kill, time.monotonic() - t_kill))
            run.wait(20)
            assert_sipp_ok(run)
        t_down = k.node_down(victim, since=t_kill, timeout=10)
        first_answer = answers[0][1]
        print("\nkill -9 of one node: first new call answered %.0f ms after the kill (sent at +%.0f ms); "
              "node marked down after %.0f ms; calls (sent, answered) ms: %s"
              % (first_answer * 1000, answers[0][0] * 1000, (t_down - t_kill) * 1000,
                 ", ".join("(%.0f, %.0f)" % (s * 1000, e * 1000) for s, e in answers)))
        retried = any("dispatch: retrying the call on " + k.node_uri(survivor) in ln for _, ln in k.lines(t_kill))
        print("the first call after the kill %s" % ("went to the dead node and was retried on the survivor after "
                                                     "NODE_TIMEOUT_MS" if retried else "went to the survivor at once"))
        assert first_answer < 5.0, "no new call answered within 5 s of the kill"
        assert all(e - s < 5.0 for s, e in answers), answers
        assert incoming(survivor) - before_survivor == len(answers) == 6

        # the survivor's call kept its media all along: echo packets kept coming after the kill
        t_check = time.monotonic()
        wait_until(lambda: sum(1 for p in peer.packets() if p.arrival > t_check) >= 50, 10,
                   message="the survivor's echo after the fail-over")
        after = [p for p in peer.packets() if p.arrival > t_kill]
        _, powers = analyse_audio(after, "PCMU")
        print("survivor's call: %d echo packets since the kill, 1 kHz power %.3g vs 1.5 kHz %.3g"
              % (len(after), powers[1000], powers[1500]))
        assert powers[1000] > 10 * powers[1500]
        gaps = [q.arrival - p.arrival for p, q in zip(after, after[1:])]
        print("largest gap in the survivor's echo since the kill: %.0f ms" % (max(gaps) * 1000))
        assert max(gaps) < 1.0
        assert [c["id"] for c in survivor.calls()] == [call["id"]]
    finally:
        stop.set()
        sender.join(5)

    # BYE from the survivor goes back through the proxy (the dialog's Route set) and is answered by the phone
    status, _, _ = survivor.post("/calls/%s/hangup" % call["id"])
    assert status == 200
    up.wait(30)
    assert_sipp_ok(up)
    survivor.wait_no_calls(10)
