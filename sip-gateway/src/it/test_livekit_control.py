"""Call control between the phone and the room, and LiveKit's SIP API served by the gateway, all with real parts:
a real livekit-server, a plain rtc participant of the test (`RoomProbe`, standing in for an agent that sends DTMF
and performs RPC), the real tone agent (livekit-agents worker Quinn_353) where a dispatched agent is needed, the
real `livekit-api` client pointed at the gateway's HTTP port, sipp as the phone (or as Twilio's termination for
outbound calls) and the test's RTP sockets.

Run with the venv python (requirements.txt): `.venv/bin/python -m pytest -q sip-gateway/src/it/test_livekit_control.py`.
"""
import json
import random
import threading
import time
import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest

from it_harness import (HOST, assert_sipp_ok, digest_expected, parse_digest, start_media_call, wait_until)
from it_livekit import (AGENT_NAME, AGENT_TONE_HZ, API_KEY, API_SECRET, api_call, livekit_direct_overrides)
from it_media import analyse_audio, telephone_events

TRUNK_NUMBER = "+15550100"  # a number of the default inbound trunk (it_harness.DEFAULT_TRUNKS)
TRANSFER_TARGET = "sip:agent2@127.0.0.1:5099"
DTMF_CODES = {"0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9, "*": 10, "#": 11}


def _rand():
    return "%04x" % random.getrandbits(16)


def _caller():
    return "+1555030%04d" % random.randrange(10000)


def _ts(dt):
    """sipp's naive local datetime -> epoch seconds."""
    return time.mktime(dt.timetuple()) + dt.microsecond / 1e6


def _livekit_only(server, **extra):
    ov = {"livekit": {"url": server.ws_url, "apiKey": API_KEY, "apiSecret": API_SECRET}}
    ov.update(extra)
    return ov


def _direct_call(server, gateway_factory, sipp, rtp_peer, room_probe, scenario, tag, *, pause_ms=8000,
                 dtmf_pt=101, timeout_s=40):
    """The test's participant joins room ctl-<tag>-<random>; a gateway whose direct rule puts every call there;
    one sipp call from a fresh caller number, answered, with the RTP peer aimed at the gateway. The phone
    participant (sip_<caller>) is in the room when this returns."""
    room = "ctl-%s-%s" % (tag, _rand())
    probe = room_probe(server, room)
    gw = gateway_factory(livekit_direct_overrides(server, room))
    caller = _caller()
    peer = rtp_peer("PCMU", 20, dtmf_pt=dtmf_pt)
    run, port = start_media_call(sipp, gw, peer, scenario, service=TRUNK_NUMBER, pause_ms=pause_ms,
                                 keys={"caller": caller, "dtmf_pt": dtmf_pt}, timeout_s=timeout_s)
    identity = "sip_" + caller
    probe.wait_participant(identity, 15)
    return SimpleNamespace(room=room, probe=probe, gw=gw, caller=caller, identity=identity, peer=peer, run=run,
                           port=port)


def _wait_active(probe, identity, timeout=15.0):
    """Until the phone participant's sip.callStatus is active (the gateway's media and data channels are up)."""
    def active():
        for e in reversed(probe.events()):
            if e.get("identity") == identity and "attributes" in e:
                return e["attributes"].get("sip.callStatus") == "active"
        return False
    wait_until(active, timeout, 0.05, "sip.callStatus=active of %s" % identity)


def _silence_in_background(peer, seconds):
    t = threading.Thread(target=peer.send_silence, args=(seconds,), daemon=True)
    t.start()
    return t


def _assert_rfc4733(peer, pt, digits, port):
    """The phone received exactly `digits` as RFC 4733 events on payload type `pt`: one event per digit, in
    order, first packet with the marker bit (only that one), three end packets (E bit), durations not
    decreasing, from the answered port."""
    pkts = peer.packets()
    evs = telephone_events(pkts, pt)
    got = [e["event"] for e in evs]
    want = [DTMF_CODES[d] for d in digits]
    detail = [{k: e[k] for k in ("event", "events", "marker", "markers", "ends", "count", "durations")} for e in evs]
    other_pts = sorted({p.pt for p in pkts} - {0, pt})
    assert got == want, "RFC 4733 events at the phone (PT %d): %r, want %r; other PTs seen %r; events %r" % (
        pt, got, want, other_pts, detail)
    for e in evs:
        assert e["events"] == [e["event"]], "one event code per RFC 4733 event: %r" % e
        assert e["marker"] and e["markers"] == 1, "the first packet (only) carries the marker bit: %r" % detail
        assert e["ends"] == 3, "three end packets (E bit) per event: %r" % detail
        assert e["durations"] == sorted(e["durations"]), "durations must not decrease: %r" % e
    srcs = {p.src for p in pkts if p.pt == pt}
    assert srcs == {(HOST, port)}, "telephone-events must come from the answered port %d: %r" % (port, srcs)
    return evs


# =========================================================================== DTMF
def test_phone_dtmf_reaches_room_as_sip_dtmf_and_topic_packets(lk, gateway_factory, sipp, rtp_peer, room_probe):
    """RFC 4733 presses from the phone ('2' without marker bit, like some carriers) -> per press exactly one
    SipDTMF packet and one reliable user packet (topic sip_dtmf, JSON {code, digit}) from the phone participant,
    in order; '#' does not hang up a LiveKit call."""
    server, _ = lk
    c = _direct_call(server, gateway_factory, sipp, rtp_peer, room_probe, "uac_lk_dtmf_call.xml", "dtmfup",
                     pause_ms=9000)
    _wait_active(c.probe, c.identity)
    c.peer.send_silence(1.0)
    presses = (("1", True), ("2", False), ("#", True))
    for digit, marker in presses:
        c.peer.send_dtmf(digit, marker=marker)
        c.peer.send_silence(0.3)
    c.peer.send_silence(2.0)  # duplicates would arrive by now
    digits = [d for d, _ in presses]
    want = [(DTMF_CODES[d], d, c.identity) for d in digits]

    sip = [(e["code"], e["digit"], e["sender"]) for e in c.probe.events("sip_dtmf")]
    assert sip == want, "sip_dtmf_received events %r, want %r (each press exactly once, in order, from %s)" % (
        sip, want, c.identity)
    topic = [e for e in c.probe.events("data") if e["topic"] == "sip_dtmf"]
    parsed = []
    for e in topic:
        try:
            body = json.loads(e["data"])
        except ValueError:
            pytest.fail("topic sip_dtmf payload is not JSON: %r" % e)
        parsed.append((body.get("code"), body.get("digit"), e["sender"]))
    assert parsed == want, "data packets on topic sip_dtmf %r, want %r" % (topic, want)
    assert {e["kind"] for e in topic} == {"KIND_RELIABLE"}, "DTMF packets must be reliable: %r" % topic

    c.run.wait(40)
    assert_sipp_ok(c.run)
    assert not c.run.received("BYE"), "with LiveKit the gateway must not hang up on '#'"
    print("phone->room DTMF: sip_dtmf %r, topic %r" % (sip, parsed))


def test_room_dtmf_reaches_phone_as_rfc4733(lk, gateway_factory, sipp, rtp_peer, room_probe):
    """publish_dtmf from the room -> RFC 4733 telephone-events at the phone on the payload type of its offer (98,
    not 101)."""
    server, _ = lk
    pt = 98
    c = _direct_call(server, gateway_factory, sipp, rtp_peer, room_probe, "uac_lk_dtmf_call.xml", "dtmfdown",
                     pause_ms=9000, dtmf_pt=pt)
    _silence_in_background(c.peer, 8.0)
    _wait_active(c.probe, c.identity)
    time.sleep(0.5)
    digits = "15#"
    for d in digits:
        c.probe.publish_dtmf(DTMF_CODES[d], d)
        time.sleep(0.6)
    time.sleep(1.5)
    evs = _assert_rfc4733(c.peer, pt, digits, c.port)
    c.run.wait(40)
    assert_sipp_ok(c.run)
    print("room->phone DTMF: %r" % [(e["event"], e["count"], e["ends"]) for e in evs])


# =========================================================================== RPC on the phone participant
def test_rpc_sip_dtmf_plays_digits_to_phone(lk, gateway_factory, sipp, rtp_peer, room_probe):
    server, _ = lk
    c = _direct_call(server, gateway_factory, sipp, rtp_peer, room_probe, "uac_lk_dtmf_call.xml", "rpcdtmf",
                     pause_ms=10000)
    _silence_in_background(c.peer, 9.0)
    _wait_active(c.probe, c.identity)
    r1 = c.probe.perform_rpc(c.identity, "sip.dtmf", "123")
    assert r1 == ("ok", "ok"), "RPC sip.dtmf '123' -> %r" % (r1,)
    time.sleep(1.5)
    r2 = c.probe.perform_rpc(c.identity, "sip.dtmf", json.dumps({"digits": "45"}))
    assert r2 == ("ok", "ok"), "RPC sip.dtmf {\"digits\":\"45\"} -> %r" % (r2,)
    time.sleep(2.0)
    _assert_rfc4733(c.peer, 101, "12345", c.port)
    c.run.wait(40)
    assert_sipp_ok(c.run)


def test_rpc_sip_hangup_sends_bye(lk, gateway_factory, sipp, rtp_peer, room_probe):
    server, _ = lk
    c = _direct_call(server, gateway_factory, sipp, rtp_peer, room_probe, "uac_lk_dtmf_wait_bye.xml", "rpcbye",
                     timeout_s=30)
    _silence_in_background(c.peer, 6.0)
    _wait_active(c.probe, c.identity)
    asked = time.time()
    r = c.probe.perform_rpc(c.identity, "sip.hangup", "")
    c.run.wait(30)
    assert_sipp_ok(c.run)
    byes = c.run.received("BYE")
    assert byes, "sip.hangup must send BYE to the phone\n" + c.run.report()
    dt = _ts(byes[0].time) - asked
    assert dt <= 3.0, "BYE %.2f s after the RPC" % dt
    wait_until(lambda: any(e["identity"] == c.identity for e in c.probe.events("participant_disconnected")), 10,
               0.1, "the phone participant to leave the room")
    c.gw.wait_no_calls(10)
    # the caller of the RPC gets its answer (the gateway replies before it leaves the room)
    assert r == ("ok", "ok"), "RPC sip.hangup -> %r (the BYE was sent %.2f s after the request)" % (r, dt)
    print("sip.hangup -> %r, BYE after %.2f s" % (r, dt))


def test_rpc_sip_transfer_answers_transferred_after_notify_200(lk, gateway_factory, sipp, rtp_peer, room_probe):
    server, _ = lk
    c = _direct_call(server, gateway_factory, sipp, rtp_peer, room_probe, "uac_lk_transfer_ok.xml", "rpcxfer",
                     timeout_s=30)
    _silence_in_background(c.peer, 5.0)
    _wait_active(c.probe, c.identity)
    r = c.probe.perform_rpc(c.identity, "sip.transfer", TRANSFER_TARGET, response_timeout=20)
    c.run.wait(30)
    assert_sipp_ok(c.run)
    refers = c.run.received("REFER")
    assert len(refers) >= 1, c.run.report()
    assert "agent2@127.0.0.1:5099" in (refers[0].header("Refer-To") or ""), refers[0].text
    notify_200 = [m for m in c.run.sent("NOTIFY") if "SIP/2.0 200" in m.body]
    byes = c.run.received("BYE")
    assert notify_200 and byes and byes[0].time >= notify_200[0].time, \
        "BYE must follow the 200 sipfrag NOTIFY\n" + c.run.report()
    c.gw.wait_no_calls(10)
    # the agent learns the outcome: "transferred" (sent before the gateway leaves the room)
    assert r == ("ok", "transferred"), "RPC sip.transfer %r -> %r (REFER, NOTIFY 200 and BYE all happened)" % (
        TRANSFER_TARGET, r)


def test_rpc_sip_transfer_declined_is_rpc_error_and_call_stays(lk, gateway_factory, sipp, rtp_peer, room_probe):
    server, _ = lk
    c = _direct_call(server, gateway_factory, sipp, rtp_peer, room_probe, "uac_lk_transfer_fail.xml", "rpcxfail",
                     pause_ms=4000, timeout_s=40)
    _silence_in_background(c.peer, 8.0)
    _wait_active(c.probe, c.identity)
    r = c.probe.perform_rpc(c.identity, "sip.transfer", json.dumps({"to": TRANSFER_TARGET}), response_timeout=20)
    assert r[0] == "error", "a declined transfer must be an RPC error, got %r" % (r,)
    assert "603" in "%s %s" % (r[2], r[3]), "the RPC error must name the SIP status 603: %r" % (r,)
    assert c.gw.calls() and c.gw.calls()[0].get("state") == "active", "the call must stay up: %r" % c.gw.calls()
    c.run.wait(40)
    assert_sipp_ok(c.run)  # a BYE from the gateway during the pause fails the scenario
    assert not c.run.received("BYE"), "the gateway must not hang up after a failed transfer"
    refers = c.run.received("REFER")
    assert refers and "agent2@127.0.0.1:5099" in (refers[0].header("Refer-To") or ""), c.run.report()
    print("declined transfer -> RPC error %r" % (r,))


# =========================================================================== SIP API on the gateway
def test_api_on_gateway_proxies_room_service_and_checks_tokens(lk, gateway_factory):
    server, _ = lk
    gw = gateway_factory(_livekit_only(server))
    room = "proxied-" + _rand()

    async def create(lk_, api):
        return await lk_.room.create_room(api.CreateRoomRequest(name=room))
    created = api_call(gw.base_url, create)
    assert created.name == room, created

    async def names(lk_, api):
        return sorted(r.name for r in (await lk_.room.list_rooms(api.ListRoomsRequest())).rooms)
    via_gw = api_call(gw.base_url, names)
    direct = api_call(server.http_url, names)
    assert room in direct, "CreateRoom through the gateway must reach livekit-server: %r" % direct
    assert via_gw == direct, "ListRooms through the gateway %r != livekit-server's %r" % (via_gw, direct)

    async def delete(lk_, api):
        return await lk_.room.delete_room(api.DeleteRoomRequest(room=room))
    api_call(gw.base_url, delete)
    assert room not in api_call(server.http_url, names)

    # the SIP API itself refuses a token signed with another secret
    from livekit import api as lkapi
    bad = lkapi.AccessToken(API_KEY, "not-the-secret").with_sip_grants(lkapi.SIPGrants(admin=True)).to_jwt()
    req = urllib.request.Request(gw.base_url + "/twirp/livekit.SIP/ListSIPInboundTrunk", data=b"{}", method="POST",
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + bad})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            status, body = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read()
    assert status == 401, "bad signature -> %s %r" % (status, body)
    assert json.loads(body).get("code") == "unauthenticated", body


