"""Call recording end to end: a real call (sipp as the phone, the test's RTP socket sending real speech) to a room
with a real LiveKit SDK participant (the agent) that speaks a sweep; the gateway records the call in stereo (left:
the caller, right: what the caller heard) and writes a JSON sidecar. The recording is read back with ffprobe/ffmpeg
(Debian `ffmpeg`) or Python's wave module and checked against what was sent: channels, duration, correlation.
Also: pausing (HTTP API) and resuming (RPC `sip.recording` from the room) leaves a silent gap of the pause's
length; a full disk (a tiny tmpfs) leaves the call up and the recording marked incomplete.

Run with the venv python: `.venv/bin/python -m pytest -q sip-gateway/src/it/test_recording.py`.
"""
import json
import os
import random
import shutil
import subprocess
import threading
import time
import wave

import pytest

from it_harness import assert_sipp_ok, start_media_call, wait_until
from it_livekit import SpeakingAgent, best_correlation, chirp, livekit_direct_overrides
from it_media import analyse_audio
from it_speech import join, silence, speech, tone

TRUNK_NUMBER = "+15550100"
CALLER_TEXT = "This is the caller speaking. I would like to check the status of my order, please."


def _rand():
    return "%04x" % random.getrandbits(16)


def _caller():
    return "+1555031%04d" % random.randrange(10000)


def _keys(caller):
    return {"caller": caller, "callsid": "CA%032x" % random.getrandbits(128), "accountsid": "AC%032x" % 7}


def _overrides(server, room, recording):
    ov = livekit_direct_overrides(server, room)
    ov["recording"] = recording
    return ov


def _sidecars(recdir):
    return sorted(p for p in recdir.glob("*.json") if not p.name.startswith("."))


def _read(path, fmt):
    """-> (numpy array [n, 2] float, sample rate, channels) of the recording."""
    import numpy as np
    if fmt == "wav":
        with wave.open(str(path)) as w:
            assert w.getsampwidth() == 2, "16-bit PCM expected"
            frames = w.readframes(w.getnframes())
            return np.frombuffer(frames, "<i2").astype(np.float64).reshape(-1, w.getnchannels()), w.getframerate(), \
                w.getnchannels()
    probe = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                                       "stream=codec_name,channels,sample_rate", "-of", "json", str(path)],
                                      check=True, capture_output=True, text=True).stdout)
    stream = probe["streams"][0]
    assert stream["codec_name"] == "opus", probe
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ar", "8000", "-"],
                         check=True, capture_output=True).stdout
    ch = int(stream["channels"])
    return np.frombuffer(raw, "<i2").astype(np.float64).reshape(-1, ch), 8000, ch


def _duration_s(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
                         check=True, capture_output=True, text=True).stdout
    return float(json.loads(out)["format"]["duration"])


