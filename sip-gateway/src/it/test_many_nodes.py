"""Two gateway processes sharing one real redis-server (the `redis` section): trunks and dispatch rules created
through one node's SIP API are served by the other, and call control sent to the node that does not hold the call
acts on it. Real parts throughout: livekit-server, the tone agent, the livekit-api client, sipp, RTP sockets.

Run with the venv python (requirements.txt): `.venv/bin/python -m pytest -q sip-gateway/src/it/test_many_nodes.py`.
Needs `redis-server` (Debian package redis-server; test.sh installs it).
"""
import datetime
import shutil
import socket
import subprocess
import time

import pytest

from it_harness import HOST, assert_sipp_ok, free_port, start_media_call, wait_until
from it_livekit import AGENT_NAME, API_KEY, API_SECRET, api_call, livekit_direct_overrides
from test_livekit_control import (TRANSFER_TARGET, TRUNK_NUMBER, _agent_room_result, _caller, _rand,
                                  _silence_in_background, _sip_lists, _transfer, _wait_active)


class RedisServer:
    """A redis-server of its own on a free port of 127.0.0.1, files (append-only, so a restart keeps the data) in
    `folder`; `address` is "host:port"."""

    def __init__(self, folder):
        self.exe = shutil.which("redis-server")
        if self.exe is None:
            pytest.fail("redis-server is not installed (apt-get install -y redis-server; test.sh does it)")
        self.port = free_port(udp=False, tcp=True)
        self.address = "%s:%d" % (HOST, self.port)
        self.folder = folder
        folder.mkdir()
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [self.exe, "--port", str(self.port), "--bind", HOST, "--dir", str(self.folder), "--save", "",
             "--appendonly", "yes"], stdout=open(self.folder / "redis.log", "ab"), stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)

        def accepting():
            try:
                with socket.create_connection((HOST, self.port), 0.2):
                    return True
            except OSError:
                assert self.proc.poll() is None, "redis-server exited: " + (self.folder / "redis.log").read_text()
                return False
        wait_until(accepting, 10, 0.02, "redis-server to accept connections")
        return self

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None


@pytest.fixture
def redis_process(tmp_path):
    r = RedisServer(tmp_path / "redis").start()
    yield r
    r.stop()


@pytest.fixture
def redis_server(redis_process):
    return redis_process.address


def _routing_changed_at(gw):
    """Epoch seconds of the gateway's log lines "SIP API changed the routing" (its own clock, which both nodes
    share on this machine): the instant the node swapped its routing."""
    out = []
    for line in gw.log_text().splitlines():
        if "SIP API changed the routing" in line:
            stamp = line.split(" ", 1)[0]
            out.append(datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())
    return out


def _node(server, redis, **extra):
    ov = {"livekit": {"url": server.ws_url, "apiKey": API_KEY, "apiSecret": API_SECRET},
          "redis": {"address": redis, "keyPrefix": "it%s:" % _rand()}}
    ov.update(extra)
    return ov