def _sip_lists(url):
    async def fn(lk_, api):
        tin = list((await lk_.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest())).items)
        tout = list((await lk_.sip.list_outbound_trunk(api.ListSIPOutboundTrunkRequest())).items)
        rules = list((await lk_.sip.list_dispatch_rule(api.ListSIPDispatchRuleRequest())).items)
        return tin, tout, rules
    return api_call(url, fn)


def _agent_room_result(agent, prefix, need, timeout=20.0):
    def get():
        for r in agent.results(prefix).values():
            if need(r):
                return r
        return None
    return wait_until(get, timeout, 0.1, "the agent's result for a room %s*" % prefix)


def _call_follows_rule(agent, sipp, gw, rtp_peer, prefix, trunk_id, rule_id):
    caller = _caller()
    peer = rtp_peer("PCMU", 20)
    run, _ = start_media_call(sipp, gw, peer, "uac_lk_call.xml", service=TRUNK_NUMBER, pause_ms=4000,
                              keys={"caller": caller, "callsid": "CA9", "accountsid": "AC9"})
    _silence_in_background(peer, 3.5)
    r = _agent_room_result(agent, prefix + caller + "_", lambda r: r["participant"] is not None)
    run.wait(30)
    assert_sipp_ok(run)
    assert r["agent_name"] == AGENT_NAME, r
    attrs = r["participant"]["attributes"]
    assert r["participant"]["identity"] == "sip_" + caller, r["participant"]
    assert attrs.get("sip.trunkID") == trunk_id and attrs.get("sip.ruleID") == rule_id, \
        "the call must follow the API-created trunk %s and rule %s: %r" % (trunk_id, rule_id, attrs)
    return r["room"]


