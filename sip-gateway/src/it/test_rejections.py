"""Rejections (404/403/488/503/401 digest) and robustness against malformed SIP; after each, a good call works."""
import re
import time

from it_harness import assert_sipp_ok, final_status, only_call, sip_request, wait_until


def _good_call(sipp, gw, service="service"):
    run = sipp.run("uac_call.xml", gw, service=service, pause_ms=300)
    assert_sipp_ok(run)
    gw.wait_no_calls(5)


def _reject(sipp, gw, **kw):
    run = sipp.run("uac_reject.xml", gw, **kw)
    assert_sipp_ok(run)
    finals = run.final_invite_responses()
    assert finals, "no final response\n" + run.report()
    return finals[0]


OPEN_TRUNK = {"trunk": {"name": "open", "numbers": ["service"], "allowed_addresses": ["127.0.0.1/32"]}}


def test_unknown_number_404(gateway, sipp):
    assert _reject(sipp, gateway, service="+15559999999").status == 404
    _good_call(sipp, gateway)
    _good_call(sipp, gateway, service="+15550100")


def test_source_not_in_allowed_addresses_403(gateway_factory, sipp):
    gw = gateway_factory({"trunks": {"inbound": [
        {"trunk": {"name": "restricted", "numbers": ["+15550100"], "allowed_addresses": ["10.0.0.0/8"]}},
        OPEN_TRUNK], "outbound": []}})
    assert _reject(sipp, gw, service="+15550100").status == 403
    _good_call(sipp, gw)


def test_no_inbound_trunks_accepts_any_number(gateway_factory, sipp):
    gw = gateway_factory({"trunks": {"inbound": [], "outbound": []}})
    _good_call(sipp, gw, service="anything-goes")


def test_offer_without_g711_488(gateway, sipp):
    resp = _reject(sipp, gateway, keys={"codec_pt": 18, "codec_name": "G729"})
    assert resp.status == 488
    _good_call(sipp, gateway)


def test_max_calls_503_with_retry_after(gateway_factory, sipp):
    gw = gateway_factory({"limits": {"maxCalls": 1}})
    first = sipp.start("uac_call.xml", gw, pause_ms=4000)
    only_call(gw)
    resp = _reject(sipp, gw)
    assert resp.status == 503
    assert resp.header("Retry-After"), "503 must carry Retry-After:\n" + resp.text
    first.wait(30)
    assert_sipp_ok(first)
    gw.wait_no_calls(5)
    _good_call(sipp, gw)


AUTH_TRUNKS = {"trunks": {"inbound": [
    {"trunk": {"name": "secured", "numbers": ["+15550100"], "auth_username": "itest", "auth_password": "s3cret"}},
    OPEN_TRUNK], "outbound": []}}


def test_digest_auth_challenge_and_success(gateway_factory, sipp):
    gw = gateway_factory(AUTH_TRUNKS)
    run = sipp.run("uac_auth.xml", gw, service="+15550100", auth=("itest", "s3cret"), pause_ms=500)
    assert_sipp_ok(run)
    ch = run.received(401)[0]
    www = ch.header("WWW-Authenticate") or ""
    assert www.startswith("Digest") and "nonce=" in www and "realm=" in www, www
    assert re.search(r'qop="?[^",]*\bauth\b', www), "qop=auth expected: " + www
    assert "md5" in www.lower() or "algorithm" not in www.lower(), www
    finals = [m.status for m in run.final_invite_responses()]
    assert finals == [401, 200], finals
    assert run.sent("INVITE")[1].header("Authorization")
    gw.wait_no_calls(5)
    _good_call(sipp, gw)


SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40998 RTP/AVP 0\r\n"
       "a=rtpmap:0 PCMU/8000\r\n")


def test_a_captured_authorization_cannot_be_replayed(gateway_factory, sipp):
    """Before: the Authorization of a successful call, replayed on a new call, was accepted (200)."""
    gw = gateway_factory(AUTH_TRUNKS)
    run = sipp.run("uac_auth.xml", gw, service="+15550100", auth=("itest", "s3cret"), pause_ms=300)
    assert_sipp_ok(run)
    authorized = run.sent("INVITE")[1]
    gw.wait_no_calls(5)
    replay = sip_request(gw, "INVITE", request_uri=authorized.start_line.split()[1], body=SDP,
                         headers={"Authorization": authorized.header("Authorization"), "Content-Type": "application/sdp"})
    assert final_status(replay) == 401, [m.start_line for m in replay]
    assert gw.calls() == []


def test_ten_wrong_answers_block_the_source_for_a_while(gateway_factory, sipp):
    """Password guessing: after 10 failed answers within a minute the source gets 403 without a check, even with
    the right password, and one WARNING line says so."""
    gw = gateway_factory(AUTH_TRUNKS)
    uri = "sip:+15550100@127.0.0.1:%d" % gw.sip_port
    for i in range(10):
        guess = ('Digest username="itest", realm="secured", nonce="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", '
                 'uri="%s", response="%032x", algorithm=MD5' % (uri, i))
        r = sip_request(gw, "INVITE", request_uri=uri, body=SDP,
                        headers={"Authorization": guess, "Content-Type": "application/sdp"})
        assert final_status(r) == 403, [m.start_line for m in r]
    run = sipp.run("uac_auth.xml", gw, service="+15550100", auth=("itest", "s3cret"))
    finals = [m.status for m in run.final_invite_responses()]
    assert finals and finals[-1] == 403, finals
    assert gw.calls() == []
    assert gw.log_text().count("blocked after 10 failed authentications") == 1, gw.log_text()[-2000:]


