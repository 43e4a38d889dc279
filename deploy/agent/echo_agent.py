"""Example agent for deploy/compose.yaml: answers every phone call the gateway puts into a room by repeating what
the caller says, half a second later. Replace it with your own livekit-agents worker; keep AGENT_NAME equal to the
dispatch rule's agent_name (deploy/compose/gateway.yaml).

Run: python echo_agent.py   with LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET [, AGENT_NAME]
"""
import asyncio
import logging
import os

from livekit import rtc
from livekit.agents import AgentServer, AutoSubscribe, JobContext

AGENT_NAME = os.environ.get("AGENT_NAME", "echo-agent")
RATE = 48000
MAX_CALLS = int(os.environ.get("AGENT_MAX_CALLS", "20"))  # echo jobs this worker takes at once
DELAY_FRAMES = 25  # 25 frames of 20 ms: the caller hears themselves 0.5 s later, not as a sidetone

LOG = logging.getLogger("echo_agent")


async def echo(ctx: JobContext, track: rtc.Track):
    source = rtc.AudioSource(RATE, 1)
    await ctx.room.local_participant.publish_track(
        rtc.LocalAudioTrack.create_audio_track("echo", source),
        rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE))
    delayed = asyncio.Queue(maxsize=DELAY_FRAMES + 5)
    stream = rtc.AudioStream.from_track(track=track, sample_rate=RATE, num_channels=1, frame_size_ms=20)
    async for event in stream:
        if delayed.full():
            delayed.get_nowait()  # never let a slow room grow the delay
        delayed.put_nowait(event.frame)
        if delayed.qsize() > DELAY_FRAMES:
            await source.capture_frame(delayed.get_nowait())


async def entrypoint(ctx: JobContext):
    started = set()

    def on_track(track, publication, participant):
        # the phone: the gateway joins it as a participant of kind SIP
        if participant.kind == rtc.ParticipantKind.PARTICIPANT_KIND_SIP and track.kind == rtc.TrackKind.KIND_AUDIO \
                and participant.identity not in started:
            started.add(participant.identity)
            LOG.info("room %s: echoing %s (%s)", ctx.room.name, participant.identity,
                     participant.attributes.get("sip.phoneNumber", "?"))
            asyncio.ensure_future(echo(ctx, track))

    ctx.room.on("track_subscribed", on_track)
    await ctx.connect(auto_subscribe=AutoSubscribe.AUDIO_ONLY)


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    server = AgentServer(
        ws_url=os.environ["LIVEKIT_URL"], api_key=os.environ["LIVEKIT_API_KEY"],
        api_secret=os.environ["LIVEKIT_API_SECRET"],
        # the worker's health endpoint (host networking: pick a free port; 0 = any)
        port=int(os.environ.get("AGENT_HTTP_PORT", "8081")),
        # load by calls, not by the host's CPU: next to livekit-server and the gateway a busy CPU is normal, and a
        # worker reporting full load gets no calls (the gateway answers them after livekit.ringingTimeoutSeconds)
        load_fnc=lambda srv: len(srv.active_jobs) / MAX_CALLS)
    server.rtc_session(entrypoint, agent_name=AGENT_NAME)
    asyncio.run(server.run(devmode=False))


if __name__ == "__main__":
    main()
