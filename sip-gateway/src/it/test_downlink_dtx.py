"""A room agent that talks, falls silent (Opus DTX), and talks again: the phone hears both talk spurts whole and
silence between them, and the gateway decodes only the packets that carry sound.

Real livekit-server, the real gateway process, sipp as the phone with the test's RTP peer, and a real LiveKit rtc
participant (the Python SDK, libwebrtc's Opus encoder with DTX on, as livekit-agents publish) as the agent. In DTX
the sender transmits one TOC-only packet, then a comfort-noise frame every 400 ms and nothing between; the gateway
plays that as silence without libopus and says so in the per-track line it logs when the call ends:
`room audio track ssrc=... JitterStats[pushed=...] decoded=D concealed=C skipped=S` (libopus decodes, libopus
concealments, frames played as silence without it). The old gateway decoded every packet and concealed every gap
with libopus (no `skipped=`).

Run with the venv python: `.venv/bin/python -m pytest -q sip-gateway/src/it/test_downlink_dtx.py -s`.
"""
import random
import re
import threading

from it_harness import assert_sipp_ok, start_media_call, wait_until
from it_livekit import SpeakingAgent, best_correlation, livekit_direct_overrides
from it_media import decode

TRUNK_NUMBER = "+15550100"
RATE = 48000
SPEECH_S = 1.6
PAUSE_S = 3.0
TRACK_LINE = re.compile(r"room audio track ssrc=(\d+) .*pushed=(\d+).* decoded=(\d+) concealed=(\d+)(?: skipped=(\d+))?")


def speech48(seconds, seed, pitch_hz):
    """Voiced, speech-like audio at 48 kHz under 2 kHz (so the phone's 8 kHz keeps it whole): harmonics of a pitch
    gliding +-20 Hz around `pitch_hz`, a 4 Hz syllable envelope that never reaches zero (each 200 ms window has
    sound)."""
    import numpy as np
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    pitch = pitch_hz + 20 * np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6))
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    x = sum(np.sin(h * phase + rng.uniform(0, 6)) / h for h in range(1, 12))
    envelope = 0.6 + 0.4 * np.sin(2 * np.pi * 4 * t + rng.uniform(0, 6))
    return 7000 * envelope * x / 2.0


def _frames_rms(samples, frame=160):
    import numpy as np
    x = np.asarray(samples, dtype=np.float64)
    n = len(x) // frame
    return np.sqrt(np.mean(x[:n * frame].reshape(n, frame) ** 2, axis=1))


def test_dtx_silence_is_silence_without_decoding_and_speech_resumes_whole(livekit_server, gateway_factory, sipp,
                                                                           rtp_peer):
    import numpy as np
    first, second = speech48(SPEECH_S, 1, 130), speech48(SPEECH_S, 2, 170)  # pitches apart: no cross-match
    script = [np.zeros(int(0.5 * RATE)), first, np.zeros(int(PAUSE_S * RATE)), second, np.zeros(int(1.0 * RATE))]
    room = "dtx-%06x" % random.getrandbits(24)
    agent = SpeakingAgent(livekit_server, room, [("audio", s) for s in script], identity="dtx-agent",
                          dtx=True).connect()
    gw = gateway_factory(livekit_direct_overrides(livekit_server, room))
    peer = rtp_peer("PCMU", 20)
    pause_ms = 11000
    try:
        run, _ = start_media_call(sipp, gw, peer, "uac_lk_call.xml", service=TRUNK_NUMBER, pause_ms=pause_ms,
                                  keys={"caller": "+1555040%04d" % random.randrange(10000), "callsid": "CA1",
                                        "accountsid": "AC1"}, timeout_s=60)
        sender = threading.Thread(target=peer.send_silence, args=(pause_ms / 1000.0 - 0.5,), daemon=True)
        sender.start()  # the phone talks (silence) like a real one
        run.wait(pause_ms / 1000.0 + 30)
        assert_sipp_ok(run)
        sender.join(5)
        assert agent.done.is_set(), "the agent must have played its whole script within the call"
    finally:
        agent.close()
    gw.wait_no_calls()
    line = wait_until(lambda: TRACK_LINE.search(gw.log_text()), 10, message="the gateway's per-track stats line")
    pushed, decoded, concealed = int(line.group(2)), int(line.group(3)), int(line.group(4))
    skipped = int(line.group(5)) if line.group(5) is not None else 0

    pkts = sorted((p for p in peer.packets() if p.pt == 0), key=lambda p: p.arrival)
    heard = []
    for p in pkts:
        heard.extend(decode("PCMU", p.payload))
    heard = np.asarray(heard, dtype=np.float64)
    win = 1600  # 200 ms at 8 kHz
    corr = {}
    after = 0
    for name, ref in (("first", first), ("second", second)):
        ref8k = np.asarray(ref[::6])
        # each spurt is looked for after the previous one's end (windows are placed 200 ms apart as sent)
        found = [best_correlation(ref8k[i:i + win], heard[after:]) for i in range(0, len(ref8k) - win + 1, win)]
        corr[name] = [(c, None if lag is None else lag + after) for c, lag in found]
        if corr[name][-1][1] is not None:
            after = corr[name][-1][1] + win
    # the silence: from 300 ms after the first talk spurt's end to 100 ms before the second's start, on the phone
    end_first = corr["first"][-1][1] + win if corr["first"][-1][1] is not None else None
    start_second = corr["second"][0][1]
    rms = _frames_rms(heard[end_first + 2400:start_second - 800]) if None not in (end_first, start_second) else []
    print("DTX agent: track line pushed=%d decoded=%d concealed=%d skipped=%d; speech windows corr first %s, "
          "second %s; pause on the phone: %d frames, max rms %.1f" % (
              pushed, decoded, concealed, skipped, ["%.2f" % c for c, _ in corr["first"]],
              ["%.2f" % c for c, _ in corr["second"]], len(rms), max(rms) if len(rms) else -1))

    assert all(c > 0.6 for c, _ in corr["first"][1:]), "the first talk spurt must be heard: %r" % corr["first"]
    assert all(c > 0.6 for c, _ in corr["second"]), \
        "the talk spurt after the DTX pause must be heard from its first 200 ms on: %r" % corr["second"]
    assert abs((start_second - end_first) / 8000.0 - PAUSE_S) < 0.3, \
        "the pause must last as long as the agent's: %.2f s" % ((start_second - end_first) / 8000.0)
    assert len(rms) >= 100 and max(rms) < 100, "the DTX pause must be silence on the phone (no noise burst): " \
        "max 20 ms rms %.1f" % (max(rms) if len(rms) else -1)
    assert skipped >= 50, "DTX silence must be played without libopus: decoded=%d concealed=%d skipped=%d of %d " \
        "packets" % (decoded, concealed, skipped, pushed)
    assert decoded + concealed < pushed, "libopus runs for fewer frames than the track sent: decoded=%d " \
        "concealed=%d pushed=%d" % (decoded, concealed, pushed)
