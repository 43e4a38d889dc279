"""Call control: CANCEL, HTTP hangup, transfer (HTTP and DTMF '0'), hold/unhold, UPDATE, HTTP API errors."""
import time

from it_harness import assert_sipp_ok, only_call, start_media_call, wait_until
from it_media import DTMF_EVENTS


def test_cancel_before_answer(gateway_factory, sipp):
    gw = gateway_factory({"limits": {"ringSeconds": 3}})
    run = sipp.run("uac_cancel.xml", gw)
    assert_sipp_ok(run)
    got = [(m.status, m.cseq_method) for m in run.received() if m.is_response]
    assert (180, "INVITE") in got, got
    assert (200, "CANCEL") in got, "CANCEL must get 200: %r" % got
    assert (487, "INVITE") in got, "INVITE must get 487 after CANCEL: %r" % got
    assert (200, "INVITE") not in got, "a cancelled call must not be answered: %r" % got
    gw.wait_no_calls()
    assert gw.healthz()["calls"] == 0


def test_hangup_via_http(gateway, sipp):
    run = sipp.start("uac_wait_bye.xml", gateway)
    call = only_call(gateway)
    t0 = time.monotonic()
    status, body, _ = gateway.post("/calls/%s/hangup" % call["id"])
    print("HTTP hangup answered after %.0f ms" % ((time.monotonic() - t0) * 1000))
    assert status == 200, (status, body)
    # the answer comes once the call is gone: no waiting needed
    assert body["state"] == "ended" and body["reason"], body
    assert gateway.calls() == [], "hangup answered before the call left /calls"
    run.wait(20)
    assert_sipp_ok(run)
    assert run.received("BYE")
    assert run.received("BYE")[0].header("Call-ID") == call["callId"], "callId on /calls must be the SIP Call-ID"
    gateway.wait_no_calls(5)


def test_transfer_via_http_succeeds(gateway, sipp):
    run = sipp.start("uac_transfer_ok.xml", gateway)
    call = only_call(gateway)
    assert call["transfer"] is None, call
    status, body, _ = gateway.post("/calls/%s/transfer" % call["id"], {"to": "sip:agent2@127.0.0.1"})
    assert status == 202, (status, body)
    run.wait(30)
    assert_sipp_ok(run)
    refer = run.received("REFER")[0]
    assert "agent2@127.0.0.1" in (refer.header("Refer-To") or ""), refer.text
    final_notify = [m for m in run.sent("NOTIFY") if "200 OK" in m.body][0]
    bye = run.received("BYE")[0]
    dt = (bye.time - final_notify.time).total_seconds()
    assert dt < 2.0, "BYE must follow the 'SIP/2.0 200 OK' sipfrag at once (took %.2f s)" % dt
    gateway.wait_no_calls(5)


def test_transfer_via_http_declined_keeps_call(gateway, sipp):
    run = sipp.start("uac_transfer_fail.xml", gateway, pause_ms=4000)
    call = only_call(gateway)
    status, body, _ = gateway.post("/calls/%s/transfer" % call["id"], {"to": "sip:agent2@127.0.0.1"})
    assert status == 202, (status, body)

    def failed():
        c = gateway.calls()
        t = c[0].get("transfer") if c else None
        return c[0] if t and t.get("status") == "failed" else None
    c = wait_until(failed, 6, message='transfer.status == "failed" on GET /calls')
    assert c["transfer"].get("sipStatus") == 603, c
    assert "agent2@127.0.0.1" in (c["transfer"].get("to") or ""), c
    assert c["state"] == "active", "call must stay up after a failed transfer: %r" % c
    run.wait(30)
    assert_sipp_ok(run)  # a BYE from the gateway during the pause would have failed the call
    assert not run.received("BYE"), "gateway must not hang up after a failed transfer"
    assert run.sent("BYE")
    gateway.wait_no_calls(5)


def test_dtmf_zero_transfers_to_local_agent_target(gateway, sipp, rtp_peer):
    peer = rtp_peer("PCMU", 20)
    run, _ = start_media_call(sipp, gateway, peer, "uac_transfer_ok.xml")
    peer.send_silence(0.2)
    peer.send_dtmf("0")
    peer.send_silence(0.3)
    run.wait(30)
    assert_sipp_ok(run)
    refer = run.received("REFER")[0]
    assert "operator@127.0.0.1:5099" in (refer.header("Refer-To") or ""), refer.text
    assert run.received("BYE")
    gateway.wait_no_calls(5)


