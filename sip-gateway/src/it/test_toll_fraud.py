"""Toll fraud: per-trunk destination allow-lists and call caps, against the real gateway process.

- Outbound (CreateSIPParticipant through the gateway's SIP API, real livekit-server for the room): the carrier is
  the test's own UDP socket (`FakeCarrier`), which records every INVITE it gets, so "no INVITE left the gateway"
  is read off the wire.
- Transfers: a sipp phone on an inbound trunk; the HTTP API, LiveKit's TransferSIPParticipant and the room's
  `sip.transfer` RPC (a real rtc participant of the test) ask for disallowed targets; sipp's message log shows
  which REFERs arrived.

Run with the venv python (requirements.txt): `.venv/bin/python -m pytest -q sip-gateway/src/it/test_toll_fraud.py`.
"""
import random
import re
import socket
import threading

import pytest

from it_harness import HOST, assert_sipp_ok, only_call, wait_until
from it_livekit import API_KEY, API_SECRET, api_call
from test_livekit_control import TRANSFER_TARGET, _direct_call, _silence_in_background, _wait_active

CALLER_ID = "+15550100"
PREMIUM = "+882161234567"        # an international premium / satellite range: a classic toll-fraud target
ALLOWED = ["+1555*", "+4420*"]  # what the test's outbound trunk may dial


def _rand():
    return "%04x" % random.getrandbits(16)


