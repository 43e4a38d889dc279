"""SDES-SRTP on an outbound call (CreateSIPParticipant through the gateway's SIP API, real livekit-server): an
outbound trunk with `media_encryption: SIP_MEDIA_ENCRYPT_ALLOW` offers RTP/SAVP with one key per suite, as
LiveKit's SIP service does; the callee here is a raw UDP SIP UAS that answers with the _32 suite and its own key,
then talks SRTP through libSRTP (pylibsrtp). Before this change the gateway offered plain RTP/AVP only.

Run with the venv python (requirements.txt), like the other LiveKit tests."""
import base64
import random
import socket
import threading
import time

from it_harness import HOST, SipMessage, wait_until
from it_livekit import API_KEY, API_SECRET, api_call
from test_srtp import TONE_HZ, SrtpPeer, inline

SUITE = "AES_CM_128_HMAC_SHA1_32"


class RawUas:
    """Answers one INVITE with a given SDP and 200 to BYE, on one UDP socket."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((HOST, 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.tag = "%08x" % random.getrandbits(32)

    def receive(self, method, wait=20.0):
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                data, addr = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            m = SipMessage("received", None, data.decode("utf-8", "replace"))
            if not m.is_response and m.method == method:
                return m, addr
        raise AssertionError("no %s within %.0f s" % (method, wait))

    def respond(self, request, addr, status, reason, body=""):
        hdrs = [("Via", v) for v in request.header_all("Via")]
        to = request.header("To")
        hdrs += [("From", request.header("From")), ("To", to if "tag=" in to else to + ";tag=" + self.tag),
                 ("Call-ID", request.header("Call-ID")), ("CSeq", request.header("CSeq")),
                 ("Contact", "<sip:callee@%s:%d>" % (HOST, self.port))]
        if body:
            hdrs.append(("Content-Type", "application/sdp"))
        hdrs.append(("Content-Length", str(len(body.encode()))))
        data = "SIP/2.0 %d %s\r\n" % (status, reason) + "".join("%s: %s\r\n" % kv for kv in hdrs) + "\r\n" + body
        self.sock.sendto(data.encode(), addr)

    def close(self):
        self.sock.close()


def test_outbound_trunk_with_allow_offers_savp_and_talks_srtp_both_ways(livekit_server, gateway_factory):
    server = livekit_server
    gw = gateway_factory({"livekit": {"url": server.ws_url, "apiKey": API_KEY, "apiSecret": API_SECRET}})
    uas = RawUas()
    peer = SrtpPeer(SUITE)
    room = "srtp-out-%04x" % random.getrandbits(16)
    try:
        async def make_trunk(lk_, api):
            return await lk_.sip.create_outbound_trunk(api.CreateSIPOutboundTrunkRequest(trunk=api.SIPOutboundTrunkInfo(
                name="secure-termination", address="%s:%d" % (HOST, uas.port), numbers=["+15550100"],
                media_encryption=api.SIPMediaEncryption.SIP_MEDIA_ENCRYPT_ALLOW)))
        trunk = api_call(gw.base_url, make_trunk)
        assert trunk.media_encryption == 1, trunk  # stored and given back as SIP_MEDIA_ENCRYPT_ALLOW

        result = {}

        def dial():
            async def fn(lk_, api):
                return await lk_.sip.create_sip_participant(api.CreateSIPParticipantRequest(
                    sip_trunk_id=trunk.sip_trunk_id, sip_call_to="+15550199", room_name=room,
                    participant_identity="callee", wait_until_answered=True))
            try:
                result["info"] = api_call(gw.base_url, fn, 40)
            except Exception as e:  # noqa: BLE001 - reported by the assertion below
                result["error"] = e
        dialer = threading.Thread(target=dial, daemon=True)
        dialer.start()

        invite, addr = uas.receive("INVITE")
        sdp = invite.sdp()
        assert sdp["proto"] == "RTP/SAVP", "the INVITE must offer RTP/SAVP:\n" + invite.body
        cryptos = {}
        for ln in invite.body.splitlines():
            if ln.startswith("a=crypto:"):
                tag, suite, key = ln[len("a=crypto:"):].split()
                cryptos[suite] = (int(tag), key)
        assert set(cryptos) == {"AES_CM_128_HMAC_SHA1_80", SUITE}, invite.body
        tag, gw_key = cryptos[SUITE]
        assert gw_key.startswith("inline:") and "|" not in gw_key, gw_key
        peer.answer_key(base64.b64decode(gw_key[len("inline:"):]))

        answer = ("v=0\r\no=callee 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
                  "m=audio %d RTP/SAVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
                  "a=fmtp:101 0-15\r\na=ptime:20\r\na=crypto:%d %s %s\r\na=sendrecv\r\n"
                  % (HOST, HOST, peer.port, tag, SUITE, inline(peer.key)))
        uas.respond(invite, addr, 200, "OK", answer)
        dialer.join(30)
        assert "info" in result, "CreateSIPParticipant failed: %r" % result.get("error")

        peer.remote = (HOST, sdp["port"])
        peer.send_tone(TONE_HZ, 1.0)
        wait_until(lambda: len(peer.packets()) >= 25, 10, message=">= 25 SRTP packets from the gateway decrypted")
        media = wait_until(lambda: (gw.calls() or [{}])[0].get("media"), 5, message="call media")
        print("outbound srtp: offered %r, decrypted %d, undecryptable %d, media %r"
              % (sorted(cryptos), len(peer.packets()), peer.undecryptable, media))
        assert peer.undecryptable == 0
        assert media["srtp"] == SUITE and media["packetsIn"] >= 40 and media["srtpAuthFailures"] == 0, media
    finally:
        peer.close()
        uas.close()