def test_hold_unhold_and_update(gateway, sipp):
    run = sipp.start("uac_hold.xml", gateway, pause_ms=2000)
    only_call(gateway)
    time.sleep(3.2)  # inside the second pause: after hold (0.5 s) + pause (2 s) + unhold
    calls = gateway.calls()
    assert len(calls) == 1 and calls[0]["state"] == "active", "call must be up and active after hold/unhold: %r" % calls
    run.wait(30)
    assert_sipp_ok(run)
    oks = []  # one per INVITE transaction: a 2xx may be retransmitted until its ACK arrives (RFC 3261 §13.3.1.4)
    for m in run.received(200):
        if m.cseq_method == "INVITE" and m.header("CSeq") not in [o.header("CSeq") for o in oks]:
            oks.append(m)
    assert len(oks) == 3, [m.start_line for m in run.received()]
    assert oks[1].sdp()["direction"] == "recvonly", "hold (a=sendonly) must be answered a=recvonly:\n" + oks[1].body
    assert oks[2].sdp()["direction"] in (None, "sendrecv"), "unhold must be answered sendrecv:\n" + oks[2].body
    assert [m for m in run.received(200) if m.cseq_method == "UPDATE"], "UPDATE must get 200"
    gateway.wait_no_calls(5)


def test_http_api_errors_and_dtmf_injection(gateway, sipp, rtp_peer):
    hz = gateway.healthz()
    assert hz == {"status": "ok", "calls": 0, "draining": False} or (
        hz.get("status") == "ok" and hz.get("calls") == 0 and hz.get("draining") is False), hz
    assert gateway.calls() == []
    for path, body in (("/calls/no-such-call/hangup", None), ("/calls/no-such-call/transfer", {"to": "sip:x@127.0.0.1"}),
                       ("/calls/no-such-call/dtmf", {"digits": "1"})):
        status, resp, _ = gateway.post(path, body)
        assert status == 404 and isinstance(resp, dict) and resp.get("error"), (path, status, resp)

    peer = rtp_peer("PCMU", 20)
    run, _ = start_media_call(sipp, gateway, peer, "uac_wait_bye.xml")
    peer.send_silence(0.3)  # lets the gateway latch onto our RTP address (symmetric RTP)
    call = only_call(gateway)
    assert gateway.healthz()["calls"] == 1
    for sub in ("transfer", "dtmf"):
        status, resp, _ = gateway.post("/calls/%s/%s" % (call["id"], sub), b"{not json")
        assert status == 400 and isinstance(resp, dict) and resp.get("error"), (sub, status, resp)
    # a target with CR/LF would write the API caller's own headers into the REFER: 400, nothing sent
    for bad in ("sip:x@127.0.0.1\r\nX-Injected: 1", "sip:x@127.0.0.1 y", "tel:+1900\u0000", "sip:"):
        status, resp, _ = gateway.post("/calls/%s/transfer" % call["id"], {"to": bad})
        assert status == 400 and "transfer target" in resp.get("error", ""), (bad, status, resp)
    status, resp, _ = gateway.post("/calls/%s/dtmf" % call["id"], {"digits": "123"})
    assert status == 202, (status, resp)

    def events():
        evs = [p for p in peer.packets() if p.pt == 101 and len(p.payload) >= 4]
        ends = []
        for p in evs:
            if p.payload[1] & 0x80 and (not ends or ends[-1][1] != p.ts):
                ends.append((p.payload[0], p.ts))
        return [e for e, _ in ends] if len(ends) >= 3 else None
    got = wait_until(events, 5, message="RFC 4733 events 1,2,3 (PT 101, with end bit) from the gateway")
    assert got[:3] == [DTMF_EVENTS["1"], DTMF_EVENTS["2"], DTMF_EVENTS["3"]], got

    status, _, _ = gateway.post("/calls/%s/hangup" % call["id"])
    assert status == 200
    run.wait(20)
    assert_sipp_ok(run)
    gateway.wait_no_calls(5)
