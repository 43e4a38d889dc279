#!/usr/bin/env python3
"""Generates the labelled corpus of the voicemail detector (dev.gateway.media.amd.VoicemailDetector).

    python3 generate.py <out dir> [--scale 1.0] [--seed 20261207]

Writes 8 kHz 16-bit mono WAV files and labels.json into <out dir>: a JSON array, one object per line,
    {"file": "h000.wav", "label": "human", "beep_end_ms": null, "what": "..."}
(the report, dev.gateway.media.amd.AmdCorpusReport, reads the first three fields in this order).

What is in it (all from a fixed seed, so the same corpus every time):
- human: a person answering (16 short phrases, "Hello?", "Yes, who is this?", ...), after 0.15-0.7 s, then 3 s
  of the line's background;
- machine: voicemail greetings (12 texts), after 0.1-0.6 s, most of them followed by a beep (400-2000 Hz,
  100 ms-1 s, 0.3-1 s after the greeting) whose true end is recorded in beep_end_ms;
- machine: music-like hold audio (melodies of harmonic notes, chords, a bass line);
- silence: nothing, or white, pink or mains-hum background only.
Speech comes from espeak-ng with several voices, rates and pitches, band-limited to 250-3400 Hz by sox; its level
varies (-26..-14 dBFS over speech). Each file then gets a line condition: clean, or white/pink noise at 15-25 dB
below the speech, and some a G.711 (mu-law or A-law) round trip. Files are rendered by a pool of 2 processes.

Needs Python 3.11 with numpy, and the Debian packages espeak-ng and sox.
"""
import argparse
import json
import multiprocessing
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np

RATE = 8000
SEED = 20261207

HUMAN_PHRASES = [
    "Hello?", "Hello.", "Yes?", "Hi, who is this?", "Yes, who is this?", "Hello, who's calling?", "Yeah?",
    "Good morning.", "Speaking.", "Hello, this is Mark.", "Hi there.", "Who is it?", "Hey, what's up?",
    "Hello, yes?", "Sarah speaking.", "Good afternoon.",
]

GREETINGS = [
    "Hi, you've reached Sarah. I can't take your call right now. Please leave a message after the tone.",
    "Hello, this is John Smith. I'm away from my desk. Leave your name and number and I will get back to you.",
    "The person you are calling is not available. Please leave a message after the beep.",
    "You have reached the voicemail of 5 5 5, 0 1 2 3. Please record your message after the tone.",
    "Thank you for calling Acme Dental. Our office is currently closed. Please leave a message and we will "
    "return your call.",
    "Hey, it's Mike. Leave a message.",
    "Hi, this is Emma. Sorry I missed you. Leave a message and I'll call you back as soon as I can.",
    "Welcome to the voice mailbox of Doctor Patel. Please leave your message after the tone.",
    "Hello. You have reached the Johnson family. We can't come to the phone right now.",
    "Your call has been forwarded to an automatic voice message system. The number you dialed is not available.",
    "Hi, you've reached the sales team at Northwind. All of our representatives are busy. Please leave a message.",
    "This is David. I'm on vacation until Monday. For urgent matters, please call my office.",
]

VOICES = ["en-us", "en-gb", "en+f3", "en+m3", "en-us+f2", "en-gb-scotland", "en+f4", "en-029+m7"]
BEEP_HZ = [400, 440, 500, 800, 850, 1000, 1400, 2000]
BEEP_MS = [100, 150, 250, 400, 500, 700, 1000]


# ------------------------------------------------------------------ signals
def speak(text, voice, rate, pitch):
    """espeak-ng's speech at 8 kHz, band-limited like a phone line, leading and trailing silence cut."""
    tts = subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-p", str(pitch), "--stdout", text],
                         check=True, capture_output=True).stdout
    raw = subprocess.run(["sox", "-t", "wav", "-", "-t", "raw", "-r", str(RATE), "-e", "signed", "-b", "16",
                          "-c", "1", "-", "sinc", "250-3400"], input=tts, check=True, capture_output=True).stdout
    x = np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0
    loud = np.flatnonzero(np.abs(x) > 0.02 * np.max(np.abs(x)))
    return x[loud[0]:loud[-1] + 1]


def active_rms(x):
    """RMS over the 20 ms frames within 30 dB of the loudest (the speech, not its pauses)."""
    frames = x[:len(x) // 160 * 160].reshape(-1, 160)
    e = np.mean(frames ** 2, axis=1)
    return np.sqrt(np.mean(e[e > np.max(e) * 1e-3]))


def at_level(x, dbfs):
    return x * (10 ** (dbfs / 20) / active_rms(x))


def white(rng, n):
    return rng.standard_normal(n)


def pink(rng, n):
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / RATE)
    spectrum *= 1 / np.sqrt(np.maximum(f, 20.0))
    y = np.fft.irfft(spectrum, n)
    return y / np.std(y)