class FakeCarrier:
    """A SIP 'carrier' on a UDP socket of 127.0.0.1: answers each new INVITE with 100 Trying (so the gateway stops
    retransmitting), records (called user, Call-ID) once per Call-ID, answers 486 when asked (or at once with
    `busy=True`), and ignores ACKs. Thread-safe reads."""

    def __init__(self, busy=False):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((HOST, 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.busy = busy
        self._lock = threading.Lock()
        self._invites = {}  # Call-ID -> (user, request text, source)
        self._order = []
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="fake-carrier", daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop:
            try:
                data, src = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            text = data.decode("utf-8", "replace")
            if not text.startswith("INVITE "):
                continue
            m = re.match(r"INVITE sips?:([^@;> ]+)@", text)
            call_id = self._header(text, "Call-ID") or self._header(text, "i")
            with self._lock:
                if call_id not in self._invites:
                    self._invites[call_id] = (m.group(1) if m else "?", text, src)
                    self._order.append(call_id)
            self._reply(text, src, "100 Trying", tag=False)
            if self.busy:
                self._reply(text, src, "486 Busy Here", tag=True)

    @staticmethod
    def _header(text, name):
        m = re.search(r"^%s\s*:\s*(.+?)\r?$" % re.escape(name), text, re.M | re.I)
        return m.group(1).strip() if m else None

    def _reply(self, text, src, status, tag):
        head = text.split("\r\n\r\n", 1)[0].split("\r\n")
        keep = [h for h in head[1:] if re.match(r"(?i)(via|v|from|f|call-id|i|cseq)\s*:", h)]
        to = next((h for h in head[1:] if re.match(r"(?i)(to|t)\s*:", h)), "To: <sip:x@%s>" % HOST)
        if tag:
            to += ";tag=carrier%s" % _rand()
        lines = ["SIP/2.0 " + status] + keep + [to, "Content-Length: 0", "", ""]
        self.sock.sendto("\r\n".join(lines).encode(), src)

    def answer_busy(self, call_id):
        with self._lock:
            user, text, src = self._invites[call_id]
        self._reply(text, src, "486 Busy Here", tag=True)

    def called(self):
        """[(user, Call-ID)] in order of arrival, one per call."""
        with self._lock:
            return [(self._invites[c][0], c) for c in self._order]

    def wait_called(self, user, timeout=20.0):
        return wait_until(lambda: next((c for u, c in self.called() if u == user), None), timeout, 0.05,
                          "an INVITE for %s at the fake carrier" % user)

    def close(self):
        self._stop = True
        self.sock.close()
        self._thread.join(2)


@pytest.fixture
def carriers():
    made = []

    def make(**kw):
        c = FakeCarrier(**kw)
        made.append(c)
        return c
    yield make
    for c in made:
        c.close()


def _dial(gw, trunk_id, to, room, wait=False, timeout=30):
    async def fn(lk_, api):
        return await lk_.sip.create_sip_participant(api.CreateSIPParticipantRequest(
            sip_trunk_id=trunk_id, sip_call_to=to, room_name=room, participant_identity="callee-" + _rand(),
            wait_until_answered=wait))
    return api_call(gw.base_url, fn, timeout)


def _refused(gw, trunk_id, to, room):
    from livekit import api
    with pytest.raises(api.TwirpError) as ei:
        _dial(gw, trunk_id, to, room)
    return ei.value


def _outbound_gateway(server, gateway_factory, trunks):
    return gateway_factory({"livekit": {"url": server.ws_url, "apiKey": API_KEY, "apiSecret": API_SECRET},
                            "trunks": {"outbound": trunks}})


# =========================================================================== outbound: allow-list and caps
def test_create_sip_participant_outside_allowed_destinations_sends_no_invite(lk, gateway_factory, carriers):
    """A premium number, a number of an allowed country but outside its prefix, and the same premium number in
    national form are refused with permission_denied and one WARNING line each; no INVITE for them reaches the
    carrier, while an allowed number dialled afterwards through the same trunk does reach it."""
    server, _ = lk
    carrier = carriers(busy=True)
    gw = _outbound_gateway(server, gateway_factory, [{"trunk": {
        "name": "carrier", "sip_trunk_id": "ST_carrier", "address": "%s:%d" % (HOST, carrier.port),
        "numbers": [CALLER_ID], "allowed_destinations": ALLOWED}}])
    room = "fraud-" + _rand()
    refusals = {}
    for to in (PREMIUM, "+15560100", "00882161234567"):
        e = _refused(gw, "ST_carrier", to, room)
        refusals[to] = (e.code, e.status, e.message)
        assert e.code == "permission_denied" and e.status == 403, refusals[to]
        assert to in e.message and "allowed_destinations" in e.message and "carrier" in e.message, refusals[to]

    _dial(gw, "ST_carrier", "+15550199", room)
    carrier.wait_called("+15550199")
    users = [u for u, _ in carrier.called()]
    assert users == ["+15550199"], "only the allowed number may reach the carrier, got INVITEs for %r" % users
    log = gw.log_text()
    for to in refusals:
        lines = [l for l in log.splitlines() if "outbound call refused" in l and "to=" + to + " " in l]
        assert len(lines) == 1 and "trunk=carrier" in lines[0], "one WARNING line per refusal for %s: %r" % (
            to, lines)
    print("refused: %r; INVITEs at the carrier: %r" % (refusals, users))


def test_max_concurrent_calls_and_max_calls_per_minute(lk, gateway_factory, carriers):
    """Trunk `one-at-a-time` (max_concurrent_calls: 1): while its first call rings, a second is refused with
    resource_exhausted and sends no INVITE; once the carrier answers 486 and the call has ended, the next call is
    admitted. Trunk `two-a-minute` (max_calls_per_minute: 2, the carrier answers 486 at once): two calls go out,
    the third within the minute is refused although none is up."""
    server, _ = lk
    ringing = carriers()
    busy = carriers(busy=True)
    gw = _outbound_gateway(server, gateway_factory, [
        {"trunk": {"name": "one-at-a-time", "sip_trunk_id": "ST_one", "address": "%s:%d" % (HOST, ringing.port),
                   "numbers": [CALLER_ID], "allowed_destinations": ["*"], "max_concurrent_calls": 1}},
        {"trunk": {"name": "two-a-minute", "sip_trunk_id": "ST_two", "address": "%s:%d" % (HOST, busy.port),
                   "numbers": [CALLER_ID], "allowed_destinations": ["*"], "max_calls_per_minute": 2}}])
    room = "caps-" + _rand()

    _dial(gw, "ST_one", "+15550101", room)
    first = ringing.wait_called("+15550101")
    e = _refused(gw, "ST_one", "+15550102", room)
    assert e.code == "resource_exhausted" and e.status == 429, (e.code, e.status, e.message)
    assert "one-at-a-time" in e.message and "max_concurrent_calls 1" in e.message, e.message
    ringing.answer_busy(first)
    gw.wait_no_calls(15)
    _dial(gw, "ST_one", "+15550103", room)
    ringing.wait_called("+15550103")
    assert [u for u, _ in ringing.called()] == ["+15550101", "+15550103"], ringing.called()

    for to in ("+15550201", "+15550202"):
        _dial(gw, "ST_two", to, room)
        busy.wait_called(to)
    wait_until(lambda: not [c for c in gw.calls() if c.get("trunk") == "ST_two"], 15, 0.1,
               "the busy calls of ST_two to end")
    e = _refused(gw, "ST_two", "+15550203", room)
    assert e.code == "resource_exhausted" and "max_calls_per_minute 2" in e.message, (e.code, e.message)
    assert [u for u, _ in busy.called()] == ["+15550201", "+15550202"], busy.called()
    log = gw.log_text()
    assert "trunk=one-at-a-time to=+15550102 (resource_exhausted)" in log, log[-3000:]
    assert "trunk=two-a-minute to=+15550203 (resource_exhausted)" in log, log[-3000:]


def test_api_created_trunk_follows_trunks_defaults(lk, gateway_factory, carriers):
    """LiveKit's SIPOutboundTrunkInfo has no allow-list field, so a trunk created through the SIP API (sip.admin)
    is held to trunks.defaults: a sip.call token cannot dial a premium number through it."""
    server, _ = lk
    carrier = carriers(busy=True)
    gw = gateway_factory({"livekit": {"url": server.ws_url, "apiKey": API_KEY, "apiSecret": API_SECRET},
                          "trunks": {"outbound": [], "defaults": {"allowed_destinations": ALLOWED}}})

    async def create(lk_, api):
        return await lk_.sip.create_outbound_trunk(api.CreateSIPOutboundTrunkRequest(trunk=api.SIPOutboundTrunkInfo(
            name="api-carrier", address="%s:%d" % (HOST, carrier.port), numbers=[CALLER_ID])))
    trunk = api_call(gw.base_url, create)
    room = "fraud-api-" + _rand()
    e = _refused(gw, trunk.sip_trunk_id, PREMIUM, room)
    assert e.code == "permission_denied" and "api-carrier" in e.message, (e.code, e.message)
    _dial(gw, trunk.sip_trunk_id, "+442079460000", room)
    carrier.wait_called("+442079460000")
    assert [u for u, _ in carrier.called()] == ["+442079460000"], carrier.called()


# =========================================================================== transfers
TRANSFER_RULES = ["*@127.0.0.1", "+4420*"]  # the test's PBX host, and London numbers as tel:
REFUSED_TARGETS = ["tel:" + PREMIUM, "sip:+19005550100@evil.example.net", "sip:%2B882161234567@evil.example.net"]


def _inbound_trunk_with_transfer_rules():
    return {"inbound": [{"trunk": {"name": "test", "numbers": ["+15550100", "service"],
                                   "allowed_addresses": ["127.0.0.1/32"],
                                   "allowed_transfer_destinations": TRANSFER_RULES}}]}


def test_http_transfer_outside_allowed_transfer_destinations_is_403_and_sends_no_refer(gateway_factory, sipp):
    """POST /calls/{id}/transfer to each refused target -> 403 JSON naming the list, one WARNING line each, the call
    stays up and no REFER reaches the phone; then an allowed target (on the PBX host) gets the one REFER."""
    gw = gateway_factory({"trunks": _inbound_trunk_with_transfer_rules()})
    run = sipp.start("uac_transfer_ok.xml", gw)
    call = only_call(gw)
    for target in REFUSED_TARGETS:
        status, body, _ = gw.post("/calls/%s/transfer" % call["id"], {"to": target})
        assert status == 403, (target, status, body)
        assert "allowed_transfer_destinations" in body.get("error", ""), body
    assert gw.calls()[0]["state"] == "active" and gw.calls()[0]["transfer"] is None, gw.calls()
    status, body, _ = gw.post("/calls/%s/transfer" % call["id"], {"to": "sip:agent2@127.0.0.1"})
    assert status == 202, (status, body)
    run.wait(30)
    assert_sipp_ok(run)
    refer_to = [m.header("Refer-To") for m in run.received("REFER")]
    assert len(refer_to) == 1 and "agent2@127.0.0.1" in refer_to[0], \
        "exactly one REFER, for the allowed target: %r" % refer_to
    refused_lines = [l for l in gw.log_text().splitlines() if "transfer refused" in l]
    assert len(refused_lines) == len(REFUSED_TARGETS), refused_lines
    gw.wait_no_calls(5)


def test_rpc_and_api_transfer_outside_allowed_transfer_destinations_send_no_refer(lk, gateway_factory, sipp,
                                                                                 rtp_peer, room_probe):
    """Any participant of the room can ask the phone participant for sip.transfer: a premium tel: target is an RPC
    error; TransferSIPParticipant to a foreign SIP host is permission_denied; the call stays up and no REFER is
    sent. The allowed PBX target then transfers as before."""
    server, _ = lk
    trunks = _inbound_trunk_with_transfer_rules()
    import test_livekit_control as ctl

    def factory(overrides):
        overrides = dict(overrides)
        overrides["trunks"] = trunks
        return gateway_factory(overrides)
    c = _direct_call(server, factory, sipp, rtp_peer, room_probe, "uac_lk_transfer_ok.xml", "fraudxfer",
                     timeout_s=40)
    _silence_in_background(c.peer, 4.0)
    _wait_active(c.probe, c.identity)

    r = c.probe.perform_rpc(c.identity, "sip.transfer", REFUSED_TARGETS[0], response_timeout=10)
    assert r[0] == "error" and "allowed_transfer_destinations" in "%s %s" % (r[2], r[3]), r
    from livekit import api
    with pytest.raises(api.TwirpError) as ei:
        async def fn(lk_, api_):
            return await lk_.sip.transfer_sip_participant(api_.TransferSIPParticipantRequest(
                participant_identity=c.identity, room_name=c.room, transfer_to=REFUSED_TARGETS[1]))
        api_call(c.gw.base_url, fn, 20)
    e = ei.value
    assert e.code == "permission_denied" and "allowed_transfer_destinations" in e.message, (e.code, e.message)
    assert c.gw.calls() and c.gw.calls()[0]["state"] == "active", c.gw.calls()

    resp = ctl._transfer(c.gw, c.room, c.identity)  # TRANSFER_TARGET is on 127.0.0.1: allowed
    c.run.wait(40)
    assert_sipp_ok(c.run)
    refer_to = [m.header("Refer-To") for m in c.run.received("REFER")]
    assert len(refer_to) == 1 and "agent2@127.0.0.1:5099" in refer_to[0], \
        "exactly one REFER, for %s: %r" % (TRANSFER_TARGET, refer_to)
    print("RPC -> %r; Twirp -> %s %r; allowed transfer -> %r" % (r, e.code, e.message, resp))
