"""deploy/agent/echo_agent.py, the example agent of deploy/compose.yaml, against a real livekit-server and the real
gateway with compose/gateway.yaml's dispatch rule: a phone call's tone comes back to the phone from the agent.

What compose runs in containers runs here as processes (no Docker daemon): the same agent file, the same rule and
agent name, a livekit-server in --dev mode instead of compose/livekit.yaml.
"""
import os
import subprocess
import sys
import threading
import time

import pytest

from it_harness import REPO_ROOT, assert_sipp_ok, start_media_call, wait_until
from it_media import analyse_audio, voiced_samples

pytest.importorskip("livekit.agents")
yaml = pytest.importorskip("yaml")

from it_livekit import API_KEY, API_SECRET  # noqa: E402

DEPLOY = REPO_ROOT / "deploy"
TONE_HZ = 1000


@pytest.fixture
def echo_agent(livekit_server, tmp_path, request):
    name = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]["agent"]["environment"]["AGENT_NAME"]
    log = tmp_path / "echo-agent.log"
    out = open(log, "wb")
    env = dict(os.environ, LIVEKIT_URL=livekit_server.ws_url, LIVEKIT_API_KEY=API_KEY, LIVEKIT_API_SECRET=API_SECRET,
               AGENT_NAME=name, AGENT_HTTP_PORT="0", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, str(DEPLOY / "agent" / "echo_agent.py")], stdout=out,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=str(tmp_path), env=env)

    def registered():
        assert proc.poll() is None, "echo agent exited with %s:\n%s" % (proc.returncode, log.read_text()[-5000:])
        return "registered worker" in log.read_text(errors="replace")

    try:
        wait_until(registered, 60, 0.2, "the echo agent to register with livekit-server")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        out.close()
        if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
            print("\n===== echo agent output =====\n%s" % log.read_text(errors="replace")[-8000:])


def test_compose_example_agent_echoes_the_callers_tone(livekit_server, echo_agent, gateway_factory, sipp, rtp_peer):
    compose_cfg = yaml.safe_load((DEPLOY / "compose" / "gateway.yaml").read_text())
    gw = gateway_factory({
        "livekit": {"url": livekit_server.ws_url, "apiKey": API_KEY, "apiSecret": API_SECRET},
        "dispatchRules": compose_cfg["dispatchRules"],
    })
    peer = rtp_peer("PCMU", 20)
    run, _ = start_media_call(sipp, gw, peer, "uac_lk_call.xml", service="+15550100", pause_ms=8000,
                              keys={"caller": "+15550109999", "callsid": "CA1", "accountsid": "AC1"})
    sender = threading.Thread(target=peer.send_tone, args=(TONE_HZ, 6.0), daemon=True)
    sender.start()
    t0 = time.monotonic()
    # phone -> gateway -> room (Opus) -> echo agent -> room -> gateway -> phone (PCMU), 0.5 s later
    wait_until(lambda: len(voiced_samples(peer.packets(), "PCMU")) >= 8000, 20,
               message="1 s of the caller's tone echoed by the agent")
    echoed_after = time.monotonic() - t0
    sender.join(10)
    run.wait(30)
    assert_sipp_ok(run)
    samples, powers = analyse_audio([p for p in peer.packets()], "PCMU", freqs=(600, TONE_HZ, 1500))
    assert powers[TONE_HZ] > 10 * max(powers[600], powers[1500]), powers
    print("echo agent: first second of echo complete %.2f s after the tone started" % echoed_after)