def test_api_trunks_and_rules_crud_route_calls_and_persist(lk, gateway_factory, sipp, rtp_peer, tmp_path):
    server, agent = lk
    data_dir = tmp_path / "sip-data"
    # no trunks or rules from the config: whatever routes the call comes from the API
    ov = _livekit_only(server, trunks={"inbound": [], "outbound": []}, dispatchRules=[], dataDir=str(data_dir))
    gw1 = gateway_factory(ov)
    prefix = "api-call-%s-" % _rand()

    async def create(lk_, api):
        tin = await lk_.sip.create_inbound_trunk(api.CreateSIPInboundTrunkRequest(trunk=api.SIPInboundTrunkInfo(
            name="api-in", numbers=[TRUNK_NUMBER], allowed_addresses=["127.0.0.1/32"])))
        tout = await lk_.sip.create_outbound_trunk(api.CreateSIPOutboundTrunkRequest(trunk=api.SIPOutboundTrunkInfo(
            name="api-out", address="127.0.0.1:5099", numbers=[TRUNK_NUMBER], auth_username="gw-user",
            auth_password="gw-pass")))
        rule = await lk_.sip.create_dispatch_rule(api.CreateSIPDispatchRuleRequest(
            dispatch_rule=api.SIPDispatchRuleInfo(
                name="api-rule",
                rule=api.SIPDispatchRule(dispatch_rule_individual=api.SIPDispatchRuleIndividual(room_prefix=prefix)),
                trunk_ids=[tin.sip_trunk_id],
                room_config=api.RoomConfiguration(agents=[api.RoomAgentDispatch(agent_name=AGENT_NAME)]))))
        return tin, tout, rule
    tin, tout, rule = api_call(gw1.base_url, create)
    ids = (tin.sip_trunk_id, tout.sip_trunk_id, rule.sip_dispatch_rule_id)
    assert all(ids) and len(set(ids)) == 3, "created ids must be non-empty and distinct: %r" % (ids,)

    def check_lists(url, when):
        lin, lout, lrules = _sip_lists(url)
        assert [t.sip_trunk_id for t in lin] == [tin.sip_trunk_id], "%s: inbound trunks %r" % (when, lin)
        assert lin[0].name == "api-in" and list(lin[0].numbers) == [TRUNK_NUMBER] and \
            list(lin[0].allowed_addresses) == ["127.0.0.1/32"], "%s: %r" % (when, lin[0])
        assert [t.sip_trunk_id for t in lout] == [tout.sip_trunk_id], "%s: outbound trunks %r" % (when, lout)
        assert lout[0].name == "api-out" and lout[0].address == "127.0.0.1:5099" and \
            list(lout[0].numbers) == [TRUNK_NUMBER] and lout[0].auth_username == "gw-user", "%s: %r" % (when, lout[0])
        assert [r.sip_dispatch_rule_id for r in lrules] == [rule.sip_dispatch_rule_id], "%s: rules %r" % (when, lrules)
        lr = lrules[0]
        assert lr.rule.dispatch_rule_individual.room_prefix == prefix and list(lr.trunk_ids) == [tin.sip_trunk_id] \
            and [a.agent_name for a in lr.room_config.agents] == [AGENT_NAME], "%s: %r" % (when, lr)

    check_lists(gw1.base_url, "after create")
    room1 = _call_follows_rule(agent, sipp, gw1, rtp_peer, prefix, tin.sip_trunk_id, rule.sip_dispatch_rule_id)
    assert room1.startswith("api-call-"), room1

    # restart with the same dataDir: the entries are still there and still route calls
    gw1.stop()
    gw2 = gateway_factory(ov)
    check_lists(gw2.base_url, "after restart")
    _call_follows_rule(agent, sipp, gw2, rtp_peer, prefix, tin.sip_trunk_id, rule.sip_dispatch_rule_id)

    async def delete(lk_, api):
        await lk_.sip.delete_dispatch_rule(api.DeleteSIPDispatchRuleRequest(
            sip_dispatch_rule_id=rule.sip_dispatch_rule_id))
        await lk_.sip.delete_trunk(api.DeleteSIPTrunkRequest(sip_trunk_id=tin.sip_trunk_id))
        await lk_.sip.delete_trunk(api.DeleteSIPTrunkRequest(sip_trunk_id=tout.sip_trunk_id))
    api_call(gw2.base_url, delete)
    assert _sip_lists(gw2.base_url) == ([], [], []), "after delete: %r" % (_sip_lists(gw2.base_url),)
    gw2.stop()
    gw3 = gateway_factory(ov)
    assert _sip_lists(gw3.base_url) == ([], [], []), "deletes must persist too: %r" % (_sip_lists(gw3.base_url),)


