"""Voicemail (answering-machine) detection end to end: the gateway places a call through LiveKit's
CreateSIPParticipant (the real `livekit-api` client against the gateway's SIP API) to sipp standing in for Twilio's
termination; the callee's audio is real speech (espeak-ng) sent as RTP by the test; a real LiveKit SDK participant
in the room (`RoomProbe`) sees `sip.amd`, `sip.amdReason`, `sip.amdBeep` on the phone participant and the `sip_amd`
data packets.

Run with the venv python: `.venv/bin/python -m pytest -q sip-gateway/src/it/test_voicemail_detection.py`.
"""
import json
import random
import threading
import time

from it_harness import HOST, assert_sipp_ok, wait_until
from it_livekit import API_KEY, API_SECRET, api_call, remove_participant
from it_speech import join, silence, speech, tone

GREETING = ("Hi, you have reached the voicemail of John Smith. I am not available to take your call right now. "
            "Please leave your name, your number and a short message after the tone.")
TRUNK_NUMBER = "+15550100"


def _rand():
    return "%04x" % random.getrandbits(16)


def _gateway(server, gateway_factory, **extra):
    ov = {"livekit": {"url": server.ws_url, "apiKey": API_KEY, "apiSecret": API_SECRET}}
    ov.update(extra)
    return gateway_factory(ov)


def _trunk(gw, uas):
    async def fn(lk_, api):
        return await lk_.sip.create_outbound_trunk(api.CreateSIPOutboundTrunkRequest(trunk=api.SIPOutboundTrunkInfo(
            name="twilio-termination", address="%s:%d" % (HOST, uas.sip_port), numbers=[TRUNK_NUMBER])))
    return api_call(gw.base_url, fn)


def _dial(gw, trunk, room, identity, attributes=None):
    async def fn(lk_, api):
        return await lk_.sip.create_sip_participant(api.CreateSIPParticipantRequest(
            sip_trunk_id=trunk.sip_trunk_id, sip_call_to="+15550199", room_name=room, participant_identity=identity,
            participant_attributes=attributes or {}, wait_until_answered=True))
    return api_call(gw.base_url, fn, 45)


def _callee_says(uas, peer, audio):
    """Once the call is answered (sipp wrote the gateway's RTP port), the callee's audio goes out in real time.
    Returns the thread and a dict that gets 'answered_at' and 'sent_at' (wall clock when the audio was sent)."""
    stamps = {}

    def talk():
        port = uas.rtp_port(30)
        peer.remote = (HOST, port)
        stamps["answered_at"] = time.time()
        peer.send_samples([int(v) for v in audio])
        stamps["sent_at"] = time.time()
    t = threading.Thread(target=talk, daemon=True)
    t.start()
    return t, stamps


def _amd_attributes(probe, identity):
    """The phone participant's attribute changes that concern voicemail detection, in order."""
    out = []
    for e in probe.events("attributes"):
        if e["identity"] == identity:
            changed = {k: v for k, v in e["changed"].items() if k.startswith("sip.amd")}
            if changed:
                out.append((e["t"], changed))
    return out


def _amd_packets(probe):
    return [(e["t"], json.loads(e["data"])) for e in probe.events("data") if e.get("topic") == "sip_amd"]


def _call(lk, gateway_factory, sipp, rtp_peer, room_probe, audio, attributes=None):
    server, _ = lk
    room = "amd-" + _rand()
    identity = "callee-" + _rand()
    probe = room_probe(server, room)
    gw = _gateway(server, gateway_factory)
    peer = rtp_peer("PCMU", 20)
    uas = sipp.start_uas("uas_lk_answer.xml", keys={"rtp_port": peer.port}, timeout_s=60)
    time.sleep(0.3)  # sipp binds its socket
    trunk = _trunk(gw, uas)
    talker, stamps = _callee_says(uas, peer, audio)
    _dial(gw, trunk, room, identity, attributes)
    return server, gw, probe, uas, room, identity, talker, stamps


def _metrics(gw):
    status, body, _ = gw.get("/metrics")
    assert status == 200, (status, body)
    return body


def _hang_up(server, room, identity, uas):
    remove_participant(server, room, identity)
    uas.wait(30)
    assert_sipp_ok(uas)


