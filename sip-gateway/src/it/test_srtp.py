"""SDES-SRTP (RFC 4568 a=crypto, RTP/SAVP) on the phone leg, per trunk `media_encryption`.

The phone is a raw UDP SIP user agent on 127.0.0.1 whose media goes through libSRTP (PyPI `pylibsrtp`), an SRTP
implementation independent of the gateway's: it encrypts a 1 kHz mu-law tone with its own key, and decrypts what
the local echo agent sends back with the key from the gateway's answer. Before this change the gateway answered
every RTP/SAVP offer with 488 and did not know `media_encryption`.
"""
import base64
import os
import random
import socket
import threading
import time

import pytest

from it_harness import HOST, SipMessage, wait_until
from it_media import RtpPeer, analyse_audio, build_rtp, voiced_samples

try:
    import pylibsrtp
except ImportError:  # pragma: no cover - depends on the interpreter
    if os.environ.get("GATEWAY_REQUIRE_LIVEKIT_TESTS") == "1":
        raise
    pytest.skip("pylibsrtp missing: install sip-gateway/src/it/requirements.txt", allow_module_level=True)

TONE_HZ = 1000
PROFILES = {"AES_CM_128_HMAC_SHA1_80": pylibsrtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_80,
            "AES_CM_128_HMAC_SHA1_32": pylibsrtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_32}
TAG_BYTES = {"AES_CM_128_HMAC_SHA1_80": 10, "AES_CM_128_HMAC_SHA1_32": 4}
STRANGER = "127.0.0.2"

# one gateway, one trunk per policy, chosen by the called number
TRUNKS = {"trunks": {"inbound": [
    {"trunk": {"name": "plain", "numbers": ["+15550170"], "allowed_addresses": ["127.0.0.1/32"]}},
    {"trunk": {"name": "allow", "numbers": ["+15550171"], "allowed_addresses": ["127.0.0.1/32"],
               "media_encryption": "allow"}},
    {"trunk": {"name": "require", "numbers": ["+15550172"], "allowed_addresses": ["127.0.0.1/32"],
               "media_encryption": "SIP_MEDIA_ENCRYPT_REQUIRE"}},
], "outbound": []}}
DISABLE, ALLOW, REQUIRE = "+15550170", "+15550171", "+15550172"


class SrtpPeer(RtpPeer):
    """RtpPeer whose packets go through libSRTP: protected with our key, unprotected with the gateway's."""

    def __init__(self, suite):
        self.suite = suite
        self.key = os.urandom(30)  # 16-byte master key || 14-byte master salt
        self.tx = pylibsrtp.Session(pylibsrtp.Policy(key=self.key, ssrc_type=pylibsrtp.Policy.SSRC_ANY_OUTBOUND,
                                                     srtp_profile=PROFILES[suite]))
        self.rx = None
        self.undecryptable = 0
        self.sent_wire = []  # protected datagrams as sent, for the replay check
        super().__init__("PCMU", 20)

    def answer_key(self, key):
        self.rx = pylibsrtp.Session(pylibsrtp.Policy(key=key, ssrc_type=pylibsrtp.Policy.SSRC_ANY_INBOUND,
                                                     srtp_profile=PROFILES[self.suite]))

    def _incoming(self, data):
        try:
            return self.rx.unprotect(data)
        except (pylibsrtp.Error, AttributeError):
            self.undecryptable += 1
            return None

    def _send(self, pt, payload, marker=False, ts=None):
        wire = self.tx.protect(build_rtp(pt, self.seq, self.ts if ts is None else ts, self.ssrc, payload, marker))
        self.seq = (self.seq + 1) & 0xFFFF
        self.sent_wire.append(wire)
        self.sock.sendto(wire, self.remote)