# --------------------------------------------------------------------------- TransferSIPParticipant
def _transfer(gw, room, identity, timeout=30):
    async def fn(lk_, api):
        return await lk_.sip.transfer_sip_participant(api.TransferSIPParticipantRequest(
            participant_identity=identity, room_name=room, transfer_to=TRANSFER_TARGET))
    return api_call(gw.base_url, fn, timeout)


def test_api_transfer_sip_participant_succeeds(lk, gateway_factory, sipp, rtp_peer, room_probe):
    server, _ = lk
    c = _direct_call(server, gateway_factory, sipp, rtp_peer, room_probe, "uac_lk_transfer_ok.xml", "apixfer",
                     timeout_s=30)
    _silence_in_background(c.peer, 5.0)
    _wait_active(c.probe, c.identity)
    from livekit import api
    resp = _transfer(c.gw, c.room, c.identity)
    c.run.wait(30)
    assert_sipp_ok(c.run)
    refers = c.run.received("REFER")
    assert refers and "agent2@127.0.0.1:5099" in (refers[0].header("Refer-To") or ""), c.run.report()
    assert c.run.received("BYE"), "the gateway must BYE after the 200 sipfrag NOTIFY\n" + c.run.report()
    status = api.TransferSIPParticipantResponse.DESCRIPTOR.fields_by_name["status"].enum_type
    assert resp.status == status.values_by_name["STS_TRANSFER_SUCCESSFUL"].number, \
        "TransferSIPParticipant returned %r (status %s): livekit-api documents any status other than " \
        "STS_TRANSFER_SUCCESSFUL as 'the transfer did not complete'" % (
            resp, status.values_by_number[resp.status].name)
    c.gw.wait_no_calls(10)