def test_trunk_and_rule_created_on_node_a_route_a_call_into_node_b(redis_server, lk, gateway_factory, sipp,
                                                                     rtp_peer):
    server, agent = lk
    shared = _node(server, redis_server, trunks={"inbound": [], "outbound": []}, dispatchRules=[])
    node_a = gateway_factory(shared)
    node_b = gateway_factory(shared)  # same redis and key prefix, its own dataDir (its own work folder)
    assert _sip_lists(node_b.base_url) == ([], [], [])
    prefix = "nodes-%s-" % _rand()

    async def create(lk_, api):
        tin = await lk_.sip.create_inbound_trunk(api.CreateSIPInboundTrunkRequest(trunk=api.SIPInboundTrunkInfo(
            name="shared-in", numbers=[TRUNK_NUMBER], allowed_addresses=["127.0.0.1/32"])))
        rule = await lk_.sip.create_dispatch_rule(api.CreateSIPDispatchRuleRequest(
            dispatch_rule=api.SIPDispatchRuleInfo(
                name="shared-rule",
                rule=api.SIPDispatchRule(dispatch_rule_individual=api.SIPDispatchRuleIndividual(room_prefix=prefix)),
                trunk_ids=[tin.sip_trunk_id],
                room_config=api.RoomConfiguration(agents=[api.RoomAgentDispatch(agent_name=AGENT_NAME)]))))
        return tin, rule
    tin, rule = api_call(node_a.base_url, create)

    def b_serves_them():
        lin, _, lrules = _sip_lists(node_b.base_url)
        return [t.sip_trunk_id for t in lin] == [tin.sip_trunk_id] and \
            [r.sip_dispatch_rule_id for r in lrules] == [rule.sip_dispatch_rule_id]
    wait_until(b_serves_them, 5, 0.02, "node B to list the trunk and rule created on node A")
    # node A swapped its routing when it wrote the rule (its 2nd change); node B when it read it from Redis
    wait_until(lambda: len(_routing_changed_at(node_a)) >= 2 and _routing_changed_at(node_b), 5, 0.05,
               "both nodes to log their routing change")
    a_at, b_at = _routing_changed_at(node_a)[1], _routing_changed_at(node_b)[-1]
    seen_after = b_at - a_at
    assert seen_after <= 1.0, "node B swapped its routing %.3f s after node A wrote the rule" % seen_after

    # a call into node B follows the trunk and rule created on node A
    caller = _caller()
    peer = rtp_peer("PCMU", 20)
    run, _ = start_media_call(sipp, node_b, peer, "uac_lk_call.xml", service=TRUNK_NUMBER, pause_ms=4000,
                              keys={"caller": caller, "callsid": "CA9", "accountsid": "AC9"})
    _silence_in_background(peer, 3.5)
    r = _agent_room_result(agent, prefix + caller + "_", lambda r: r["participant"] is not None)
    run.wait(30)
    assert_sipp_ok(run)
    attrs = r["participant"]["attributes"]
    assert attrs.get("sip.trunkID") == tin.sip_trunk_id and attrs.get("sip.ruleID") == rule.sip_dispatch_rule_id, \
        "the call into node B must follow node A's trunk %s and rule %s: %r" % (
            tin.sip_trunk_id, rule.sip_dispatch_rule_id, attrs)

    # a delete on node B is gone from node A as well
    async def delete(lk_, api):
        await lk_.sip.delete_dispatch_rule(api.DeleteSIPDispatchRuleRequest(
            sip_dispatch_rule_id=rule.sip_dispatch_rule_id))
    api_call(node_b.base_url, delete)
    wait_until(lambda: _sip_lists(node_a.base_url)[2] == [], 5, 0.02, "node A to drop the rule node B deleted")
    print("node B swapped its routing %.3f s after node A wrote the rule" % seen_after)


def _call_on_node_a(server, redis, gateway_factory, sipp, rtp_peer, room_probe, scenario, tag, pause_ms=8000):
    """A call held by node A (direct rule into the probe's room); node B shares A's redis and holds nothing."""
    room = "nodes-%s-%s" % (tag, _rand())
    probe = room_probe(server, room)
    prefix = "it%s:" % _rand()
    ov_a = livekit_direct_overrides(server, room)
    ov_a["redis"] = {"address": redis, "keyPrefix": prefix}
    node_a = gateway_factory(ov_a)
    node_b = gateway_factory({"livekit": ov_a["livekit"], "redis": {"address": redis, "keyPrefix": prefix}})
    caller = _caller()
    peer = rtp_peer("PCMU", 20)
    run, _ = start_media_call(sipp, node_a, peer, scenario, service=TRUNK_NUMBER, pause_ms=pause_ms,
                              keys={"caller": caller, "dtmf_pt": 101, "callsid": "CA1", "accountsid": "AC1"},
                              timeout_s=30)
    identity = "sip_" + caller
    probe.wait_participant(identity, 15)
    _silence_in_background(peer, 6.0)
    _wait_active(probe, identity)
    assert not node_b.calls(), "node B must hold no call: %r" % node_b.calls()
    return node_a, node_b, run, probe, room, identity