class Phone:
    """A UAC on one UDP socket: INVITE with a given SDP to a given number, ACK, BYE."""

    def __init__(self, gw, number):
        self.gw, self.number = gw, number
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((HOST, 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.call_id = "srtp-%08x@%s" % (random.getrandbits(32), HOST)
        self.from_tag = "%08x" % random.getrandbits(32)
        self.to_tag = None
        self.last_cseq = 1  # the INVITE

    def request(self, method, cseq, body=""):
        ruri = "sip:%s@%s:%d" % (self.number, HOST, self.gw.sip_port)
        to = "<%s>" % ruri + (";tag=%s" % self.to_tag if self.to_tag else "")
        hdrs = [("Via", "SIP/2.0/UDP %s:%d;branch=z9hG4bK%08x;rport" % (HOST, self.port, random.getrandbits(32))),
                ("Max-Forwards", "70"), ("From", "<sip:+15550001111@%s:%d>;tag=%s" % (HOST, self.port, self.from_tag)),
                ("To", to), ("Call-ID", self.call_id), ("CSeq", "%d %s" % (cseq, method)),
                ("Contact", "<sip:phone@%s:%d>" % (HOST, self.port))]
        if body:
            hdrs.append(("Content-Type", "application/sdp"))
        hdrs.append(("Content-Length", str(len(body.encode()))))
        data = "%s %s SIP/2.0\r\n" % (method, ruri) + "".join("%s: %s\r\n" % kv for kv in hdrs) + "\r\n" + body
        self.sock.sendto(data.encode(), (HOST, self.gw.sip_port))

    def final(self, method, wait=10.0, cseq=None):
        """The next final response to method (and to that CSeq number when given: a 2xx retransmitted for an
        earlier re-INVITE whose ACK the stack has not handled yet is skipped)."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                pkt, _ = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            m = SipMessage("received", None, pkt.decode("utf-8", "replace"))
            if m.is_response and m.status >= 200 and m.cseq_method == method and (
                    cseq is None or m.header("CSeq").split()[0] == str(cseq)):
                return m
        raise AssertionError("no final response to %s within %.0f s" % (method, wait))

    def invite(self, sdp):
        self.request("INVITE", 1, sdp)
        r = self.final("INVITE")
        if r.status == 200:
            self.to_tag = r.header("To").split("tag=")[1].split(";")[0]
        self.request("ACK", 1)  # for a 2xx a new ACK; for an error a stray ACK the stack absorbs
        return r

    def reinvite(self, sdp, cseq):
        """A re-INVITE. A UAS that has not seen the ACK of the previous INVITE yet answers 500 (RFC 3261 14.2;
        our ACK and this INVITE can be handled out of order on a busy machine) or 491: retried, as a UA does, a
        little later with the next CSeq."""
        cseq = max(cseq, self.last_cseq + 1)
        for attempt in range(5):
            self.request("INVITE", cseq, sdp)
            r = self.final("INVITE", cseq=cseq)
            self.request("ACK", cseq)
            self.last_cseq = cseq
            if r.status not in (491, 500):
                return r
            time.sleep(0.3 * (attempt + 1))
            cseq += 1
        return r

    def bye(self, cseq=2):
        self.request("BYE", cseq)
        return self.final("BYE")

    def close(self):
        self.sock.close()


def offer(rtp_port, proto="RTP/SAVP", crypto=()):
    return ("v=0\r\no=phone 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio %d %s 0 101\r\n"
            "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\n"
            % (HOST, HOST, rtp_port, proto) + "".join("a=crypto:%s\r\n" % c for c in crypto) + "a=sendrecv\r\n")


def inline(key):
    return "inline:" + base64.b64encode(key).decode()


def answered_crypto(msg):
    lines = [ln.strip()[len("a=crypto:"):] for ln in msg.body.splitlines() if ln.strip().startswith("a=crypto:")]
    assert len(lines) == 1, "the answer must carry exactly one a=crypto line: %r" % msg.body
    tag, suite, key = lines[0].split()
    assert key.startswith("inline:") and "|" not in key, lines[0]
    return int(tag), suite, base64.b64decode(key[len("inline:"):])


def media(gw):
    return wait_until(lambda: (gw.calls() or [{}])[0].get("media"), 5, message="call media on GET /calls")


@pytest.mark.parametrize("suite", ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"])
def test_savp_offer_is_answered_with_srtp_and_the_tone_comes_back_decryptable(gateway_factory, suite):
    gw = gateway_factory(TRUNKS)
    peer = SrtpPeer(suite)
    phone = Phone(gw, ALLOW)
    forger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # same IP as c=, another port: may latch, if genuine
    forger.bind((HOST, 0))
    forger.settimeout(0.2)
    try:
        # lines we cannot use come first: an unknown suite and a key with an MKI; tag 3 is the usable one
        ok = phone.invite(offer(peer.port, crypto=(
            "1 F8_128_HMAC_SHA1_80 " + inline(os.urandom(30)),
            "2 %s %s|2^20|1:4" % (suite, inline(os.urandom(30))),
            "3 %s %s" % (suite, inline(peer.key)))))
        assert ok.status == 200, "RTP/SAVP offer under media_encryption allow: %s\n%s" % (ok.start_line, ok.body)
        sdp = ok.sdp()
        assert sdp["proto"] == "RTP/SAVP", ok.body
        tag, answered_suite, gw_key = answered_crypto(ok)
        assert (tag, answered_suite) == (3, suite), "answer must take the first usable line, tag 3: %r" % ok.body
        assert len(gw_key) == 30 and gw_key != peer.key, "the gateway answers with a fresh key of its own"
        peer.answer_key(gw_key)
        peer.remote = (HOST, sdp["port"])

        # forged packets from the signalled IP (another port) do not authenticate: counted, never latched
        for i in range(10):
            junk = build_rtp(0, i, i * 160, 0x1234, b"\xff" * 160) + b"\x00" * TAG_BYTES[suite]
            forger.sendto(junk, peer.remote)
        wait_until(lambda: media(gw)["srtpAuthFailures"] == 10, 5, message="10 forged packets counted")
        m = media(gw)
        assert m["latches"] == 0 and m["remote"] == "" and m["packetsIn"] == 0, m

        sender = threading.Thread(target=peer.send_tone, args=(TONE_HZ, 2.0), daemon=True)
        sender.start()
        sender.join(10)
        wait_until(lambda: len(peer.packets()) >= 90, 5, message=">= 90 echoed SRTP packets decrypted")
        pkts = peer.packets()
        m = media(gw)
        print("srtp %s: sent %d, decrypted %d echoed, undecryptable %d; /calls media %r" % (
            suite, len(peer.sent_wire), len(pkts), peer.undecryptable, m))
        assert peer.undecryptable == 0, "every packet from the gateway must authenticate under libSRTP"
        assert {p.pt for p in pkts} == {0} and all(len(p.payload) == 160 for p in pkts)
        assert {p.src for p in pkts} == {peer.remote}
        voiced = voiced_samples(pkts, "PCMU")
        assert len(voiced) >= 8000, "expected >= 1 s of echoed tone, got %.2f s" % (len(voiced) / 8000.0)
        _, powers = analyse_audio(pkts, "PCMU", (600, TONE_HZ, 1500))
        assert powers[TONE_HZ] > 20 * max(powers[600], powers[1500]), powers
        assert m["srtp"] == suite and m["packetsIn"] >= 95 and m["latches"] == 1, m
        assert m["remote"] == "%s:%d" % (HOST, peer.port), m
        try:
            forger.recvfrom(2048)
            raise AssertionError("the forger's port got RTP")
        except socket.timeout:
            pass

        # tampered (one payload bit flipped), replayed and plain packets from the phone itself: dropped and counted
        good_in = m["packetsIn"]
        for wire in peer.sent_wire[-5:]:
            peer.sock.sendto(wire, peer.remote)  # replays
        for i in range(7):
            wire = bytearray(peer.tx.protect(build_rtp(0, (peer.seq + i) & 0xFFFF, 0, peer.ssrc, b"\x7f" * 160)))
            wire[20] ^= 0x01
            peer.sock.sendto(bytes(wire), peer.remote)
        peer.seq = (peer.seq + 7) & 0xFFFF  # libSRTP never protects one index twice
        peer.sock.sendto(build_rtp(0, peer.seq + 50, 0, peer.ssrc, b"\x7f" * 160), peer.remote)  # plain RTP
        wait_until(lambda: media(gw)["srtpAuthFailures"] == 10 + 8 and media(gw)["srtpReplays"] == 5, 5,
                   message="8 more auth failures and 5 replays on GET /calls")
        m = media(gw)
        assert m["packetsIn"] == good_in, "no tampered, replayed or plain packet may be played: %r" % m
        assert "dropping SRTP from" in gw.log_text()

        # the call still works after the garbage
        before = len(peer.packets())
        peer.send_tone(TONE_HZ, 0.5)
        wait_until(lambda: len(peer.packets()) >= before + 20, 5, message="echo continues after the garbage")
        assert phone.bye().status == 200
        gw.wait_no_calls(10)
    finally:
        peer.close()
        phone.close()
        forger.close()


def test_a_strangers_srtp_costs_no_crypto_and_a_reinvite_keeps_srtp(gateway_factory):
    gw = gateway_factory(TRUNKS)
    peer = SrtpPeer("AES_CM_128_HMAC_SHA1_80")
    phone = Phone(gw, REQUIRE)
    stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    stranger.bind((STRANGER, 0))
    rtcp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # the gateway's reports go to RTP port + 1
    rtcp.bind((HOST, peer.port + 1))
    rtcp.settimeout(0.5)
    try:
        sdp = offer(peer.port, crypto=("1 AES_CM_128_HMAC_SHA1_80 " + inline(peer.key),))
        ok = phone.invite(sdp)
        assert ok.status == 200, ok.start_line
        first_answer = answered_crypto(ok)
        peer.answer_key(first_answer[2])
        peer.remote = (HOST, ok.sdp()["port"])
        for i in range(20):
            stranger.sendto(build_rtp(0, i, 0, 7, b"\xff" * 160) + b"\x00" * 10, peer.remote)
        wait_until(lambda: media(gw)["foreignDropped"] == 20, 5, message="20 foreign packets counted")
        assert media(gw)["srtpAuthFailures"] == 0, "packets the latch refuses are never authenticated"
        peer.send_tone(TONE_HZ, 0.6)
        wait_until(lambda: len(peer.packets()) >= 20, 5, message="echo under media_encryption require")
        assert peer.undecryptable == 0

        # a session refresh repeating the offer keeps our key (and the SRTP state); a plain re-offer gets 488
        again = phone.reinvite(sdp.replace("o=phone 1 1", "o=phone 1 2"), 2)
        assert again.status == 200 and again.sdp()["proto"] == "RTP/SAVP", again.start_line
        assert answered_crypto(again) == first_answer, "the re-INVITE's answer must repeat our key"
        plain = phone.reinvite(offer(peer.port, "RTP/AVP").replace("o=phone 1 1", "o=phone 1 3"), 3)
        assert plain.status == 488, plain.start_line
        before = len(peer.packets())
        peer.send_tone(TONE_HZ, 0.6)
        wait_until(lambda: len(peer.packets()) >= before + 20, 5, message="echo after the re-INVITEs")
        assert peer.undecryptable == 0 and media(gw)["srtpReplays"] == 0, media(gw)

        # the 5 s RTCP report comes as SRTCP that libSRTP authenticates and decrypts into a sender report
        data = wait_until(lambda: rtcp.recvfrom(2048)[0], 10, message="an SRTCP report from the gateway")
        rtcp_rx = pylibsrtp.Session(pylibsrtp.Policy(key=first_answer[2], ssrc_type=pylibsrtp.Policy.SSRC_ANY_INBOUND,
                                                     srtp_profile=PROFILES["AES_CM_128_HMAC_SHA1_80"]))
        report = rtcp_rx.unprotect_rtcp(data)
        assert report[1] == 200 and len(data) == len(report) + 14, (report.hex(), len(data))
        assert phone.bye(phone.last_cseq + 1).status == 200
    finally:
        peer.close()
        phone.close()
        stranger.close()
        rtcp.close()


@pytest.mark.parametrize("number,proto,status", [
    (REQUIRE, "RTP/AVP", 488),   # plain offer, SRTP required
    (DISABLE, "RTP/SAVP", 488),  # SRTP offer, SRTP disabled (LiveKit's default)
    (ALLOW, "RTP/AVP", 200),     # plain offer, SRTP allowed: plain answer
])
def test_media_encryption_policy_decides_the_answer(gateway_factory, number, proto, status):
    gw = gateway_factory(TRUNKS)
    phone = Phone(gw, number)
    try:
        key = os.urandom(30)
        r = phone.invite(offer(41000, proto, ("1 AES_CM_128_HMAC_SHA1_80 " + inline(key),)))
        assert r.status == status, "%s offer to %s: %s" % (proto, number, r.start_line)
        if status == 488:
            assert gw.calls() == []
            reason = r.start_line
            assert ("SRTP is required" in reason) if number == REQUIRE else ("disabled" in reason), reason
        else:
            assert r.sdp()["proto"] == "RTP/AVP" and "a=crypto" not in r.body, r.body
            assert phone.bye().status == 200
    finally:
        phone.close()


def test_savp_offer_without_a_usable_key_gets_488(gateway_factory):
    gw = gateway_factory(TRUNKS)
    phone = Phone(gw, ALLOW)
    try:
        r = phone.invite(offer(41000, crypto=("1 AES_256_CM_HMAC_SHA1_80 " + inline(os.urandom(46)),
                                              "2 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=")))
        assert r.status == 488 and "no usable a=crypto" in r.start_line, r.start_line
    finally:
        phone.close()
