"""The caller's G.711 published into the room as it came (livekit.uplinkCodec auto | pcmu | opus), heard by real
subscribers: the tone agent (a livekit-agents worker dispatched by name, recording the caller's track through the
Python rtc SDK at 8 kHz) reports the track's mime type, the frames it got and the audio itself.

What the phone sends is speech-like (a chirp, a tone sequence and a voiced multi-tone), twice, compared with what
the agent heard in 125 ms windows, each at its best lag (the jitter play-out may drop or insert a frame under load,
the subscriber's NetEq may time-stretch its first seconds of sound).
With G.711 published the room forwards the phone's bytes: the agent's decoded samples equal the G.711 decoding of
what the phone sent, sample for sample, in nearly every window.

Run with the venv python (requirements.txt): `.venv/bin/python -m pytest -q sip-gateway/src/it/test_g711_uplink.py`.
"""
import random
import threading
import time

import pytest

from it_harness import assert_sipp_ok, start_media_call, wait_until
from it_livekit import (LiveKitServer, best_correlation, chirp, livekit_overrides,
                        tone_sequence)
from it_media import decode, encode

TRUNK_NUMBER = "+15550100"
WINDOW = 1000  # 125 ms at 8 kHz


def _prefix(tag):
    return "phone-call-g%s%04x-" % (tag, random.getrandbits(16))


def _caller():
    return "+1555030%04d" % random.randrange(10000)


def speech_like():
    """~2.5 s at 8 kHz: chirp 300->3000 Hz, a tone sequence, and a 'vowel' (150 Hz harmonics up to 3 kHz with
    formant-like weights, 4 Hz syllable envelope)."""
    import numpy as np
    t = np.arange(8000) / 8000.0
    vowel = sum(w * np.sin(2 * np.pi * 150 * k * t) for k, w in
                ((1, 0.3), (2, 0.5), (3, 1.0), (4, 0.8), (5, 0.4), (8, 0.3), (15, 0.25), (16, 0.2), (20, 0.1)))
    vowel = vowel * (0.55 + 0.45 * np.sin(2 * np.pi * 4 * t)) * (8000 / np.max(np.abs(vowel)))
    return chirp(300, 3000, 1.0) + tone_sequence((500, 1200, 800, 2000), 0.125) + list(vowel)


def _result(agent, prefix, caller, need, timeout=20.0, what="the awaited fields"):
    room_prefix = prefix + caller + "_"

    def get():
        for r in agent.results(room_prefix).values():
            if need(r):
                return r
        return None
    return wait_until(get, timeout, 0.1, "the agent's result for a room %s* with %s" % (room_prefix, what))


def _call(lk, gateway_factory, sipp, rtp_peer, codec, uplink=None, tag="x"):
    """One call with a `codec` phone; once the agent subscribed to the caller's track the phone talks (speech-like
    signal). Returns (gateway, agent result, recorded pcm, the samples the phone's bytes decode to)."""
    server, agent = lk
    prefix = _prefix(tag)
    overrides = livekit_overrides(server, prefix)
    if uplink is not None:
        overrides["livekit"]["uplinkCodec"] = uplink
    gw = gateway_factory(overrides)
    caller = _caller()
    peer = rtp_peer(codec, 20)
    run, _ = start_media_call(sipp, gw, peer, "uac_lk_call.xml", service=TRUNK_NUMBER, pause_ms=14000,
                              keys={"caller": caller, "callsid": "CA1", "accountsid": "AC1"}, timeout_s=40)
    r = _result(agent, prefix, caller, lambda r: r["track"] is not None or r["errors"], 15, "the caller's track")
    assert not r["errors"], r["errors"]
    speech = speech_like()
    sent = decode(codec, encode(codec, speech))  # what the phone's bytes mean

    def talk():
        # twice: the subscriber's NetEq (libwebrtc in the rtc SDK) may shorten its start-up buffer during the
        # first seconds of sound, time-stretching what plays then by ~5 %; each window is matched in either copy
        peer.send_silence(1.0)
        peer.send_samples(speech)
        peer.send_silence(0.5)
        peer.send_samples(speech)
        peer.send_silence(1.0)
    sender = threading.Thread(target=talk, daemon=True)
    sender.start()
    sender.join(20)
    r = _result(agent, prefix, caller, lambda r: r["recorded_seconds"] >= 8.0 or r["errors"], 15,
                "8 s recorded")
    run.wait(40)
    assert_sipp_ok(run)
    r = _result(agent, prefix, caller, lambda r: r["participant_disconnected_at"] is not None and "pcm_file" in r,
                15, "the caller gone")
    assert not r["errors"], r["errors"]
    return gw, r, agent.pcm(r["room"]), sent


def _windows(sent, rec):
    """[(correlation, lag, identical samples)] per 125 ms window of `sent`, each at its best lag in `rec`."""
    import numpy as np
    rec = np.asarray(rec)
    out = []
    for i in range(0, len(sent) - WINDOW + 1, WINDOW):
        w = sent[i:i + WINDOW]
        c, lag = best_correlation(w, rec)
        same = int(np.sum(rec[lag:lag + WINDOW] == np.asarray(w, dtype=np.int16))) if lag is not None else 0
        out.append((round(c, 3), lag, same))
    return out