def test_digest_auth_wrong_password_403(gateway_factory, sipp):
    gw = gateway_factory(AUTH_TRUNKS)
    run = sipp.run("uac_auth.xml", gw, service="+15550100", auth=("itest", "wrong"))
    assert_sipp_ok(run)
    finals = [m.status for m in run.final_invite_responses()]
    assert finals == [401, 403], "wrong credentials: expected 401 then 403, got %r" % finals
    assert gw.calls() == []
    _good_call(sipp, gw)


def test_malformed_sip_gets_400_and_gateway_keeps_serving(gateway, sipp):
    # pure garbage: silence or 400, never a crash
    for raw in (b"\x00\x01\x02garbage\xff\xfe", b"hello world\r\n\r\n", b"SIP/2.0\r\n\r\n", b"\r\n\r\n", b"x" * 1400):
        replies = sip_request(gateway, "X", raw=raw, wait=0.5)
        assert all(m.is_response and m.status == 400 for m in replies), [m.start_line for m in replies]
    # Missing Call-ID or From: no response can be formed that the sender could match (RFC 3261 §8.1.3.3 needs
    # them), so JAIN-SIP drops the request. The gateway's choice: silence, and it keeps serving.
    for dropped in (("INVITE", "Call-ID"), ("OPTIONS", "From")):
        replies = sip_request(gateway, dropped[0], drop=(dropped[1],), wait=0.5)
        assert all(m.is_response and m.status == 400 for m in replies), [m.start_line for m in replies]
    # parseable headers, broken value: 400 whose status line stays one line (the reason names the field)
    bad_cseq = sip_request(gateway, "INVITE", headers={"CSeq": "abc INVITE"})
    assert final_status(bad_cseq) == 400, "INVITE with CSeq 'abc': %r" % [m.start_line for m in bad_cseq]
    assert "CSeq" in bad_cseq[-1].start_line and "\n" not in bad_cseq[-1].start_line, bad_cseq[-1].start_line
    assert bad_cseq[-1].header("Call-ID"), "the 400 must be a well-formed response"
    # no Contact on an INVITE: the stack cannot build a dialog; the gateway answers 400 saying why
    no_contact = sip_request(gateway, "INVITE", drop=("Contact",))
    assert final_status(no_contact) == 400, "INVITE without Contact: %r" % [m.start_line for m in no_contact]
    assert "Contact" in no_contact[-1].start_line, no_contact[-1].start_line
    assert gateway.healthz()["status"] == "ok"
    assert gateway.running()
    _good_call(sipp, gateway)


def test_options_200_and_unknown_method_405_or_501(gateway, sipp):
    assert final_status(sip_request(gateway, "OPTIONS")) == 200
    msg = sip_request(gateway, "MESSAGE", headers={"Content-Type": "text/plain"}, body="hello")
    assert final_status(msg) in (405, 501), [m.start_line for m in msg]
    pub = sip_request(gateway, "PUBLISH", headers={"Event": "presence"})
    assert final_status(pub) in (405, 501), [m.start_line for m in pub]
    _good_call(sipp, gateway)


def test_scanner_and_rate_limited_invites_get_no_answer_at_all(gateway_factory, sipp):
    """Dropped before any transaction exists: not even `100 Trying` (the stack used to send one for each), so a
    scanner learns nothing and a flood gets nothing back. (With the open default: a trunk's own addresses are never
    rate limited.)"""
    gw = gateway_factory({"trunks": {"inbound": [], "outbound": []},
                          "limits": {"requestsPerSecondPerSource": 2, "blockSeconds": 2}})
    scanner = [sip_request(gw, "INVITE", headers={"User-Agent": "friendly-scanner"}, wait=0.6) for _ in range(5)]
    assert all(r == [] for r in scanner), [[m.start_line for m in r] for r in scanner]
    # a burst over the source's rate: the first ones are answered (here 488: no SDP), the rest get nothing
    burst = [sip_request(gw, "INVITE", wait=0.1) for _ in range(10)]
    silent = [r for r in burst if not r]
    assert len(silent) >= 4, [[m.start_line for m in r] for r in burst]
    assert all(len(r) == 1 and r[0].status == 488 for r in burst if r), [[m.start_line for m in r] for r in burst]
    wait_until(lambda: "source 127.0.0.1 blocked" in gw.log_text(), 5, 0.1, "the block's WARNING in the log")
    # the block lasts 2 s: sipp's INVITE retransmissions (0.5, 1, 2 s ...) bring the next good call through
    _good_call(sipp, gw)
