import os
"""pytest fixtures for the SIP gateway end-to-end tests (see README.md).

A test asks for `gateway_factory` (or `gateway`, the default configuration), `sipp` (a runner of sipp
scenarios from ./scenarios) and `rtp_peer` (the test's own RTP socket). Every process is stopped at
teardown, also when the test fails; on failure the gateway's output and the sipp logs are printed into the
pytest report.
"""
import importlib.util
import shutil
from pathlib import Path

import pytest

from it_harness import (JAR, SIPP, Gateway, SippRunner, base_config, deep_merge, free_port, free_rtp_range,
                        free_sip_port, release_rtp_range)


# The LiveKit tests need the packages of requirements.txt (livekit, livekit-api, livekit-agents, numpy); the other
# tests need only the stdlib and pytest. Under an interpreter without those packages test_livekit.py is not
# collected (the report header says so); run it with the venv python, see README.md.
_LIVEKIT_PACKAGES = ("livekit.rtc", "livekit.api", "livekit.agents", "numpy")


def _missing_livekit_packages():
    missing = []
    for name in _LIVEKIT_PACKAGES:
        try:
            if importlib.util.find_spec(name) is None:
                missing.append(name)
        except (ImportError, ValueError):
            missing.append(name)
    return missing


_MISSING = _missing_livekit_packages()
if _MISSING and os.environ.get("GATEWAY_REQUIRE_LIVEKIT_TESTS") == "1":
    # test.sh sets this: in CI a missing package must fail the run, not quietly drop the LiveKit tests
    raise RuntimeError("LiveKit tests required but this python lacks %s; run test.sh (it builds .venv)" % ", ".join(_MISSING))
LIVEKIT_TEST_FILES = ["test_livekit.py", "test_livekit_control.py", "test_livekit_ringing.py", "test_first_call.py",
                      "test_downlink_timing.py", "test_toll_fraud.py", "test_srtp_outbound.py", "test_livekit_threads.py", "test_setup_burst.py"]
collect_ignore = list(LIVEKIT_TEST_FILES) if _MISSING else []


def pytest_report_header(config):
    if _MISSING:
        return "LiveKit tests (%s) not collected: this python lacks %s " \
               "(use a venv with sip-gateway/src/it/requirements.txt)" % (", ".join(LIVEKIT_TEST_FILES), ", ".join(_MISSING))
    return None


# --------------------------------------------------------------------------- fixtures
@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def _failed(request):
    for when in ("setup", "call"):
        rep = getattr(request.node, "rep_" + when, None)
        if rep is not None and rep.failed:
            return True
    return False


@pytest.fixture(scope="session")
def gateway_jar():
    if not JAR.is_file():
        pytest.fail("gateway jar not found at %s: build it first with `mvn -q -B package -DskipTests` "
                    "from the repository root (or set GATEWAY_JAR)." % JAR, pytrace=False)
    if not Path(SIPP).exists() and not shutil.which(SIPP):
        pytest.fail("sipp not found (install Debian package sip-tester or set SIPP)", pytrace=False)
    return JAR


@pytest.fixture
def gateway_factory(gateway_jar, tmp_path, request):
    """gateway_factory(overrides=None, rtp_size=100, start=True) -> started Gateway.

    `overrides` is deep-merged into the default config (lists replaced)."""
    started = []
    ranges = []

    def make(overrides=None, rtp_size=100, start=True):
        lo, hi = free_rtp_range(rtp_size)
        ranges.append((lo, hi))
        cfg = deep_merge(base_config(free_sip_port(), free_port(udp=False, tcp=True), lo, hi), overrides)
        gw = Gateway(tmp_path / ("gateway-%d" % len(started)), cfg)
        started.append(gw)
        if start:
            gw.start()
        return gw

    yield make
    for gw in started:
        gw.stop()
    for lo, hi in ranges:
        release_rtp_range(lo, hi)
    if _failed(request):
        for gw in started:
            print("\n===== gateway %s (exit %s) config =====\n%s" % (gw.workdir, gw.returncode, gw.config_file.read_text()))
            print("===== gateway output (last 20000 chars) =====\n%s" % gw.log_text()[-20000:])


@pytest.fixture
def gateway(gateway_factory):
    return gateway_factory()


@pytest.fixture
def sipp(tmp_path, request):
    runner = SippRunner(tmp_path)
    yield runner
    runner.cleanup()
    if _failed(request):
        for r in runner.runs:
            print("\n===== sipp run %s (rc=%s) =====\n%s" % (r.name, r.rc, r.report()))


@pytest.fixture
def rtp_peer():
    """rtp_peer(codec='PCMU', ptime=20) -> RtpPeer, closed at teardown."""
    from it_media import RtpPeer
    peers = []

    def make(codec="PCMU", ptime=20, dtmf_pt=101):
        p = RtpPeer(codec, ptime, dtmf_pt)
        peers.append(p)
        return p

    yield make
    for p in peers:
        p.close()


# --------------------------------------------------------------------------- LiveKit fixtures (test_livekit*.py)
@pytest.fixture(scope="session")
def livekit_server(tmp_path_factory):
    """One real livekit-server (--dev) for the session."""
    from it_livekit import LiveKitServer
    server = LiveKitServer(tmp_path_factory.mktemp("livekit")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tone_agent(livekit_server, tmp_path_factory):
    """agents/tone_agent.py registered as Quinn_353 for the session."""
    from it_livekit import ToneAgent
    agent = ToneAgent(tmp_path_factory.mktemp("agent"), livekit_server).start()
    yield agent
    agent.stop()


@pytest.fixture
def lk(livekit_server, tone_agent, request):
    """(server, agent) for one test; on failure their logs are printed into the report."""
    yield livekit_server, tone_agent
    if _failed(request):
        print("\n===== tone agent output (last 15000 chars) =====\n%s" % tone_agent.log_text()[-15000:])
        print("\n===== livekit-server output (last 8000 chars) =====\n%s" % livekit_server.log_text()[-8000:])


@pytest.fixture
def room_probe(request):
    """room_probe(server, room, identity="agent-probe") -> connected it_livekit.RoomProbe, closed at teardown;
    its recorded events are printed on failure."""
    from it_livekit import RoomProbe
    probes = []

    def make(server, room, identity="agent-probe"):
        p = RoomProbe(server, room, identity)
        probes.append(p)
        return p.connect()

    yield make
    for p in probes:
        p.close()
    if _failed(request):
        for p in probes:
            print("\n===== room probe %s in %s: events =====" % (p.identity, p.room_name))
            for e in p.events():
                print(e)
