"""Media helpers for the integration tests: G.711 codecs, Goertzel, RTP / RFC 4733.

Pure stdlib. Written from the G.711 / RFC 3550 / RFC 4733 descriptions.
"""
import math
import os
import random
import socket
import struct
import threading
import time

SAMPLE_RATE = 8000

# --------------------------------------------------------------------------- G.711 mu-law
_ULAW_BIAS = 0x84
_ULAW_CLIP = 32635


def ulaw_encode_sample(s):
    """16-bit signed linear -> 8-bit mu-law (G.711)."""
    sign = 0
    if s < 0:
        sign = 0x80
        s = -s
    if s > _ULAW_CLIP:
        s = _ULAW_CLIP
    s += _ULAW_BIAS
    exponent = 7
    mask = 0x4000
    while exponent > 0 and not (s & mask):
        exponent -= 1
        mask >>= 1
    mantissa = (s >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def ulaw_decode_sample(u):
    u = ~u & 0xFF
    sign = u & 0x80
    exponent = (u >> 4) & 0x07
    mantissa = u & 0x0F
    s = (((mantissa << 3) + _ULAW_BIAS) << exponent) - _ULAW_BIAS
    return -s if sign else s


# --------------------------------------------------------------------------- G.711 A-law
_ALAW_SEG_END = (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)


def alaw_encode_sample(s):
    """16-bit signed linear -> 8-bit A-law (G.711), even bits inverted (xor 0x55)."""
    v = s >> 3  # 13-bit magnitude domain
    if v >= 0:
        mask = 0xD5
    else:
        mask = 0x55
        v = -v - 1
    seg = 0
    while seg < 8 and v > _ALAW_SEG_END[seg]:
        seg += 1
    if seg >= 8:
        return 0x7F ^ mask
    aval = seg << 4
    if seg < 2:
        aval |= (v >> 1) & 0x0F
    else:
        aval |= (v >> seg) & 0x0F
    return aval ^ mask


def alaw_decode_sample(a):
    a ^= 0x55
    t = (a & 0x0F) << 4
    seg = (a & 0x70) >> 4
    if seg == 0:
        t += 8
    elif seg == 1:
        t += 0x108
    else:
        t = (t + 0x108) << (seg - 1)
    return t if (a & 0x80) else -t


_ULAW_DEC = [ulaw_decode_sample(i) for i in range(256)]
_ALAW_DEC = [alaw_decode_sample(i) for i in range(256)]

CODECS = {
    # name: (payload type, encoder, decode table)
    "PCMU": (0, ulaw_encode_sample, _ULAW_DEC),
    "PCMA": (8, alaw_encode_sample, _ALAW_DEC),
}
PT_NAMES = {0: "PCMU", 8: "PCMA"}


def encode(codec, samples):
    enc = CODECS[codec][1]
    return bytes(enc(int(s)) for s in samples)


def decode(codec, payload):
    table = CODECS[codec][2]
    return [table[b] for b in payload]


# --------------------------------------------------------------------------- signals
def tone(freq, n_samples, amplitude=8000, start=0):
    return [amplitude * math.sin(2 * math.pi * freq * (start + i) / SAMPLE_RATE) for i in range(n_samples)]


def goertzel_power(samples, freq):
    w = 2 * math.pi * freq / SAMPLE_RATE
    coeff = 2 * math.cos(w)
    s1 = s2 = 0.0
    for x in samples:
        s0 = x + coeff * s1 - s2
        s2 = s1
        s1 = s0
    return s1 * s1 + s2 * s2 - coeff * s1 * s2


def block_powers(samples, freqs, block=160):
    """Sum of Goertzel powers over consecutive blocks (robust against phase jumps between packets)."""
    out = {f: 0.0 for f in freqs}
    for i in range(0, len(samples) - block + 1, block):
        blk = samples[i:i + block]
        for f in freqs:
            out[f] += goertzel_power(blk, f)
    return out


def rms(samples):
    if not samples:
        return 0.0
    return math.sqrt(sum(x * x for x in samples) / len(samples))


# --------------------------------------------------------------------------- RTP
class RtpPacket:
    __slots__ = ("version", "marker", "pt", "seq", "ts", "ssrc", "payload", "arrival", "src")

    @classmethod
    def parse(cls, data, src=None, arrival=None):
        if len(data) < 12:
            return None
        b0, b1, seq, ts, ssrc = struct.unpack("!BBHII", data[:12])
        p = cls()
        p.version = b0 >> 6
        cc = b0 & 0x0F
        hdr = 12 + 4 * cc
        if b0 & 0x10 and len(data) >= hdr + 4:  # header extension
            ext_len = struct.unpack("!H", data[hdr + 2:hdr + 4])[0]
            hdr += 4 + 4 * ext_len
        payload = data[hdr:]
        if b0 & 0x20 and payload:  # padding
            payload = payload[:-payload[-1]]
        p.marker = bool(b1 & 0x80)
        p.pt = b1 & 0x7F
        p.seq = seq
        p.ts = ts
        p.ssrc = ssrc
        p.payload = payload
        p.arrival = arrival if arrival is not None else time.monotonic()
        p.src = src
        return p

    def __repr__(self):
        return "RtpPacket(pt=%d seq=%d ts=%d m=%s len=%d)" % (self.pt, self.seq, self.ts, self.marker, len(self.payload))


def build_rtp(pt, seq, ts, ssrc, payload, marker=False):
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | (pt & 0x7F), seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc) + payload


DTMF_EVENTS = {str(d): d for d in range(10)}
DTMF_EVENTS.update({"*": 10, "#": 11, "A": 12, "B": 13, "C": 14, "D": 15})