@pytest.mark.parametrize("fmt", ["ogg", "wav"])
def test_a_call_is_recorded_in_stereo_caller_left_agent_right(lk, gateway_factory, sipp, rtp_peer, tmp_path, fmt):
    server, _ = lk
    room = "rec-%s-%s" % (fmt, _rand())
    agent_sweep = chirp(300, 3000, 2.5, rate=SpeakingAgent.RATE, amplitude=9000)
    # it starts when the phone joins, before the call's media is up: silence first, so the sweep is all heard
    lead = [0.0] * int(2.0 * SpeakingAgent.RATE)
    agent = SpeakingAgent(server, room, [("audio", lead), ("audio", agent_sweep)], identity="rec-agent").connect()
    try:
        recdir = tmp_path / "recordings"
        gw = gateway_factory(_overrides(server, room, {"inbound": True, "format": fmt, "dir": str(recdir)}))
        caller = _caller()
        said = join(speech(CALLER_TEXT), silence(0.5))
        peer = rtp_peer("PCMU", 20)
        run, _ = start_media_call(sipp, gw, peer, "uac_lk_call.xml", service=TRUNK_NUMBER, pause_ms=8000,
                                  keys=_keys(caller), timeout_s=40)
        peer.send_samples([int(v) for v in said])
        run.wait(40)
        peer_packets = peer.packets()
        assert_sipp_ok(run)
        sidecar = wait_until(lambda: _sidecars(recdir) or None, 15, 0.1, "the recording's sidecar")[0]
    finally:
        agent.close()
    meta = json.loads(sidecar.read_text())
    media = recdir / meta["file"]
    assert media.exists() and media.suffix == "." + fmt, (meta, list(recdir.iterdir()))
    assert meta["complete"] is True and meta["channels"] == 2 and meta["room"] == room, meta
    assert meta["from"] == caller and meta["direction"] == "inbound" and meta["phoneCodec"] == "PCMU", meta
    assert meta["callId"] and meta["sipCallId"] and meta["startedAt"] < meta["endedAt"], meta
    assert not [p for p in recdir.iterdir() if p.name.startswith(".")], "temporary files left: %r" % list(recdir.iterdir())

    import numpy as np
    audio, rate, channels = _read(media, fmt)
    assert rate == 8000 and channels == 2, (rate, channels)
    seconds = _duration_s(media)
    print("recording %s: %.2f s (sidecar %d ms), %d samples" % (fmt, seconds, meta["durationMs"], len(audio)))
    assert abs(seconds - meta["durationMs"] / 1000) <= 0.1, (seconds, meta["durationMs"])
    assert 7.0 <= seconds <= 9.5, "the call lasted about 8 s from the answer, the recording %.2f s" % seconds
    left, right = audio[:, 0], audio[:, 1]
    sweep_8k = np.asarray(chirp(300, 3000, 2.5, rate=8000, amplitude=9000))
    # what the caller heard, as the phone received it: the agent's sweep after the agent's own Opus encoder
    heard = np.asarray(analyse_audio(peer_packets, "PCMU")[0], dtype=np.float64)
    start = int(np.argmax(np.abs(heard) > 2000))  # the sweep's first loud sample
    # Correlation per window, each at its own lag: a late packet concealed by the jitter buffer shifts what follows
    # by a frame, which one lag for the whole signal would count against the recording.
    c_left = _windowed(said[: int(3.0 * 8000)], left)
    c_heard = _windowed(heard[start: start + int(2.5 * 8000)], right)
    c_right = _windowed(sweep_8k, right)
    c_cross = _windowed(said[: int(3.0 * 8000)], right)
    print("correlation per 0.4 s window: left/caller %s; right/what the phone received %s; right/agent's sweep %s; "
          "right/caller %s" % (_fmt(c_left), _fmt(c_heard), _fmt(c_right), _fmt(c_cross)))
    assert sum(c >= 0.9 for c in c_left) >= 5, "the left channel must be the caller: %s" % _fmt(c_left)
    assert sum(c >= 0.9 for c in c_heard) >= 5, "the right channel must be what the caller heard: %s" % _fmt(c_heard)
    # the agent speaks through its SDK's Opus encoder (about 20 kbit/s here), which alone limits this one
    assert sum(c >= 0.8 for c in c_right) >= 5, "the right channel must be the agent: %s" % _fmt(c_right)
    assert max(c_cross) < 0.5, "the caller must not be on the right channel: %s" % _fmt(c_cross)


def _windowed(sent, received, windows=6, seconds=0.4):
    """The best correlation (over lags) in `received` of each of `sent`'s `windows` loudest non-overlapping windows."""
    import numpy as np
    sent = np.asarray(sent, dtype=np.float64)
    n = int(seconds * 8000)
    spans = [(i, float(np.sum(sent[i:i + n] ** 2))) for i in range(0, len(sent) - n + 1, n)]
    loudest = sorted(sorted(spans, key=lambda x: -x[1])[:windows])
    return [best_correlation(sent[i:i + n], received)[0] for i, _ in loudest]


def _fmt(values):
    return "[" + ", ".join("%.3f" % v for v in values) + "]"


def _longest_quiet_run_s(samples, threshold=200.0):
    import numpy as np
    frames = len(samples) // 160
    rms = np.sqrt(np.mean(samples[: frames * 160].reshape(frames, 160) ** 2, axis=1))
    best = run = 0
    for quiet in rms < threshold:
        run = run + 1 if quiet else 0
        best = max(best, run)
    return best * 0.02


