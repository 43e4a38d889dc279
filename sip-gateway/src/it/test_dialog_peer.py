"""In-dialog requests must come from the dialog's peer: a BYE (or re-INVITE) that names a live call's Call-ID and
tags, sent from another address, gets 403 and leaves the call up. The Call-ID and tags travel in clear over UDP,
so knowing them proves nothing; before the fix such a BYE ended the call.

The phone here is a raw UDP SIP user agent on 127.0.0.1, and the attacker is a socket on 127.0.0.2 (Linux routes
all of 127/8 to lo)."""
import random
import socket
import time

from it_harness import HOST, SipMessage

ATTACKER = "127.0.0.2"


class RawPhone:
    """Just enough of a UAC to hold one dialog: INVITE (with SDP), ACK, BYE, on one socket."""

    def __init__(self, gw, bind_host=HOST):
        self.gw = gw
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((bind_host, 0))
        self.sock.settimeout(0.2)
        self.host, self.port = self.sock.getsockname()
        self.call_id = "peer-%08x@%s" % (random.getrandbits(32), self.host)
        self.from_tag = "%08x" % random.getrandbits(32)
        self.to_tag = None
        self.cseq = 1

    def request(self, method, cseq, body="", sock=None, to_tag=True):
        sock = sock or self.sock
        lhost, lport = sock.getsockname()
        to = "<sip:service@%s:%d>" % (HOST, self.gw.sip_port) + (";tag=%s" % self.to_tag if to_tag and self.to_tag else "")
        hdrs = [("Via", "SIP/2.0/UDP %s:%d;branch=z9hG4bK%08x;rport" % (lhost, lport, random.getrandbits(32))),
                ("Max-Forwards", "70"),
                ("From", "<sip:+15550001111@%s:%d>;tag=%s" % (self.host, self.port, self.from_tag)),
                ("To", to), ("Call-ID", self.call_id), ("CSeq", "%d %s" % (cseq, method)),
                ("Contact", "<sip:phone@%s:%d>" % (self.host, self.port))]
        if body:
            hdrs.append(("Content-Type", "application/sdp"))
        hdrs.append(("Content-Length", str(len(body.encode()))))
        ruri = "sip:service@%s:%d" % (HOST, self.gw.sip_port)
        data = ("%s %s SIP/2.0\r\n" % (method, ruri) + "".join("%s: %s\r\n" % kv for kv in hdrs) + "\r\n" + body)
        sock.sendto(data.encode(), (HOST, self.gw.sip_port))

    def final(self, sock=None, cseq_method=None, wait=10.0):
        sock = sock or self.sock
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                pkt, _ = sock.recvfrom(65535)
            except socket.timeout:
                continue
            m = SipMessage("received", None, pkt.decode("utf-8", "replace"))
            if m.is_response and m.status >= 200 and (cseq_method is None or m.cseq_method == cseq_method):
                return m
        return None

    def invite(self):
        sdp = ("v=0\r\no=phone 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio 40998 RTP/AVP 0\r\n"
               "a=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n" % (self.host, self.host))
        self.request("INVITE", 1, sdp, to_tag=False)
        ok = self.final(cseq_method="INVITE")
        assert ok is not None and ok.status == 200, ok.start_line if ok else "no final response to the INVITE"
        self.to_tag = ok.header("To").split("tag=")[1].split(";")[0]
        self.request("ACK", 1)
        return ok

    def close(self):
        self.sock.close()


def test_a_bye_from_another_address_is_refused_and_the_call_stays_up(gateway_factory):
    gw = gateway_factory()
    phone = RawPhone(gw)
    attacker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    attacker.bind((ATTACKER, 0))
    attacker.settimeout(0.2)
    try:
        phone.invite()
        call = gw.wait_call("active", 10)
        # the forged BYE: the right Call-ID, both tags, a later CSeq, from 127.0.0.2
        phone.request("BYE", 2, sock=attacker)
        forged = phone.final(sock=attacker, wait=5)
        assert forged is not None and forged.status == 403, forged.start_line if forged else "no answer"
        phone.request("INVITE", 3, sock=attacker)       # nor may it re-INVITE the call elsewhere
        assert phone.final(sock=attacker, wait=5).status == 403
        assert [c["id"] for c in gw.calls()] == [call["id"]], "the call must survive the forged requests"
        phone.request("BYE", 4)                          # the phone's own BYE still ends it
        real = phone.final(cseq_method="BYE")
        assert real is not None and real.status == 200, real.start_line if real else "no answer"
        gw.wait_no_calls(10)
        assert "in-dialog request(s) from addresses that are not their dialog's peer" in gw.log_text()
    finally:
        attacker.close()
        phone.close()