def test_api_transfer_sip_participant_declined_fails_and_call_stays(lk, gateway_factory, sipp, rtp_peer,
                                                                    room_probe):
    server, _ = lk
    c = _direct_call(server, gateway_factory, sipp, rtp_peer, room_probe, "uac_lk_transfer_fail.xml", "apixfail",
                     pause_ms=4000, timeout_s=40)
    _silence_in_background(c.peer, 8.0)
    _wait_active(c.probe, c.identity)
    from livekit import api
    with pytest.raises(api.TwirpError) as ei:
        _transfer(c.gw, c.room, c.identity)
    e = ei.value
    assert "603" in "%s %r" % (e.message, e.metadata), "the error must carry the SIP status 603: %r %r" % (
        e.message, e.metadata)
    assert c.gw.calls() and c.gw.calls()[0].get("state") == "active", "the call must stay up: %r" % c.gw.calls()
    assert c.identity in {p for p in (ev["identity"] for ev in c.probe.events("participant_connected"))}
    c.run.wait(40)
    assert_sipp_ok(c.run)
    assert not c.run.received("BYE"), "the gateway must not hang up after a declined transfer"
    # livekit-api's SipCallError contract: metadata sip_status_code = the numeric SIP code
    assert isinstance(e, api.SipCallError) and e.sip_status_code == 603, \
        "TwirpError(code=%r, message=%r, metadata=%r): livekit-api exposes the failing SIP status through " \
        "metadata sip_status_code (SipCallError.sip_status_code)" % (e.code, e.message, e.metadata)


