#!/usr/bin/env python3
"""Self-check of the UAC scenarios in ../scenarios without the gateway: each one is played against a sipp UAS
scenario from this directory that imitates the gateway's side. Run: python3 sip-gateway/src/it/selftest/run_selftest.py
"""
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import it_harness as h  # noqa: E402

PAIRS = [
    # (uac scenario, uas scenario, extra runner kwargs, expected received statuses/requests)
    ("uac_call.xml", "uas_answer.xml", {"pause_ms": 300}, None),
    ("uac_pcap_alaw.xml", "uas_answer.xml", {"pause_ms": 300}, None),
    ("uac_wait_bye.xml", "uas_bye.xml", {}, "BYE"),
    ("uac_transfer_ok.xml", "uas_refer_ok.xml", {}, "REFER"),
    ("uac_transfer_fail.xml", "uas_refer_fail.xml", {"pause_ms": 300}, "REFER"),
    ("uac_cancel.xml", "uas_cancel.xml", {}, 487),
    ("uac_reject.xml", "uas_reject.xml", {}, 404),
    ("uac_reject.xml", "uas_reject503.xml", {}, 503),
    ("uac_auth.xml", "uas_auth.xml", {"auth": ("itest", "secret"), "pause_ms": 300}, 401),
    ("uac_hold.xml", "uas_hold.xml", {"pause_ms": 300}, None),
]


class FakeGw:
    def __init__(self, port):
        self.sip_port = port


def main():
    failures = 0
    tmp = Path(tempfile.mkdtemp(prefix="sipp-selftest-"))
    runner = h.SippRunner(tmp)
    for uac, uas, kw, expect in PAIRS:
        port = h.free_port()
        uas_log = tmp / ("uas-%s-%s.log" % (uas, uac))
        uas_proc = subprocess.Popen([h.SIPP, "-sf", str(HERE / uas), "-i", h.HOST, "-p", str(port), "-t", "u1",
                                     "-m", "1", "-nostdin", "-timeout", "20s", "-trace_msg", "-message_file",
                                     str(uas_log)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL)
        time.sleep(0.3)
        run = runner.start(uac, FakeGw(port), timeout_s=20, **kw)
        rc = run.wait(40)
        try:
            urc = uas_proc.wait(25)
        except subprocess.TimeoutExpired:
            uas_proc.kill()
            urc = "timeout"
        ok = rc == 0 and urc == 0
        if ok and uac != "uac_reject.xml" and uac != "uac_cancel.xml":
            ok = run.port_file.exists() and run.port_file.read_text().strip().isdigit()
        if ok and expect is not None:
            ok = bool(run.received(expect))
        print("%-4s %-22s vs %-20s uac rc=%s uas rc=%s" % ("OK" if ok else "FAIL", uac, uas, rc, urc))
        if not ok:
            failures += 1
            print(run.report(3000))
            print(uas_log.read_text(errors="replace")[-3000:] if uas_log.exists() else "")
    print("logs in", tmp)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
