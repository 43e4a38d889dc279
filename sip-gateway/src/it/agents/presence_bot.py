#!/usr/bin/env python3
"""A cheap agent presence for load runs: joins rooms <prefix>1..N before the calls arrive, one participant per room
that publishes a silent audio track (no frame is ever captured, so nothing is encoded or sent), so the gateway sees
"someone publishes audio" in its JoinResponse and answers as soon as its own publisher is ready instead of after
the ringing timeout. Writes <ready_file> once every room is joined; runs until SIGTERM.

Usage: presence_bot.py --url ws://127.0.0.1:7880 --prefix load-1666 --rooms 50 --ready-file /tmp/x [--key K --secret S]
Needs the livekit (rtc) and livekit-api Python packages; key/secret default to devkey/secret (livekit-server --dev).
Used by test_setup_burst.py and bench/load/load.py --presence.
"""
import argparse
import asyncio
import signal

from livekit import api, rtc


async def join(url, key, secret, room_name, gate):
    async with gate:
        token = (api.AccessToken(key, secret).with_identity("bot-" + room_name).with_name("presence bot")
                 .with_grants(api.VideoGrants(room_join=True, room=room_name, can_publish=True,
                                              can_subscribe=False)).to_jwt())
        room = rtc.Room()
        await room.connect(url, token, rtc.RoomOptions(auto_subscribe=False))
        source = rtc.AudioSource(48000, 1)
        track = rtc.LocalAudioTrack.create_audio_track("bot", source)
        await room.local_participant.publish_track(track, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE))
        return room


async def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True)
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--rooms", type=int, required=True)
    ap.add_argument("--ready-file", required=True)
    ap.add_argument("--key", default="devkey")
    ap.add_argument("--secret", default="secret")
    a = ap.parse_args()
    gate = asyncio.Semaphore(8)
    rooms = await asyncio.gather(*(join(a.url, a.key, a.secret, "%s%d" % (a.prefix, i), gate) for i in range(1, a.rooms + 1)))
    with open(a.ready_file, "w") as f:
        f.write("%d\n" % len(rooms))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    for r in rooms:
        await r.disconnect()


if __name__ == "__main__":
    asyncio.run(main())