def test_a_voicemail_greeting_then_its_beep_are_reported_to_the_room(lk, gateway_factory, sipp, rtp_peer, room_probe):
    beep_hz, beep_s = 1000, 0.5
    lead = silence(0.4)
    greeting = speech(GREETING, voice="en-us")
    audio = join(lead, greeting, silence(0.6), tone(beep_hz, beep_s, 9000), silence(4.0))
    beep_end_s = (len(lead) + len(greeting)) / 8000 + 0.6 + beep_s
    server, gw, probe, uas, room, identity, talker, stamps = _call(lk, gateway_factory, sipp, rtp_peer, room_probe,
                                                                   audio)

    def beeped():
        return [c for c in _amd_attributes(probe, identity) if c[1].get("sip.amdBeep")] or None
    wait_until(beeped, 25 + beep_end_s, 0.1, "sip.amdBeep on the phone participant")
    changes = _amd_attributes(probe, identity)
    first = changes[0][1]
    assert first.get("sip.amd") == "machine", changes
    assert first.get("sip.amdReason"), changes
    assert beeped()[0][1]["sip.amdBeep"] == "true", changes
    packets = wait_until(lambda: len(_amd_packets(probe)) >= 2 and _amd_packets(probe), 5, 0.05,
                         "two sip_amd data packets (decision and beep)")
    decision, beep = packets[0][1], packets[-1][1]
    assert decision["result"] == "machine" and decision["beep"] is None, packets
    assert decision["decision_ms"] <= 4000, "a machine must be decided within 4 s of the answer: %r" % decision
    assert beep["result"] == "machine" and beep["beep"] == "true" and beep["beep_end_ms"] is not None, packets
    # The beep's end in the callee's timeline against the detector's, and when the room heard of it
    answered = stamps["answered_at"]
    true_end = answered + beep_end_s
    print("voicemail: decided %s/%s at %d ms; beep end at %d ms (sent at %.0f ms after our answer stamp); packet "
          "%.0f ms after the beep ended" % (decision["result"], decision["reason"], decision["decision_ms"],
                                           beep["beep_end_ms"], beep_end_s * 1000, (packets[-1][0] - true_end) * 1000))
    # the detector's clock starts at the answer, which the callee's first packets precede by sipp's 200 ms pause
    # before its 200 OK and the time the 200 takes: the reported end is early by that much, never late
    assert -800 <= beep["beep_end_ms"] - beep_end_s * 1000 <= 200, \
        "beep end reported at %d ms, it ended at %.0f ms of the callee's audio" % (beep["beep_end_ms"], beep_end_s * 1000)
    assert packets[-1][0] - true_end <= 1.5, "the room heard of the beep %.2f s after it ended" % (packets[-1][0] - true_end)
    assert "voicemail: machine/" in gw.log_text()
    metrics = _metrics(gw)
    assert 'gateway_voicemail_results_total{direction="outbound",result="machine"} 1.0' in metrics, metrics
    assert 'gateway_voicemail_beeps_total{beep="true"} 1.0' in metrics, metrics
    talker.join(30)
    _hang_up(server, room, identity, uas)


def test_a_person_saying_hello_is_reported_human(lk, gateway_factory, sipp, rtp_peer, room_probe):
    audio = join(silence(0.3), speech("Hello?", voice="en-gb"), silence(4.5))
    server, gw, probe, uas, room, identity, talker, _ = _call(lk, gateway_factory, sipp, rtp_peer, room_probe, audio)
    wait_until(lambda: _amd_attributes(probe, identity) or None, 15, 0.1, "sip.amd on the phone participant")
    changes = _amd_attributes(probe, identity)
    assert changes[0][1].get("sip.amd") == "human", changes
    packets = wait_until(lambda: _amd_packets(probe) or None, 5, 0.05, "a sip_amd data packet")
    decision = packets[0][1]
    assert decision["result"] == "human" and decision["decision_ms"] <= 2500, decision
    print("voicemail: %s/%s at %d ms" % (decision["result"], decision["reason"], decision["decision_ms"]))
    talker.join(30)
    time.sleep(0.5)  # nothing more may follow a human decision: no beep attribute
    assert not [c for c in _amd_attributes(probe, identity) if "sip.amdBeep" in c[1]], _amd_attributes(probe, identity)
    _hang_up(server, room, identity, uas)


def test_sip_amd_off_on_the_call_switches_detection_off(lk, gateway_factory, sipp, rtp_peer, room_probe):
    audio = join(silence(0.3), speech("Hello?"), silence(3.5))
    server, gw, probe, uas, room, identity, talker, _ = _call(lk, gateway_factory, sipp, rtp_peer, room_probe, audio,
                                                              attributes={"sip.amd": "off"})
    talker.join(30)
    assert not _amd_packets(probe), _amd_packets(probe)
    assert "voicemail detection started" not in gw.log_text()
    _hang_up(server, room, identity, uas)
