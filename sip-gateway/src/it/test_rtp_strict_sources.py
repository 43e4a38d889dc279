"""Strict RTP sources (issue 8, "Media"): an attacker on 127.0.0.2 who sends to a call's RTP port from the 200 OK
on, during the phone's stream and during a 1 s pause of it, gets none of the call's audio and plays nothing into
it; an INVITE whose c= names a third party (127.0.0.3) that never sends gets that party no RTP at all.

The figures printed (packets the attacker/third party received) are the note's before/after: run with
GATEWAY_JAR pointing at an older jar to see the old behaviour (the asserts then fail)."""
import random
import socket
import threading
import time

from it_harness import HOST, SCENARIOS, assert_sipp_ok, only_call, start_media_call, wait_until
from it_media import analyse_audio, build_rtp, encode, tone, voiced_samples

PHONE_HZ = 1000
ATTACK_HZ = 2000


class Attacker:
    """A raw UDP socket on another loopback address: sends paced RTP (a 2 kHz tone) to `target` and counts what
    comes back. Linux routes all of 127/8 to lo, so 127.0.0.2 is a different source for the gateway."""

    def __init__(self, host):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.sock.settimeout(0.1)
        self.sent = 0
        self.received = 0
        self._stop = threading.Event()
        self._rx = threading.Thread(target=self._receive, daemon=True)
        self._rx.start()

    def _receive(self):
        while not self._stop.is_set():
            try:
                self.sock.recvfrom(4096)
                self.received += 1
            except socket.timeout:
                continue
            except OSError:
                return

    def flood(self, target, seconds):
        """Sends one 20 ms PCMU packet of the attack tone every 20 ms for `seconds`."""
        seq, ts, ssrc = random.randint(0, 0xFFFF), random.randint(0, 0x7FFFFFFF), random.randint(1, 0xFFFFFFFF)
        t0 = time.monotonic()
        for n in range(int(seconds * 50)):
            delay = t0 + n * 0.02 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            payload = encode("PCMU", tone(ATTACK_HZ, 160, 8000, start=n * 160))
            self.sock.sendto(build_rtp(0, seq + n, ts + 160 * n, ssrc, payload, marker=(n == 0)), target)
            self.sent += 1

    def close(self):
        self._stop.set()
        self.sock.close()
        self._rx.join(1)


def test_attacker_gets_no_audio_and_plays_none_before_during_and_in_a_pause(gateway, sipp, rtp_peer):
    peer = rtp_peer("PCMU", 20)
    attacker = Attacker("127.0.0.2")
    try:
        run, port = start_media_call(sipp, gateway, peer, "uac_call.xml", pause_ms=7000)
        target = (HOST, port)
        # from the 200 OK on, 4.5 s: before the phone (0.5 s), with it (1 s), in its 1 s pause, with it again
        flood = threading.Thread(target=attacker.flood, args=(target, 4.5), daemon=True)
        flood.start()
        time.sleep(0.5)
        peer.send_tone(PHONE_HZ, 1.0)
        time.sleep(1.0)  # the phone pauses: the old gateway re-latched to the attacker after 0.5 s of silence
        peer.send_tone(PHONE_HZ, 1.0)
        flood.join(10)
        time.sleep(0.5)  # the echo's tail
        call = only_call(gateway)
        media = call["media"]
        pkts = peer.packets()
        print("attacker sent %d packets to the call's port, received %d; the phone received %d; media %r" % (
            attacker.sent, attacker.received, len(pkts), media))

        assert attacker.received == 0, "the attacker received %d of the call's packets" % attacker.received
        voiced = voiced_samples(pkts, "PCMU")
        assert len(voiced) >= 1.5 * 8000, "the phone's 2 s of tone must come back, got %.2f s" % (len(voiced) / 8000.0)
        _, powers = analyse_audio(pkts, "PCMU", (PHONE_HZ, ATTACK_HZ))
        assert powers[ATTACK_HZ] < powers[PHONE_HZ] / 100, "the attacker's tone reached the call: %r" % powers
        assert media["remote"] == "%s:%d" % (HOST, peer.port), media
        assert media["latches"] == 1, "the attacker must never move the latch: %r" % media
        assert media["foreignDropped"] >= attacker.sent * 0.95, "attacker packets counted: %r" % media
        assert media["packetsIn"] == 100, "only the phone's 100 packets are heard: %r" % media
        run.wait(30)
        assert_sipp_ok(run)
    finally:
        attacker.close()
    gateway.wait_no_calls()


def test_c_line_naming_a_silent_third_party_gets_no_rtp(gateway, sipp, tmp_path):
    victim = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    victim.bind(("127.0.0.3", 0))
    victim.settimeout(0.1)
    received = []

    def count():
        while True:
            try:
                received.append(victim.recvfrom(4096))
            except socket.timeout:
                continue
            except OSError:
                return

    threading.Thread(target=count, daemon=True).start()
    # the basic call scenario with c= naming the victim; sipp itself sends no RTP
    scenario = tmp_path / "uac_call_third_party.xml"
    text = (SCENARIOS / "uac_call.xml").read_text()
    assert "c=IN IP4 [local_ip]" in text
    scenario.write_text(text.replace("c=IN IP4 [local_ip]", "c=IN IP4 127.0.0.3"))
    try:
        run = sipp.start(str(scenario), gateway, pause_ms=3000, keys={"rtp_port": victim.getsockname()[1]})
        run.rtp_port()
        call = only_call(gateway)
        # a second of due packets held back (or, on the old gateway, the first ones sent to the victim)
        wait_until(lambda: received or gateway.calls()[0].get("media", {}).get("sendSuppressed", 0) >= 50, 5,
                   message="a second of due packets suppressed")
        media = gateway.calls()[0]["media"]
        run.wait(30)
        assert_sipp_ok(run)
        print("c= named 127.0.0.3:%d: it received %d packets; media %r" % (
            victim.getsockname()[1], len(received), media))
        assert received == [], "the third party in c= received %d packets" % len(received)
        assert media["packetsOut"] == 0 and media["remote"] == "", media
        assert media["signalled"] == "127.0.0.3:%d" % victim.getsockname()[1], media
        assert call["state"] == "active"
    finally:
        victim.close()
    gateway.wait_no_calls()