def test_transfer_sent_to_node_b_transfers_the_call_on_node_a(redis_server, lk, gateway_factory, sipp, rtp_peer,
                                                              room_probe):
    server, _ = lk
    node_a, node_b, run, _, room, identity = _call_on_node_a(server, redis_server, gateway_factory, sipp, rtp_peer,
                                                             room_probe, "uac_lk_transfer_ok.xml", "xfer")
    from livekit import api
    asked = time.monotonic()
    resp = _transfer(node_b, room, identity)
    took = time.monotonic() - asked
    run.wait(30)
    assert_sipp_ok(run)
    refers = run.received("REFER")
    assert refers and "agent2@127.0.0.1:5099" in (refers[0].header("Refer-To") or ""), run.report()
    assert run.received("BYE"), "node A must BYE after the 200 sipfrag NOTIFY\n" + run.report()
    status = api.TransferSIPParticipantResponse.DESCRIPTOR.fields_by_name["status"].enum_type
    assert resp.status == status.values_by_name["STS_TRANSFER_SUCCESSFUL"].number, resp
    assert "relayed from node" in node_a.log_text(), node_a.log_text()[-3000:]
    node_a.wait_no_calls(10)

    # a participant no node holds: not_found from every node, quickly, not a timeout
    asked = time.monotonic()
    with pytest.raises(Exception) as e:
        api_call(node_b.base_url, lambda lk_, api_: lk_.sip.transfer_sip_participant(
            api_.TransferSIPParticipantRequest(participant_identity="sip_nobody", room_name=room,
                                               transfer_to=TRANSFER_TARGET)), 20)
    assert "not_found" in str(e.value) or "not found" in str(e.value).lower(), repr(e.value)
    assert time.monotonic() - asked < 10, "not_found must come from the nodes' answers, not the timeout"
    print("TransferSIPParticipant through node B answered in %.2f s" % took)


def test_transfer_relayed_with_a_token_for_another_room_is_refused(redis_server, lk, gateway_factory, sipp,
                                                                   rtp_peer, room_probe):
    server, _ = lk
    node_a, node_b, run, _, room, identity = _call_on_node_a(server, redis_server, gateway_factory, sipp, rtp_peer,
                                                             room_probe, "uac_lk_wait_bye.xml", "xferauth",
                                                             pause_ms=6000)
    from livekit import api
    import urllib.request
    import urllib.error
    import json as _json
    # sip.call and roomAdmin, but of another room: refused before anything reaches node A (node B checks the
    # token's room against the request's; that the holder checks the token again is CallRelayTest's)
    token = api.AccessToken(API_KEY, API_SECRET).with_grants(api.VideoGrants(room_admin=True, room="other-room")) \
        .with_sip_grants(api.SIPGrants(call=True)).to_jwt()
    body = _json.dumps({"participant_identity": identity, "room_name": room, "transfer_to": TRANSFER_TARGET}).encode()
    req = urllib.request.Request(node_b.base_url + "/twirp/livekit.SIP/TransferSIPParticipant", data=body,
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=20)
    assert e.value.code == 403, (e.value.code, e.value.read())
    assert node_a.calls() and node_a.calls()[0].get("state") == "active", node_a.calls()
    assert not run.received("REFER"), run.report()
    node_a.post("/calls/%s/hangup" % node_a.calls()[0]["id"])
    run.wait(30)


def test_remove_participant_sent_to_node_b_hangs_up_the_call_on_node_a(redis_server, lk, gateway_factory, sipp,
                                                                       rtp_peer, room_probe):
    server, _ = lk
    node_a, node_b, run, probe, room, identity = _call_on_node_a(server, redis_server, gateway_factory, sipp,
                                                                 rtp_peer, room_probe, "uac_lk_wait_bye.xml", "bye")

    async def remove(lk_, api):
        await lk_.room.remove_participant(api.RoomParticipantIdentity(room=room, identity=identity))
    asked = time.monotonic()
    api_call(node_b.base_url, remove)  # node B forwards RoomService to LiveKit; node A hears the removal
    run.wait(30)
    assert_sipp_ok(run)
    assert run.received("BYE"), "node A must BYE the phone\n" + run.report()
    node_a.wait_no_calls(10)
    print("RemoveParticipant through node B: call on node A ended %.2f s later" % (time.monotonic() - asked))