def _assert_heard(windows, min_corr):
    corrs = sorted(c for c, _, _ in windows)
    good = sum(c >= min_corr for c in corrs)
    # a jitter slip (a frame dropped or inserted under load) spoils the one window it falls into
    assert good >= len(windows) - 2 and corrs[len(corrs) // 2] >= min_corr, \
        "correlation per 125 ms window (corr, lag, identical samples): %r" % windows


@pytest.mark.parametrize("codec", ["PCMU", "PCMA"])
def test_g711_caller_is_published_as_its_own_law_bytes_unchanged(lk, gateway_factory, sipp, rtp_peer, codec):
    gw, r, rec, sent = _call(lk, gateway_factory, sipp, rtp_peer, codec, tag=codec[-1].lower())
    assert r["track"]["mime_type"].lower() == "audio/" + codec.lower(), r["track"]
    assert r["recorded_seconds"] >= 8.0 and r["first_audio_at"] is not None, r  # the worker got frames
    windows = _windows(sent, rec)
    _assert_heard(windows, 0.9)
    # the room forwarded the phone's bytes: whole windows decode to exactly what the phone sent
    exact = sum(same == WINDOW for _, _, same in windows)
    assert exact >= len(windows) - 3, \
        "windows whose %d samples the agent heard exactly as the phone's %s bytes decode: %d of %d: %r" % (
            WINDOW, codec, exact, len(windows), windows)
    log = gw.log_text()
    assert "publishing the caller's track as %s/8000 (payload type %d) (phone %s, livekit.uplinkCodec auto)" % (
        codec, 0 if codec == "PCMU" else 8, codec) in log, [l for l in log.splitlines() if "publishing" in l]
    gw.wait_no_calls()
    print("%s: correlation per window %s; exact windows %d/%d" % (
        codec, [c for c, _, _ in windows], exact, len(windows)))


def test_uplink_codec_opus_still_publishes_opus(lk, gateway_factory, sipp, rtp_peer):
    gw, r, rec, sent = _call(lk, gateway_factory, sipp, rtp_peer, "PCMU", uplink="opus", tag="o")
    assert r["track"]["mime_type"].lower() == "audio/opus", r["track"]
    windows = _windows(sent, rec)
    _assert_heard(windows, 0.8)
    assert "publishing the caller's track as opus/48000 (payload type 111) (phone PCMU, livekit.uplinkCodec opus)" \
        in gw.log_text()
    gw.wait_no_calls()
    print("opus: correlation per window %s" % [c for c, _, _ in windows])


@pytest.fixture
def opus_only_server(tmp_path):
    """livekit-server --dev whose rooms do not take G.711 (room.enabled_codecs without audio/PCMU, audio/PCMA)."""
    server = LiveKitServer(tmp_path / "lk-opus-only",
                           ["--config-body", "room:\n  enabled_codecs:\n    - mime: audio/opus\n"]).start()
    yield server
    server.stop()


def test_room_without_g711_auto_falls_back_to_opus_and_pcmu_fails_the_call(opus_only_server, gateway_factory,
                                                                           sipp, rtp_peer):
    server = opus_only_server
    # auto: the answer offers no G.711 -> Opus, and the call goes on (no agent here: answered after ringing)
    overrides = livekit_overrides(server, _prefix("f"))
    overrides["livekit"]["ringingTimeoutSeconds"] = 1
    gw = gateway_factory(overrides)
    peer = rtp_peer("PCMU", 20)
    run, _ = start_media_call(sipp, gw, peer, "uac_lk_call.xml", service=TRUNK_NUMBER, pause_ms=1000,
                              keys={"caller": _caller(), "callsid": "CA1", "accountsid": "AC1"}, timeout_s=30)
    run.wait(30)
    assert_sipp_ok(run)
    assert "publishing the caller's track as opus/48000 (payload type 111) (phone PCMU, livekit.uplinkCodec auto)" \
        in gw.log_text()
    gw.wait_no_calls()

    # pcmu: the room refuses G.711 -> the call is refused, the log says why
    overrides = livekit_overrides(server, _prefix("r"))
    overrides["livekit"]["uplinkCodec"] = "pcmu"
    gw2 = gateway_factory(overrides)
    run2 = sipp.run("uac_reject.xml", gw2, service=TRUNK_NUMBER, timeout_s=30, wait_timeout=40)
    assert_sipp_ok(run2)
    finals = run2.final_invite_responses()
    assert len(finals) == 1 and finals[0].status >= 400, \
        "the pcmu call must be refused, got %r\n%s" % ([f.start_line for f in finals], run2.report())
    line = wait_until(lambda: [l for l in gw2.log_text().splitlines() if "refuses G.711" in l], 10, 0.1,
                      "the refusal's reason in the gateway log")
    assert "livekit.uplinkCodec pcmu" in line[0] and "room.enabled_codecs" in line[0], line
    gw2.wait_no_calls()
