#!/usr/bin/env python3
"""A cheap agent presence for load runs: joins rooms <prefix>1..N before the calls arrive, one participant per room
that publishes a silent audio track (no frame is ever captured, so nothing is encoded or sent), so the gateway sees
"someone publishes audio" in its JoinResponse and answers as soon as its own publisher is ready instead of after
the ringing timeout. Once the phone's participant has joined a room, the bot unpublishes its track there (the
gateway has seen it in its JoinResponse; an idle published track costs the rtc SDK ~3 % of a core per room).
Writes <ready_file> once every room is joined; runs until SIGTERM.

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
        pub = await room.local_participant.publish_track(track, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE))

        def on_participant(p):
            # The phone's JoinResponse has listed our audio track (the gateway latches the presence at join), so
            # stop paying for it: an idle published track costs the rtc SDK ~3 % of a core per room, 50 rooms most
            # of this machine; unpublished, the participant costs ~0.5 %.
            if getattr(on_participant, "done", False):
                return
            on_participant.done = True
            asyncio.ensure_future(room.local_participant.unpublish_track(pub.sid))

        room.on("participant_connected", on_participant)
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