# --------------------------------------------------------------------------- CreateSIPParticipant (outbound)
REALM = "sip.twilio.test"


def _outbound_setup(server, gateway_factory, sipp, rtp_peer, scenario, password):
    gw = gateway_factory(_livekit_only(server))
    peer = rtp_peer("PCMU", 20)
    nonce = "%032x" % random.getrandbits(128)
    uas = sipp.start_uas(scenario, keys={"realm": REALM, "nonce": nonce, "rtp_port": peer.port}, timeout_s=45)
    time.sleep(0.3)  # sipp binds its socket

    async def fn(lk_, api):
        return await lk_.sip.create_outbound_trunk(api.CreateSIPOutboundTrunkRequest(trunk=api.SIPOutboundTrunkInfo(
            name="twilio-termination", address="%s:%d" % (HOST, uas.sip_port), numbers=[TRUNK_NUMBER],
            auth_username="gw-user", auth_password=password)))
    trunk = api_call(gw.base_url, fn)
    return gw, peer, uas, nonce, trunk


def _create_participant(gw, trunk, room, identity, timeout=45):
    async def fn(lk_, api):
        return await lk_.sip.create_sip_participant(api.CreateSIPParticipantRequest(
            sip_trunk_id=trunk.sip_trunk_id, sip_call_to="+15550199", room_name=room,
            participant_identity=identity, wait_until_answered=True))
    return api_call(gw.base_url, fn, timeout)


