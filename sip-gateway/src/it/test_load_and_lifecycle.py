"""200 calls in a row without leaks; graceful drain on SIGTERM."""
import socket
import subprocess
import time
from datetime import datetime

from it_harness import HOST, JAR, JAVA, assert_sipp_ok, final_status, http, only_call, sip_request


def _unbindable(lo, hi):
    bad = []
    for port in range(lo, hi + 1):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind((HOST, port))
        except OSError:
            bad.append(port)
        finally:
            s.close()
    return bad


def test_200_calls_no_leaks(gateway_factory, sipp):
    gw = gateway_factory({"limits": {"maxCalls": 100}}, rtp_size=400)
    warm = sipp.run("uac_call.xml", gw, calls=10, rate=10, pause_ms=500)
    assert_sipp_ok(warm)
    gw.wait_no_calls(10)
    time.sleep(2)
    threads0, rss0 = gw.threads(), gw.rss_kb()

    run = sipp.run("uac_call.xml", gw, calls=200, rate=20, pause_ms=1000, timeout_s=90, wait_timeout=120)
    assert_sipp_ok(run)
    assert len([m for m in run.received(200) if m.cseq_method == "INVITE"]) >= 200

    gw.wait_no_calls(15)
    assert gw.healthz()["calls"] == 0
    # every RTP port of the range must be released (allow a few seconds for lingering sockets)
    deadline = time.monotonic() + 10
    while True:
        bad = _unbindable(gw.rtp_min, gw.rtp_max + 1)
        if not bad or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert not bad, "RTP ports still bound after all calls ended: %r" % bad
    time.sleep(2)
    threads1, rss1 = gw.threads(), gw.rss_kb()
    assert threads1 <= threads0 + 10, "thread count grew from %d to %d" % (threads0, threads1)
    assert rss1 - rss0 < 150 * 1024, "RSS grew from %d kB to %d kB" % (rss0, rss1)
    assert gw.running()


def test_sigterm_drains(gateway_factory, sipp):
    gw = gateway_factory({"limits": {"drainSeconds": 2}})
    existing = sipp.start("uac_wait_bye.xml", gw)
    only_call(gw)
    assert final_status(sip_request(gw, "OPTIONS")) == 200
    t_term = datetime.now()
    gw.sigterm()
    time.sleep(0.3)
    try:  # optional: while draining, /healthz (if still served with 200) must say so
        status, body, _ = http("GET", gw.base_url + "/healthz", timeout=1)
        if status == 200 and isinstance(body, dict) and "draining" in body:
            assert body["draining"] is True, body
    except OSError:
        pass
    new = sipp.run("uac_reject.xml", gw, timeout_s=5)
    assert_sipp_ok(new)
    resp = new.final_invite_responses()[0]
    assert resp.status == 503, "new INVITE while draining must get 503:\n" + resp.text
    assert resp.header("Retry-After"), "503 must carry Retry-After:\n" + resp.text
    # a trunk or load balancer probing with OPTIONS fails over before it sends the next call here
    options = sip_request(gw, "OPTIONS")
    assert final_status(options) == 503 and options[-1].header("Retry-After"), [m.start_line for m in options]

    existing.wait(20)
    assert_sipp_ok(existing)
    bye = existing.received("BYE")[0]
    dt = (bye.time - t_term).total_seconds()
    assert 1.5 <= dt <= 6.0, "existing call must get BYE after drainSeconds=2 (got it after %.2f s)" % dt
    rc = gw.wait_exit(15)
    assert rc == 0, "gateway must exit 0 after draining, got %r\n%s" % (rc, gw.log_text()[-3000:])


def test_options_says_503_while_every_call_slot_is_taken(gateway_factory, sipp):
    gw = gateway_factory({"limits": {"maxCalls": 1}})
    assert final_status(sip_request(gw, "OPTIONS")) == 200
    held = sipp.start("uac_wait_bye.xml", gw)
    call = only_call(gw)
    full = sip_request(gw, "OPTIONS")
    assert final_status(full) == 503, [m.start_line for m in full]
    assert "Too many calls" in full[-1].start_line and full[-1].header("Retry-After"), full[-1].start_line
    assert gw.post("/calls/%s/hangup" % call["id"])[0] == 200
    held.wait(20)
    gw.wait_no_calls(10)
    assert final_status(sip_request(gw, "OPTIONS")) == 200


def test_an_empty_config_file_is_refused(tmp_path):
    """A truncated config must not start a gateway open to anyone on 0.0.0.0:5060."""
    empty = tmp_path / "gateway.yaml"
    empty.write_text("# nothing yet\n\n")
    out = subprocess.run([JAVA, "-jar", str(JAR), "--config", str(empty)], capture_output=True, text=True,
                         timeout=60, cwd=str(tmp_path))
    assert out.returncode != 0, out.stdout + out.stderr
    assert "is empty" in out.stdout + out.stderr, out.stdout + out.stderr