def _create_rule(gw, prefix, trunk_id):
    async def create(lk_, api):
        return await lk_.sip.create_dispatch_rule(api.CreateSIPDispatchRuleRequest(
            dispatch_rule=api.SIPDispatchRuleInfo(
                rule=api.SIPDispatchRule(dispatch_rule_individual=api.SIPDispatchRuleIndividual(room_prefix=prefix)),
                trunk_ids=[trunk_id],
                room_config=api.RoomConfiguration(agents=[api.RoomAgentDispatch(agent_name=AGENT_NAME)]))))
    return api_call(gw.base_url, create)


def test_redis_lost_keeps_routing_and_changes_flow_again_when_it_is_back(redis_process, lk, gateway_factory, sipp,
                                                                         rtp_peer):
    server, agent = lk
    shared = _node(server, redis_process.address, trunks={"inbound": [], "outbound": []}, dispatchRules=[])
    node_a = gateway_factory(shared)
    node_b = gateway_factory(shared)

    async def trunk(lk_, api):
        return await lk_.sip.create_inbound_trunk(api.CreateSIPInboundTrunkRequest(trunk=api.SIPInboundTrunkInfo(
            numbers=[TRUNK_NUMBER], allowed_addresses=["127.0.0.1/32"])))
    tin = api_call(node_a.base_url, trunk)
    prefix1 = "lost1-%s-" % _rand()
    rule1 = _create_rule(node_a, prefix1, tin.sip_trunk_id)
    wait_until(lambda: [r.sip_dispatch_rule_id for r in _sip_lists(node_b.base_url)[2]] == [rule1.sip_dispatch_rule_id],
               5, 0.02, "node B to serve node A's rule")

    redis_process.stop()
    wait_until(lambda: "lost: serving the last" in node_b.log_text(), 10, 0.05, "node B to notice the loss")
    # node B routes by the last snapshot: a call into it still follows node A's rule
    caller = _caller()
    peer = rtp_peer("PCMU", 20)
    run, _ = start_media_call(sipp, node_b, peer, "uac_lk_call.xml", service=TRUNK_NUMBER, pause_ms=3000,
                              keys={"caller": caller, "callsid": "CA9", "accountsid": "AC9"})
    _silence_in_background(peer, 2.5)
    r = _agent_room_result(agent, prefix1 + caller + "_", lambda r: r["participant"] is not None)
    run.wait(30)
    assert_sipp_ok(run)
    assert r["participant"]["attributes"].get("sip.ruleID") == rule1.sip_dispatch_rule_id, r
    # changes are refused meanwhile, with an error rather than a hang
    with pytest.raises(Exception) as e:
        _create_rule(node_a, "refused-", tin.sip_trunk_id)
    assert "internal" in str(e.value) or "redis" in str(e.value), repr(e.value)

    redis_process.start()  # same data (append-only file)
    wait_until(lambda: "back: resyncing" in node_b.log_text(), 20, 0.05, "node B to reconnect")

    def created_again():
        try:
            return _create_rule(node_a, "lost2-%s-" % _rand(), tin.sip_trunk_id)
        except Exception:
            return None  # node A's own connection may come back a moment later
    rule2 = wait_until(created_again, 20, 0.2, "node A to write again")
    wait_until(lambda: rule2.sip_dispatch_rule_id in [x.sip_dispatch_rule_id for x in _sip_lists(node_b.base_url)[2]],
               5, 0.02, "node B to serve the rule written after the return")
    log_b = node_b.log_text()
    assert log_b.count("lost: serving the last") == 1 and log_b.count("back: resyncing") == 1, \
        "one line for the loss and one for the return:\n" + "\n".join(
            l for l in log_b.splitlines() if "redis" in l.lower())[-3000:]