def _check_digest(uas, nonce, password):
    """The first INVITE has no credentials, the second answers the 407 challenge: same Call-ID, higher CSeq,
    Proxy-Authorization for user gw-user with our realm/nonce, qop=auth, whose response is right for `password`."""
    invites = uas.received("INVITE")
    assert len(invites) >= 2, "expected the challenged INVITE and its retry\n" + uas.report()
    first, second = invites[0], invites[-1]
    assert first.header("Proxy-Authorization") is None, first.text
    assert first.header("Call-ID") == second.header("Call-ID"), "the retry must keep the Call-ID"
    assert int(second.header("CSeq").split()[0]) > int(first.header("CSeq").split()[0]), "the retry needs a new CSeq"
    assert "+15550199" in second.start_line and "+15550100" in (second.header("From") or ""), second.text
    params = parse_digest(second.header("Proxy-Authorization") or "")
    assert params.get("username") == "gw-user" and params.get("realm") == REALM and params.get("nonce") == nonce, \
        params
    assert params.get("qop") == "auth" and params.get("cnonce") and params.get("nc"), params
    return params, params.get("response") == digest_expected(params, "INVITE", password)


def test_api_create_sip_participant_outbound_with_digest(lk, gateway_factory, sipp, rtp_peer):
    server, agent = lk
    room = "outbound-" + _rand()
    identity = "callee-" + _rand()
    gw, peer, uas, nonce, trunk = _outbound_setup(server, gateway_factory, sipp, rtp_peer, "uas_lk_auth_answer.xml",
                                                  "s3cret-pw")

    async def prepare(lk_, api):  # the room with the tone agent dispatched into it
        await lk_.room.create_room(api.CreateRoomRequest(name=room))
        return await lk_.agent_dispatch.create_dispatch(api.CreateAgentDispatchRequest(agent_name=AGENT_NAME,
                                                                                       room=room))
    api_call(server.http_url, prepare)

    def talk():  # the callee talks once it answered: 1 kHz
        port = uas.rtp_port(30)
        peer.remote = (HOST, port)
        peer.send_tone(1000, 8.0)
    threading.Thread(target=talk, daemon=True).start()

    started = time.time()
    info = _create_participant(gw, trunk, room, identity)
    answered = time.time()
    assert info.participant_identity == identity and info.room_name == room and info.sip_call_id, info
    params, ok = _check_digest(uas, nonce, "s3cret-pw")
    assert ok, "Proxy-Authorization response does not match the trunk's password: %r" % params
    ok200 = [m for m in uas.sent(200) if m.cseq_method == "INVITE"]
    assert ok200, uas.report()

    r = _agent_room_result(agent, room, lambda r: r["room"] == room and r["participant"] is not None and
                           (r["frequency_hz"] is not None or r["errors"]), 25)
    p = r["participant"]
    assert p["kind_name"] == "PARTICIPANT_KIND_SIP" and p["identity"] == identity, p
    statuses = [h["attributes"].get("sip.callStatus") for h in r["attribute_history"]]
    assert "active" in statuses, "sip.callStatus history %r must reach active" % statuses
    assert not r["errors"], r["errors"]
    assert abs(r["frequency_hz"] - 1000) <= 5, "the agent measured %.1f Hz, the callee sends 1000 Hz" % r["frequency_hz"]
    # outbound takes the uplink path of inbound calls: G.711 published (livekit.uplinkCodec auto; the callee's law
    # is unknown when the track is offered, so PCMU is offered first)
    assert r["track"]["mime_type"].lower() == "audio/pcmu", r["track"]
    assert "publishing the caller's track as PCMU/8000 (payload type 0)" in gw.log_text()

    # the agent's 600 Hz tone reaches the callee (at 50 packets/s: wait for 2 s of them, the agent may have
    # finished its analysis sooner)
    def pcmu():
        got = [p for p in peer.packets() if p.pt == 0]
        return got if len(got) >= 100 else None
    pkts = wait_until(pcmu, 10, 0.1, "100 PCMU packets at the callee")
    _, powers = analyse_audio(pkts[-100:], "PCMU", (400, 500, AGENT_TONE_HZ, 800, 1000))
    assert powers[AGENT_TONE_HZ] > 10 * max(v for f, v in powers.items() if f != AGENT_TONE_HZ), powers

    # the room goes away -> BYE to the callee
    deleted = time.time()

    async def delete(lk_, api):
        return await lk_.room.delete_room(api.DeleteRoomRequest(room=room))
    api_call(server.http_url, delete)
    uas.wait(30)
    assert_sipp_ok(uas)
    byes = uas.received("BYE")
    assert byes and _ts(byes[0].time) - deleted <= 3.0, "BYE within 3 s of DeleteRoom\n" + uas.report()
    gw.wait_no_calls(10)
    print("outbound: answered %.2f s after CreateSIPParticipant, statuses %r, %.1f Hz, BYE %.2f s after DeleteRoom"
          % (answered - started, statuses, r["frequency_hz"], _ts(byes[0].time) - deleted))