def test_pause_over_http_and_resume_over_rpc_leave_a_gap_of_the_pause(lk, gateway_factory, sipp, rtp_peer, room_probe,
                                                                       tmp_path):
    server, _ = lk
    room = "recpause-" + _rand()
    probe = room_probe(server, room)
    recdir = tmp_path / "recordings"
    gw = gateway_factory(_overrides(server, room, {"inbound": True, "format": "wav", "dir": str(recdir)}))
    caller = _caller()
    peer = rtp_peer("PCMU", 20)
    run, _ = start_media_call(sipp, gw, peer, "uac_lk_call.xml", service=TRUNK_NUMBER, pause_ms=9000,
                              keys=_keys(caller), timeout_s=40)
    talker = threading.Thread(target=peer.send_tone, args=(1000, 8.5, 8000), daemon=True)
    talker.start()
    call = gw.wait_call("active", 10)
    probe.wait_participant("sip_" + caller, 15)
    time.sleep(1.5)  # some recorded tone before the pause
    status, body, _ = gw.post("/calls/%s/recording" % call["id"], {"action": "pause"})
    paused_at = time.time()
    assert status == 200 and body["recording"] == "paused", (status, body)
    time.sleep(2.0)  # the pause
    result = probe.perform_rpc("sip_" + caller, "sip.recording", "resume")
    resumed_at = time.time()
    assert result == ("ok", "recording"), result
    status, body, _ = gw.post("/calls/%s/recording" % call["id"], {"action": "rewind"})
    assert status == 400 and "start, stop, pause or resume" in body["error"], (status, body)
    time.sleep(1.0)  # some tone after the resume
    # stopped, then started again: a second file, <id>-2, while the call goes on
    assert gw.post("/calls/%s/recording" % call["id"], {"action": "stop"})[1]["recording"] == "stopped"
    assert gw.post("/calls/%s/recording" % call["id"], {"action": "start"})[1]["recording"] == "recording"
    talker.join(15)
    run.wait(40)
    assert_sipp_ok(run)
    sidecars = wait_until(lambda: len(_sidecars(recdir)) == 2 and _sidecars(recdir), 15, 0.1,
                          "the two recordings' sidecars")
    assert [p.name for p in sidecars] == ["%s-2.json" % call["id"], "%s.json" % call["id"]], sidecars
    second = json.loads(sidecars[0].read_text())
    assert second["file"] == "%s-2.wav" % call["id"] and second["complete"] and second["durationMs"] > 1000, second
    meta = json.loads(sidecars[1].read_text())
    audio, _, _ = _read(recdir / meta["file"], "wav")
    gap = _longest_quiet_run_s(audio[:, 0][int(0.5 * 8000):int(8.0 * 8000)])  # inside the caller's tone
    asked = resumed_at - paused_at
    print("pause: asked for %.3f s (pause answered to RPC resume answered), gap %.3f s, sidecar pausedMs %d"
          % (asked, gap, meta["pausedMs"]))
    assert abs(gap - asked) <= 0.2, "the gap (%.2f s) must match the pause (%.2f s)" % (gap, asked)
    assert abs(meta["pausedMs"] / 1000 - gap) <= 0.1, (meta["pausedMs"], gap)
    assert "recording paused" in gw.log_text() and "recording resumed" in gw.log_text()


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KiB tmpfs: two seconds of stereo WAV fill it."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    d = tmp_path / "tiny"
    d.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(d)], check=True)
    yield d
    subprocess.run(["umount", "-l", str(d)], check=False)


def test_a_full_disk_leaves_the_call_up_and_the_recording_marked_incomplete(lk, gateway_factory, sipp, rtp_peer,
                                                                            room_probe, tiny_disk):
    server, _ = lk
    room = "recfull-" + _rand()
    probe = room_probe(server, room)
    gw = gateway_factory(_overrides(server, room, {"inbound": True, "format": "wav", "dir": str(tiny_disk)}))
    caller = _caller()
    peer = rtp_peer("PCMU", 20)
    run, _ = start_media_call(sipp, gw, peer, "uac_lk_call.xml", service=TRUNK_NUMBER, pause_ms=6000,
                              keys=_keys(caller), timeout_s=40)
    peer.send_tone(1000, 5.5, 8000)
    run.wait(40)
    assert_sipp_ok(run)  # our own BYE ended the call after 6 s: the gateway did not end it when the disk filled
    wait_until(lambda: 'ended reason="caller hung up"' in gw.log_text(), 10, 0.1, "the call to end by the caller's BYE")
    sidecar = wait_until(lambda: _sidecars(tiny_disk) or None, 15, 0.1, "the recording's sidecar")[0]
    meta = json.loads(sidecar.read_text())
    print("full disk: %r" % meta)
    assert meta["complete"] is False and meta["incomplete"] is True and meta["problem"], meta
    assert "INCOMPLETE" in gw.log_text()
    gw.healthz()  # the gateway is fine
    status, metrics, _ = gw.get("/metrics")
    assert status == 200 and "gateway_recordings_incomplete_total 1.0" in metrics, metrics