def hum(rng, n):
    t = np.arange(n) / RATE
    base = rng.choice([50, 60])
    return sum(a * np.sin(2 * np.pi * base * h * t + rng.uniform(0, 6.3)) for h, a in ((1, 1), (3, .5), (5, .3)))


def tone(hz, ms, dbfs, rng):
    n = int(RATE * ms / 1000)
    t = np.arange(n) / RATE
    y = np.sin(2 * np.pi * hz * t + rng.uniform(0, 6.3))
    if rng.random() < 0.3:  # some machines' beeps are not quite pure
        y += 0.05 * np.sin(2 * np.pi * 2 * hz * t)
    ramp = int(RATE * 0.005)
    env = np.ones(n)
    env[:ramp] = 0.5 - 0.5 * np.cos(np.pi * np.arange(ramp) / ramp)
    env[-ramp:] = env[:ramp][::-1]
    return y * env * 10 ** (dbfs / 20) * np.sqrt(2) / np.sqrt(np.mean(y ** 2) * 2)


def hold_music(rng, seconds):
    """Melody of harmonic notes over a bass line, some chords: what a PBX plays to a caller on hold."""
    n = int(RATE * seconds)
    y = np.zeros(n)
    scale = [220.0 * 2 ** (s / 12) for s in (0, 2, 4, 7, 9, 12, 14, 16, 19, 21)]
    pos = 0
    while pos < n:
        length = int(RATE * rng.choice([0.15, 0.25, 0.3, 0.5, 0.6]))
        t = np.arange(length) / RATE
        env = np.minimum(1, t / 0.01) * np.exp(-t * rng.uniform(1.5, 5))
        notes = [rng.choice(scale)] + ([rng.choice(scale)] if rng.random() < 0.4 else [])
        seg = np.zeros(length)
        for f in notes:
            for h, a in ((1, 1), (2, .5), (3, .3), (4, .15)):
                if f * h < 3400:
                    seg += a * np.sin(2 * np.pi * f * h * t)
        bass = rng.choice(scale) / 2
        seg += 0.6 * np.sin(2 * np.pi * bass * t) + 0.3 * np.sin(2 * np.pi * 2 * bass * t)
        end = min(n, pos + length)
        y[pos:end] += (seg * env)[:end - pos]
        pos += length
    return y


def mulaw(x):
    mu = 255.0
    q = np.round(np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu) * 127) / 127
    return np.sign(q) * ((1 + mu) ** np.abs(q) - 1) / mu


def alaw(x):
    a = 87.6
    ax = np.abs(x)
    y = np.where(ax < 1 / a, a * ax / (1 + np.log(a)), (1 + np.log(np.maximum(a * ax, 1e-12))) / (1 + np.log(a)))
    q = np.round(y * 127) / 127
    inv = np.where(q < 1 / (1 + np.log(a)), q * (1 + np.log(a)) / a, np.exp(q * (1 + np.log(a)) - 1) / a)
    return np.sign(x) * inv


# ------------------------------------------------------------------ jobs
def plan(rng, scale):
    """Every file's parameters, drawn in one place so the corpus does not depend on the pool's scheduling."""
    jobs = []

    def condition():
        kind = rng.choice(["clean", "clean", "white", "pink"])
        snr = float(rng.uniform(15, 25))
        codec = rng.choice(["none", "none", "ulaw", "alaw"])
        return {"noise": str(kind), "snr_db": round(snr, 1), "g711": str(codec)}

    def voice():
        return {"voice": str(rng.choice(VOICES)), "rate": int(rng.integers(140, 196)), "pitch": int(rng.integers(30, 71)),
                "level_dbfs": round(float(rng.uniform(-26, -14)), 1)}

    copies = max(1, round(8 * scale))
    for i, phrase in enumerate(HUMAN_PHRASES):
        for c in range(copies):
            v = voice()
            v["voice"] = VOICES[(i + c) % len(VOICES)]
            jobs.append({"kind": "human", "text": phrase, **v, **condition(),
                         "lead_s": round(float(rng.uniform(0.15, 0.7)), 3), "seed": int(rng.integers(1 << 31))})
    for i, text in enumerate(GREETINGS):
        for c in range(copies):
            v = voice()
            v["voice"] = VOICES[(i + c) % len(VOICES)]
            beep = None
            if rng.random() < 0.7:
                beep = {"hz": int(rng.choice(BEEP_HZ)), "ms": int(rng.choice(BEEP_MS)),
                        "gap_s": round(float(rng.uniform(0.3, 1.0)), 3), "dbfs": round(float(rng.uniform(-22, -10)), 1)}
            jobs.append({"kind": "greeting", "text": text, **v, **condition(), "beep": beep,
                         "lead_s": round(float(rng.uniform(0.1, 0.6)), 3), "seed": int(rng.integers(1 << 31))})
    for c in range(max(1, round(20 * scale))):
        jobs.append({"kind": "silence", "noise": str(rng.choice(["digital", "white", "pink", "hum"])),
                     "level_dbfs": round(float(rng.uniform(-60, -35)), 1), "g711": str(rng.choice(["none", "ulaw", "alaw"])),
                     "seed": int(rng.integers(1 << 31))})
    for c in range(max(1, round(16 * scale))):
        jobs.append({"kind": "music", "level_dbfs": round(float(rng.uniform(-24, -14)), 1), **condition(),
                     "seed": int(rng.integers(1 << 31))})
    for i, job in enumerate(jobs):
        job["file"] = "%s%03d.wav" % (job["kind"][0], i)
    return jobs