def test_api_create_sip_participant_wrong_credentials_fails(lk, gateway_factory, sipp, rtp_peer):
    server, _ = lk
    room = "outbound-bad-" + _rand()
    gw, peer, uas, nonce, trunk = _outbound_setup(server, gateway_factory, sipp, rtp_peer, "uas_lk_auth_reject.xml",
                                                  "wrong-pw")

    async def prepare(lk_, api):
        return await lk_.room.create_room(api.CreateRoomRequest(name=room))
    api_call(server.http_url, prepare)
    from livekit import api
    started = time.monotonic()
    with pytest.raises(api.TwirpError) as ei:
        _create_participant(gw, trunk, room, "callee-bad")
    took = time.monotonic() - started
    e = ei.value
    assert "403" in "%s %r" % (e.message, e.metadata), "the error must name the SIP status 403: %r %r" % (
        e.message, e.metadata)
    assert isinstance(e, api.SipCallError) and e.sip_status_code == 403, (e.code, e.message, e.metadata)
    assert took < 15, "the failure must come promptly (%.1f s)" % took
    uas.wait(30)
    assert_sipp_ok(uas)
    params, ok = _check_digest(uas, nonce, "wrong-pw")
    assert ok, "the retry must carry the trunk's (wrong) credentials: %r" % params
    assert params.get("response") != digest_expected(params, "INVITE", "s3cret-pw")
    gw.wait_no_calls(10)

    async def participants(lk_, api):
        return list((await lk_.room.list_participants(api.ListParticipantsRequest(room=room))).participants)
    assert api_call(server.http_url, participants) == [], "no participant may stay in the room after a failed dial"
    print("wrong credentials -> %s %r %r after %.2f s" % (e.code, e.message, e.metadata, took))
