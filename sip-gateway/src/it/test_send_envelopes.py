"""No envelope per sent packet (issue 9, "No per-packet allocation"): a real call through the real gateway, the phone
sending 2 s of tone while a stranger on 127.0.0.2 floods the call's RTP port, sends every RTP and RTCP packet to
the phone in a pooled envelope (media.udp.DatagramEnvelopes) and none in a new DatagramPacket; the strict source
latch still hears only the phone and counts the stranger's packets.

The gateway reports the totals when its media engine stops ("datagrams sent: N in pooled envelopes, M in new
ones"); an older jar (GATEWAY_JAR=...) allocates a DatagramPacket per packet and has no such line, so the test
fails there. The bytes per packet are measured by bench/ DatagramSendBenchmark (bench/README.md)."""
import re
import threading
import time

from it_harness import HOST, assert_sipp_ok, only_call, start_media_call, wait_until
from test_rtp_strict_sources import Attacker

PHONE_HZ = 1000
TOTALS = re.compile(r"datagrams sent: (\d+) in pooled envelopes, (\d+) in new ones")


def test_every_packet_to_the_phone_leaves_in_a_pooled_envelope_under_a_flood(gateway, sipp, rtp_peer):
    peer = rtp_peer("PCMU", 20)
    attacker = Attacker("127.0.0.2")
    try:
        run, port = start_media_call(sipp, gateway, peer, "uac_call.xml", pause_ms=4000)
        flood = threading.Thread(target=attacker.flood, args=((HOST, port), 2.5), daemon=True)
        flood.start()
        peer.send_tone(PHONE_HZ, 2.0)
        flood.join(10)
        media = only_call(gateway)["media"]
        run.wait(30)
        assert_sipp_ok(run)
    finally:
        attacker.close()
    gateway.wait_no_calls()
    received = len(peer.packets())

    gateway.sigterm()
    assert gateway.wait_exit(30) is not None, "the gateway did not stop on SIGTERM"
    log = gateway.log_text()
    totals = TOTALS.findall(log)
    print("phone received %d packets; attacker sent %d, received %d; media %r; engine totals %r" % (
        received, attacker.sent, attacker.received, media, totals))

    assert totals, "the media engine's stop line reports no envelope totals:\n" + log[-3000:]
    pooled, fresh = (int(x) for x in totals[-1])
    assert received >= 75, "the echo of 2 s of tone must reach the phone, got %d packets" % received
    assert pooled >= received, "every packet the phone got was sent in a pooled envelope: %d < %d" % (pooled, received)
    assert fresh == 0, "%d packets needed a new DatagramPacket" % fresh
    # the new send path keeps the strict source latch: the stranger gets nothing and is counted
    assert attacker.received == 0, "the attacker received %d of the call's packets" % attacker.received
    assert media["latches"] == 1, media
    assert media["foreignDropped"] >= attacker.sent * 0.95, media
