"""Media path: echo of the caller's audio (PCMU/20 ms, PCMA/30 ms), RFC 4733 DTMF, RTP inactivity timeout."""
import threading
import time

from it_harness import HOST, assert_sipp_ok, only_call, start_media_call, wait_until
from it_media import analyse_audio, voiced_samples

TONE_HZ = 1000


def _check_answer_sdp(run, gw, port, pt, ptime):
    sdp = run.answer_sdp()
    assert sdp["c"] == HOST, "answer c= must be %s: %r" % (HOST, sdp["raw"])
    assert sdp["port"] == port
    assert port % 2 == 0 and gw.rtp_min <= port <= gw.rtp_max, \
        "answered RTP port %d must be even and within %d..%d" % (port, gw.rtp_min, gw.rtp_max)
    assert sdp["payloads"] and sdp["payloads"][0] == pt, "first answered payload must be %d: %r" % (pt, sdp["raw"])
    assert not [p for p in sdp["payloads"] if p not in (pt, 101)], "unexpected payloads in answer: %r" % sdp["raw"]
    assert 101 in sdp["payloads"], "telephone-event must be echoed with the offer's PT 101: %r" % sdp["raw"]
    assert sdp["rtpmap"].get(101, "").lower().startswith("telephone-event/8000"), sdp["raw"]
    assert sdp["ptime"] == ptime, "answer must echo a=ptime:%d: %r" % (ptime, sdp["raw"])


def _echo_test(gw, sipp, rtp_peer, codec, ptime, pt, payload_len):
    peer = rtp_peer(codec, ptime)
    run, port = start_media_call(sipp, gw, peer, "uac_call.xml", pause_ms=5000)

    sender = threading.Thread(target=peer.send_tone, args=(TONE_HZ, 2.0), daemon=True)
    sender.start()
    time.sleep(1.0)
    call = only_call(gw)  # during the call
    assert call["codec"] == codec, call
    assert call["ptime"] == ptime, call
    wait_until(lambda: gw.calls()[0]["packetsIn"] > 0, 3, message="packetsIn > 0 on GET /calls")
    for k in ("id", "callId", "from", "to", "trunk", "state", "dtmf", "packetsOut", "lost", "jitterMs", "transfer"):
        assert k in call, "GET /calls entry lacks %r: %r" % (k, call)
    sender.join(5)
    time.sleep(1.0)  # echo tail
    pkts = peer.packets()

    run.wait(30)
    assert_sipp_ok(run)
    _check_answer_sdp(run, gw, port, pt, ptime)

    assert len(pkts) >= 70, "expected ~100 echoed packets for 2 s of audio, got %d" % len(pkts)
    assert {p.pt for p in pkts} == {pt}, "gateway must send only PT %d, got %r" % (pt, sorted({p.pt for p in pkts}))
    bad = [p for p in pkts if len(p.payload) != payload_len]
    assert not bad, "all payloads must be %d bytes (%d ms), got %r" % (payload_len, ptime, bad[:5])
    assert all(p.version == 2 for p in pkts)
    assert len({p.ssrc for p in pkts}) == 1, "one SSRC expected"
    assert {p.src for p in pkts} == {(HOST, port)}, "RTP must come from the answered port %d: %r" % (
        port, {p.src for p in pkts})
    deltas = [(b.seq - a.seq) & 0xFFFF for a, b in zip(pkts, pkts[1:])]
    assert all(1 <= d <= 10 for d in deltas), "RTP sequence numbers must increase: %r" % deltas
    assert sum(d == 1 for d in deltas) >= 0.9 * len(deltas), "sequence numbers mostly +1: %r" % deltas
    ts_deltas = [(b.ts - a.ts) & 0xFFFFFFFF for a, b in zip(pkts, pkts[1:])]
    assert sum(d == payload_len for d in ts_deltas) >= 0.8 * len(ts_deltas), "timestamps advance by %d" % payload_len

    voiced = voiced_samples(pkts, codec)
    assert len(voiced) >= 8000, "expected >= 1 s of echoed tone, got %.2f s (the echo is missing or silent)" % (
        len(voiced) / 8000.0)
    _, powers = analyse_audio(pkts, codec, (600, TONE_HZ, 1500))
    assert powers[TONE_HZ] > 20 * max(powers[600], powers[1500]), \
        "echoed audio must have its energy at %d Hz: %r" % (TONE_HZ, powers)
    gw.wait_no_calls()
    return call


def test_pcmu_20ms_call_audio_is_echoed(gateway, sipp, rtp_peer):
    call = _echo_test(gateway, sipp, rtp_peer, "PCMU", 20, 0, 160)
    log = gateway.log_text()
    assert call["callId"] in log or call["id"] in log, "gateway log must mention the call's id"


def test_pcma_30ms_call_audio_is_echoed(gateway, sipp, rtp_peer):
    _echo_test(gateway, sipp, rtp_peer, "PCMA", 30, 8, 240)


def test_pcma_30ms_sipp_pcap_media(gateway, sipp):
    """sipp plays /usr/share/sip-tester/g711a.pcap (A-law, 240-byte packets) from its own media port."""
    run = sipp.start("uac_pcap_alaw.xml", gateway, pause_ms=8000)
    run.rtp_port()
    call = only_call(gateway)
    assert call["codec"] == "PCMA" and call["ptime"] == 30, call
    wait_until(lambda: gateway.calls()[0]["packetsIn"] > 50, 8, message="packetsIn > 50 from sipp's pcap")
    wait_until(lambda: gateway.calls()[0]["packetsOut"] > 50, 8, message="packetsOut > 50 (echo to sipp)")
    run.wait(30)
    assert_sipp_ok(run)
    sdp = run.answer_sdp()
    assert sdp["payloads"][0] == 8 and sdp["ptime"] == 30, sdp["raw"]
    gateway.wait_no_calls()


def test_dtmf_digits_recorded_and_pound_hangs_up(gateway, sipp, rtp_peer):
    peer = rtp_peer("PCMU", 20)
    run, _ = start_media_call(sipp, gateway, peer, "uac_wait_bye.xml")
    peer.send_silence(0.3)
    peer.send_dtmf("1", marker=True)
    peer.send_silence(0.2)
    peer.send_dtmf("2", marker=False)  # first packet without marker: detection must use the timestamp
    peer.send_silence(0.2)
    peer.send_dtmf("3", marker=True)
    peer.send_silence(0.3)
    wait_until(lambda: gateway.calls()[0]["dtmf"] == "123", 5, message='dtmf == "123" on GET /calls')
    assert run.proc.poll() is None, "call ended before '#'\n" + run.report()
    assert not run.received("BYE")
    peer.send_dtmf("#", marker=True)
    peer.send_silence(0.2)
    run.wait(20)
    assert_sipp_ok(run)
    assert run.received("BYE"), "gateway must send BYE after '#'"
    gateway.wait_no_calls()


def test_rtp_timeout_sends_bye(gateway_factory, sipp):
    gw = gateway_factory({"rtp": {"timeoutSeconds": 2}})
    run = sipp.start("uac_wait_bye.xml", gw)  # offer points at a port nobody sends from
    run.rtp_port()
    run.wait(30)
    assert_sipp_ok(run)
    ack = [m for m in run.sent("ACK")][0]
    bye = run.received("BYE")[0]
    dt = (bye.time - ack.time).total_seconds()
    assert 1.5 <= dt <= 4.5, "BYE expected ~2 s after the last (no) RTP, came after %.2f s" % dt
    gw.wait_no_calls()