def alloc_even_udp_socket(host="127.0.0.1", lo=40000, hi=44000):
    """Bind a UDP socket on a random free even port (RTP convention)."""
    for _ in range(200):
        port = random.randrange(lo, hi, 2)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind((host, port))
            return s
        except OSError:
            s.close()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((host, 0))
    return s


class RtpPeer:
    """The test's own RTP endpoint: a UDP socket on 127.0.0.1 whose port goes into the SDP offer."""

    def __init__(self, codec="PCMU", ptime=20, dtmf_pt=101):
        self.sock = alloc_even_udp_socket()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.codec = codec
        self.pt = CODECS[codec][0]
        self.ptime = ptime
        self.spp = SAMPLE_RATE * ptime // 1000  # samples per packet
        self.dtmf_pt = dtmf_pt
        self.seq = random.randint(0, 0xFFFF)
        self.ts = random.randint(0, 0x7FFFFFFF)
        self.ssrc = random.randint(1, 0xFFFFFFFF)
        self.received = []
        self.remote = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._rx, daemon=True)
        self._thread.start()

    # ---- receive
    def _rx(self):
        while not self._stop.is_set():
            try:
                data, addr = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            data = self._incoming(data)
            p = None if data is None else RtpPacket.parse(data, addr, time.monotonic())
            if p is not None:
                with self._lock:
                    self.received.append(p)

    def _incoming(self, data):
        """The RTP packet in a datagram, or None to drop it (an SRTP peer decrypts here)."""
        return data

    def packets(self):
        with self._lock:
            return list(self.received)

    # ---- send
    def _send(self, pt, payload, marker=False, ts=None):
        pkt = build_rtp(pt, self.seq, self.ts if ts is None else ts, self.ssrc, payload, marker)
        self.seq = (self.seq + 1) & 0xFFFF
        self.sock.sendto(pkt, self.remote)

    def send_samples(self, samples):
        """Send linear samples as paced audio packets (ptime each)."""
        assert self.remote, "remote RTP address not set"
        t0 = time.monotonic()
        n = 0
        for i in range(0, len(samples) - self.spp + 1, self.spp):
            due = t0 + n * self.ptime / 1000.0
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._send(self.pt, encode(self.codec, samples[i:i + self.spp]), marker=(n == 0))
            self.ts = (self.ts + self.spp) & 0xFFFFFFFF
            n += 1
        return n

    def send_tone(self, freq, seconds, amplitude=8000):
        return self.send_samples(tone(freq, int(SAMPLE_RATE * seconds), amplitude))

    def send_silence(self, seconds):
        return self.send_samples([0] * int(SAMPLE_RATE * seconds))

    def send_dtmf(self, digit, marker=True, packets=5, end_packets=3, volume=10):
        """RFC 4733 event: `packets` updates every ptime with growing duration, then `end_packets` with E bit.

        All packets of an event carry the event's start timestamp. `marker=False` imitates senders that
        omit the marker bit on the first packet.
        """
        assert self.remote, "remote RTP address not set"
        event = DTMF_EVENTS[digit]
        start_ts = self.ts
        step = self.spp
        duration = 0
        for i in range(packets):
            duration += step
            payload = struct.pack("!BBH", event, volume & 0x3F, duration)
            self._send(self.dtmf_pt, payload, marker=(marker and i == 0), ts=start_ts)
            time.sleep(self.ptime / 1000.0)
        for _ in range(end_packets):
            payload = struct.pack("!BBH", event, 0x80 | (volume & 0x3F), duration)
            self._send(self.dtmf_pt, payload, marker=False, ts=start_ts)
            time.sleep(0.005)
        self.ts = (start_ts + duration) & 0xFFFFFFFF

    def close(self):
        self._stop.set()
        try:
            self.sock.close()
        except OSError:
            pass
        self._thread.join(timeout=1)


def analyse_audio(packets, codec, freqs=(600, 1000, 1500)):
    """Decode payloads of the given codec (arrival order) -> (samples, {freq: power})."""
    pt = CODECS[codec][0]
    samples = []
    for p in packets:
        if p.pt == pt:
            samples.extend(decode(codec, p.payload))
    return samples, block_powers(samples, freqs)


def voiced_samples(packets, codec, min_rms=500.0):
    """Samples of only those packets whose level is clearly above silence."""
    pt = CODECS[codec][0]
    out = []
    for p in packets:
        if p.pt != pt:
            continue
        s = decode(codec, p.payload)
        if rms(s) >= min_rms:
            out.extend(s)
    return out


def telephone_events(packets, pt):
    """RFC 4733 packets of payload type `pt`, grouped into events by RTP timestamp (arrival order) ->
    [{"ts", "event", "events" (codes seen), "marker" (of the first packet), "markers", "ends" (E-bit packets),
      "durations", "count", "first_arrival", "last_arrival", "ssrc"}]."""
    out = []
    by_ts = {}
    for p in packets:
        if p.pt != pt or len(p.payload) < 4:
            continue
        ev, flags, dur = struct.unpack("!BBH", p.payload[:4])
        e = by_ts.get((p.ssrc, p.ts))
        if e is None:
            e = {"ts": p.ts, "ssrc": p.ssrc, "event": ev, "events": [], "marker": p.marker, "markers": 0, "ends": 0,
                 "durations": [], "count": 0, "first_arrival": p.arrival, "last_arrival": p.arrival}
            by_ts[(p.ssrc, p.ts)] = e
            out.append(e)
        if ev not in e["events"]:
            e["events"].append(ev)
        e["markers"] += 1 if p.marker else 0
        e["ends"] += 1 if flags & 0x80 else 0
        e["durations"].append(dur)
        e["count"] += 1
        e["last_arrival"] = p.arrival
    return out
