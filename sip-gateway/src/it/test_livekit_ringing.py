"""The answer policy for calls into LiveKit rooms: an inbound call keeps ringing until an agent is there (a participant
other than the caller subscribes to the caller's track or publishes audio), bounded by livekit.ringingTimeoutSeconds,
after which livekit.ringingTimeoutAction answers anyway or rejects with 480. Real livekit-server, real LiveKit Python
SDK participant, real gateway, sipp as the phone. Each test prints its INVITE -> final response time.

Run with the venv python (requirements.txt): `.venv/bin/python -m pytest -q sip-gateway/src/it/test_livekit_ringing.py`.
"""
import random
import time

from it_harness import assert_sipp_ok, wait_until
from it_livekit import livekit_direct_overrides

TRUNK_NUMBER = "+15550100"  # a number of the default inbound trunk (it_harness.DEFAULT_TRUNKS)


def _room(tag):
    return "ring-%s-%04x" % (tag, random.getrandbits(16))


def _caller():
    return "+1555040%04d" % random.randrange(10000)


def _ts(dt):
    """sipp's naive local datetime -> epoch seconds."""
    return time.mktime(dt.timetuple()) + dt.microsecond / 1e6


def _config(server, room, timeout_s, action):
    cfg = livekit_direct_overrides(server, room)  # no agent dispatched: the test decides who is in the room
    cfg["livekit"].update({"ringingTimeoutSeconds": timeout_s, "ringingTimeoutAction": action})
    return cfg


def _invite_to_final(run):
    """(seconds from the INVITE sent to its final response, that response)."""
    invite = run.sent("INVITE")[0]
    final = run.final_invite_responses()[0]
    return _ts(final.time) - _ts(invite.time), final


def _call_keys(peer, caller):
    return {"caller": caller, "callsid": "CA-ring", "accountsid": "AC-ring", "rtp_port": peer.port,
            "codec_pt": peer.pt, "codec_name": peer.codec, "ptime": peer.ptime}


def test_call_rings_until_a_subscribing_agent_joins(livekit_server, gateway_factory, sipp, rtp_peer, room_probe):
    server = livekit_server
    room = _room("sub")
    # a long timeout that rejects: only the agent can get this call answered
    gw = gateway_factory(_config(server, room, 60, "reject"))
    peer = rtp_peer("PCMU", 20)
    run = sipp.start("uac_lk_call.xml", gw, service=TRUNK_NUMBER, pause_ms=1000, keys=_call_keys(peer, _caller()),
                     timeout_s=90)
    wait_until(lambda: ("caller's track published in " + room) in gw.log_text(), 30, 0.05,
               "the caller's track published in " + room)
    # the room is ready; with nobody there the phone keeps ringing
    assert not run.port_file.exists() and not run.final_invite_responses(), \
        "answered before any agent was in the room\n" + run.report()

    # the agent joins and only subscribes (auto_subscribe, publishes nothing)
    joined_at = time.time()
    room_probe(server, room, identity="listening-agent")
    run.rtp_port(30)  # the 200 OK arrived
    run.wait(30)
    assert_sipp_ok(run)
    took, final = _invite_to_final(run)
    assert final.status == 200, final.start_line
    answered_at = _ts(final.time)
    assert answered_at >= joined_at - 0.05, "answered %.2f s before the agent joined" % (joined_at - answered_at)
    assert "agent in room: a participant subscribed to the caller's track" in gw.log_text()
    print("first call, agent joins late: INVITE -> 200 %.2f s (agent connecting -> 200 %.2f s)" % (
        took, answered_at - joined_at))

    # the usual case: the agent is already in the room; the second call is answered once it has subscribed
    run2 = sipp.start("uac_lk_call.xml", gw, service=TRUNK_NUMBER, pause_ms=500, keys=_call_keys(peer, _caller()),
                      timeout_s=40)
    run2.wait(40)
    assert_sipp_ok(run2)
    took2, final2 = _invite_to_final(run2)
    assert final2.status == 200, final2.start_line
    print("second call, agent already in the room: INVITE -> 200 %.2f s" % took2)


def test_no_agent_and_reject_gives_480_after_the_ringing_timeout(livekit_server, gateway_factory, sipp):
    room = _room("rej")
    gw = gateway_factory(_config(livekit_server, room, 2, "reject"))
    run = sipp.run("uac_reject.xml", gw, service=TRUNK_NUMBER, timeout_s=30, wait_timeout=40)
    assert_sipp_ok(run)
    took, final = _invite_to_final(run)
    assert final.status == 480, "expected 480, got %r\n%s" % (final.start_line, run.report())
    assert 2.0 <= took < 12, "INVITE -> 480 took %.2f s with a 2 s ringing timeout" % took
    assert ("no agent in room %s within 2 s" % room) in gw.log_text()
    print("INVITE -> 480: %.2f s (ringingTimeoutSeconds 2, reject)" % took)
    gw.wait_no_calls(10)


def test_no_agent_and_answer_answers_after_the_ringing_timeout(livekit_server, gateway_factory, sipp, rtp_peer):
    room = _room("ans")
    gw = gateway_factory(_config(livekit_server, room, 2, "answer"))
    peer = rtp_peer("PCMU", 20)
    run = sipp.start("uac_lk_call.xml", gw, service=TRUNK_NUMBER, pause_ms=500, keys=_call_keys(peer, _caller()),
                     timeout_s=40)
    run.wait(40)
    assert_sipp_ok(run)
    took, final = _invite_to_final(run)
    assert final.status == 200, final.start_line
    assert 2.0 <= took < 12, "INVITE -> 200 took %.2f s with a 2 s ringing timeout" % took
    assert ("no agent in room %s within 2 s: answering anyway" % room) in gw.log_text()
    print("INVITE -> 200: %.2f s (ringingTimeoutSeconds 2, answer)" % took)
    gw.wait_no_calls(10)
