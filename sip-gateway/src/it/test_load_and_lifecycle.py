"""200 calls in a row without leaks; graceful drain on SIGTERM."""
import socket
import time
from datetime import datetime

from it_harness import HOST, assert_sipp_ok, http, only_call


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

    existing.wait(20)
    assert_sipp_ok(existing)
    bye = existing.received("BYE")[0]
    dt = (bye.time - t_term).total_seconds()
    assert 1.5 <= dt <= 6.0, "existing call must get BYE after drainSeconds=2 (got it after %.2f s)" % dt
    rc = gw.wait_exit(15)
    assert rc == 0, "gateway must exit 0 after draining, got %r\n%s" % (rc, gw.log_text()[-3000:])
