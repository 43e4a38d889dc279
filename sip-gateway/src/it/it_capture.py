"""Loopback packet capture with kernel timestamps, for timing figures measured the way a capture measures them.

A raw AF_PACKET socket on `lo` (needs root, as tshark would) sees every UDP datagram sent on 127.0.0.0/8 with the
kernel's receive timestamp (SO_TIMESTAMPNS), so "packet from LiveKit in -> packet to the phone out" is read off the
wire, not off a Python thread that may be descheduled. Only the datagrams a `Capture` is asked for are kept (by
UDP port), with their full UDP payload, so a test can decode audio from them.

Usage:
    with Capture(ports={lk_udp_port, phone_port}) as cap:
        ... run the call ...
    for d in cap.datagrams(): d.ts, d.sport, d.dport, d.payload
"""
import os
import socket
import struct
import threading
from dataclasses import dataclass

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = 35          # linux: also SCM_TIMESTAMPNS
PACKET_OUTGOING = 4          # each loopback packet is seen twice; keep the copy on its way out
ETH_HEADER = 14              # lo frames carry a zeroed Ethernet header


@dataclass(frozen=True)
class Datagram:
    ts: float        # kernel timestamp, seconds (CLOCK_REALTIME)
    src: str
    sport: int
    dst: str
    dport: int
    payload: bytes


def available():
    """True when this process may open a raw packet socket (root or CAP_NET_RAW)."""
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    except (PermissionError, OSError, AttributeError):
        return False
    s.close()
    return True


class Capture:
    """Captures UDP datagrams on `lo` whose source or destination port is in `ports` (a set, may grow later)."""

    def __init__(self, ports=(), max_datagrams=200_000):
        self.ports = set(ports)
        self._max = max_datagrams
        self._got = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self._sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self._sock.bind(("lo", 0))
        self._sock.settimeout(0.2)
        self._thread = threading.Thread(target=self._run, name="lo-capture", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def watch(self, port):
        self.ports.add(port)

    def _run(self):
        cmsg_size = socket.CMSG_SPACE(16)
        while not self._stop.is_set():
            try:
                data, ancdata, _flags, addr = self._sock.recvmsg(65600, cmsg_size)
            except socket.timeout:
                continue
            except OSError:
                return
            if addr[2] != PACKET_OUTGOING or len(data) < ETH_HEADER + 28:
                continue
            d = self._udp(data, ancdata)
            if d is not None:
                with self._lock:
                    if len(self._got) < self._max:
                        self._got.append(d)

    def _udp(self, frame, ancdata):
        ip = frame[ETH_HEADER:]
        if ip[0] >> 4 != 4 or ip[9] != 17:
            return None
        ihl = (ip[0] & 0x0F) * 4
        sport, dport, length = struct.unpack_from("!HHH", ip, ihl)
        if sport not in self.ports and dport not in self.ports:
            return None
        ts = None
        for level, kind, value in ancdata:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= 16:
                sec, nsec = struct.unpack("qq", value[:16])
                ts = sec + nsec / 1e9
        if ts is None:
            return None
        return Datagram(ts, socket.inet_ntoa(ip[12:16]), sport, socket.inet_ntoa(ip[16:20]), dport,
                        bytes(ip[ihl + 8:ihl + length]))

    def datagrams(self, sport=None, dport=None):
        with self._lock:
            got = list(self._got)
        return [d for d in got if (sport is None or d.sport == sport) and (dport is None or d.dport == dport)]

    def close(self):
        self._stop.set()
        try:
            self._sock.close()
        except OSError:
            pass
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(2)


def is_rtp(payload):
    """An RTP (not RTCP, STUN or DTLS) packet by RFC 7983's first-byte ranges and RTCP's payload types."""
    if len(payload) < 12 or not 128 <= payload[0] <= 191:
        return False
    return not 72 <= (payload[1] & 0x7F) <= 78   # RTCP packet types 200..206 with the marker bit folded in


def rtp_header_size(payload):
    """Bytes of RTP header including CSRCs and a header extension (RFC 3550 §5.3.1)."""
    cc = payload[0] & 0x0F
    size = 12 + 4 * cc
    if payload[0] & 0x10 and len(payload) >= size + 4:
        words = struct.unpack_from("!H", payload, size + 2)[0]
        size += 4 + 4 * words
    return size


def root_or_skip_reason():
    return None if os.geteuid() == 0 and available() else "loopback capture needs root (AF_PACKET)"