def render(job):
    rng = np.random.default_rng(job["seed"])
    beep_end_ms = None
    if job["kind"] in ("human", "greeting"):
        speech = at_level(speak(job["text"], job["voice"], job["rate"], job["pitch"]), job["level_dbfs"])
        parts = [np.zeros(int(RATE * job["lead_s"])), speech]
        if job["kind"] == "greeting" and job["beep"]:
            b = job["beep"]
            parts += [np.zeros(int(RATE * b["gap_s"])), tone(b["hz"], b["ms"], b["dbfs"], rng)]
            beep_end_ms = round(sum(len(p) for p in parts) * 1000 / RATE)
            parts.append(np.zeros(int(RATE * 1.5)))
        else:
            parts.append(np.zeros(int(RATE * (3.0 if job["kind"] == "human" else 2.0))))
        x = np.concatenate(parts)
        label = "human" if job["kind"] == "human" else "machine"
    elif job["kind"] == "music":
        x = hold_music(rng, 8.0)
        x = at_level(x, job["level_dbfs"])
        label = "machine"
    else:
        n = RATE * 6
        x = {"digital": lambda: np.zeros(n), "white": lambda: white(rng, n), "pink": lambda: pink(rng, n),
             "hum": lambda: hum(rng, n)}[job["noise"]]()
        if job["noise"] != "digital":
            x = x / np.sqrt(np.mean(x ** 2)) * 10 ** (job["level_dbfs"] / 20)
        label = "silence"
    if job.get("noise") in ("white", "pink") and job["kind"] != "silence":
        noise = white(rng, len(x)) if job["noise"] == "white" else pink(rng, len(x))
        x = x + noise * 10 ** ((job["level_dbfs"] - job["snr_db"]) / 20)
    x = np.clip(x, -1, 1)
    if job.get("g711") == "ulaw":
        x = mulaw(x)
    elif job.get("g711") == "alaw":
        x = alaw(x)
    pcm = np.clip(np.round(x * 32767), -32768, 32767).astype("<i2")
    return job, label, beep_end_ms, pcm.tobytes()


def describe(job):
    keys = [k for k in ("text", "voice", "rate", "noise", "snr_db", "g711", "level_dbfs", "lead_s") if k in job]
    what = ", ".join("%s=%s" % (k, job[k]) for k in keys)
    if job.get("beep"):
        what += ", beep=%(hz)d Hz/%(ms)d ms" % job["beep"]
    return what.replace('"', "'")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="copies per phrase/greeting are 8 x scale")
    parser.add_argument("--seed", type=int, default=SEED, help="another seed gives another corpus (defaults are tuned on this one)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    jobs = plan(np.random.default_rng(args.seed), args.scale)
    lines = []
    with multiprocessing.Pool(2) as pool:
        for job, label, beep_end_ms, data in pool.imap(render, jobs, chunksize=4):
            with wave.open(str(args.out / job["file"]), "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(RATE)
                w.writeframes(data)
            lines.append(json.dumps({"file": job["file"], "label": label, "beep_end_ms": beep_end_ms,
                                     "what": describe(job)}))
    (args.out / "labels.json").write_text("[\n" + ",\n".join(lines) + "\n]\n")
    counts = {}
    for line in lines:
        label = json.loads(line)["label"]
        counts[label] = counts.get(label, 0) + 1
    print("wrote %d files to %s: %s" % (len(lines), args.out, counts), file=sys.stderr)


if __name__ == "__main__":
    main()
