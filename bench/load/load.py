#!/usr/bin/env python3
"""Load run: N concurrent two-way calls through the real gateway, measured from outside.

Each call is a sipp UAC whose RTP is sent by sipp itself (rtp_stream: a looping PCMU tone), so the driver's own
cost stays out of the gateway's figures. With --livekit, a real livekit-server (--dev) is started and every call
is bridged into its own room (WebRTC: ICE, DTLS-SRTP, Opus both ways).

Measured:
  * gateway CPU per call: CPU seconds the gateway process used during a steady window (all calls up), divided
    by wall time and call count (from /proc/<pid>/stat; utime+stime in clock ticks);
  * INVITE -> 200 OK: sipp's response-time measure (rtd), mean and max over all calls;
  * RSS and thread count of the gateway before, during and after;
  * with --pacing (needs tshark): the gateway's send pacing, from kernel timestamps of every RTP packet it sends
    to the phones during 5 s of the steady window: per stream, the deviation of each inter-packet gap from 20 ms,
    reported as p50/p99/max over all streams.

Usage: bench/load/load.py --calls 50 --seconds 20 [--livekit] [--pacing] [--stress 2] [--jar sip-gateway/target/gateway.jar]
Needs: sipp (sip-tester), java; with --livekit the livekit-server binary (LIVEKIT_SERVER_BIN or ~/go/bin/server).
"""
import argparse, os, re, secrets, signal, socket, subprocess, sys, tempfile, time, math, json

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def free_port(kind=socket.SOCK_DGRAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def proc_stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    with open(f"/proc/{pid}/status") as f:
        status = f.read()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) // 1024
    threads = int(re.search(r"Threads:\s+(\d+)", status).group(1))
    return (utime + stime) / os.sysconf("SC_CLK_TCK"), rss, threads


def wait_http(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port} within {timeout}s")


SCENARIO = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="load call">
  <send retrans="500" start_rtd="1"><![CDATA[
INVITE sip:%(callee)s@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: load <sip:+1555[call_number]@[local_ip]:[local_port]>;tag=[pid]T[call_number]
To: <sip:%(callee)s@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: sip:load@[local_ip]:[local_port]
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=load 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio [rtpstream_audio_port] RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=ptime:20
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="1" rrs="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: load <sip:+1555[call_number]@[local_ip]:[local_port]>;tag=[pid]T[call_number]
To: <sip:%(callee)s@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
  <nop><action><exec rtp_stream="%(audio)s,-1,0"/></action></nop>
  <pause milliseconds="%(hold_ms)d"/>
  <send retrans="500"><![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: load <sip:+1555[call_number]@[local_ip]:[local_port]>;tag=[pid]T[call_number]
To: <sip:%(callee)s@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 2 BYE
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200"/>
</scenario>
"""


def ulaw(x):
    sign = 0x80 if x < 0 else 0
    x = min(abs(x), 32635) + 0x84
    exp = 7
    for e in range(7, -1, -1):
        if x & (0x4000 >> (7 - e)):
            exp = e
            break
    return ~(sign | (exp << 4) | ((x >> (exp + 3)) & 0x0F)) & 0xFF


def call_timing(calls, rate, seconds):
    """(ramp-up seconds, how long each call is held in ms) so that all calls overlap for the steady window."""
    ramp = calls / rate + 3
    return ramp, int((ramp + seconds + 2) * 1000)


def write_call_files(work, hold_ms, callee="service"):
    """Writes the caller's audio and the sipp scenario into work; returns the scenario's path."""
    audio = os.path.join(work, "tone.ulaw")
    with open(audio, "wb") as f:   # 1 s of a 440 Hz tone with a slow tremolo: speech-like enough for Opus
        f.write(bytes(ulaw(int(9000 * (0.6 + 0.4 * math.sin(2 * math.pi * 3 * i / 8000)) * math.sin(2 * math.pi * 440 * i / 8000)))
                      for i in range(8000)))
    scen = os.path.join(work, "call.xml")
    with open(scen, "w") as f:
        f.write(SCENARIO % {"audio": audio, "hold_ms": hold_ms, "callee": callee})
    return scen


def start_sipp(work, scen, calls, rate, hold_ms, sip_port, media_port=None):
    """sipp placing `calls` calls at `rate` per second to 127.0.0.1:sip_port. Its statistics go to work/stat.csv
    (read with sipp_stat), each call's INVITE -> 200 OK to work/call_<pid>_rtt.csv (read with invite_to_200_ms)."""
    return subprocess.Popen(["sipp", "-sf", scen, "-m", str(calls), "-l", str(calls), "-r", str(rate),
                             "-i", "127.0.0.1", "-p", str(free_port()), "-mp", str(media_port or (free_port() & ~1)),
                             "-nostdin", "-trace_stat", "-stf", os.path.join(work, "stat.csv"), "-fd", "1",
                             "-trace_rtt", "-rtt_freq", "1",
                             "-trace_err", "-error_file", os.path.join(work, "errors.log"),
                             "-timeout", str(hold_ms // 1000 + 60) + "s", f"127.0.0.1:{sip_port}"],
                            stdout=open(os.path.join(work, "sipp.out"), "w"), stderr=subprocess.STDOUT, cwd=work)


def sipp_stat(work):
    """sipp's last statistics row as {column: value} (ResponseTime1(C) is the mean INVITE -> 200 OK)."""
    stat = open(os.path.join(work, "stat.csv")).read().strip().splitlines()
    return dict(zip(stat[0].split(";"), stat[-1].split(";")))


def invite_to_200_ms(work):
    """Every call's INVITE -> 200 OK in ms, in the order the 200s arrived (sipp's -trace_rtt file)."""
    out = []
    for name in os.listdir(work):
        if name.endswith("_rtt.csv"):
            for line in open(os.path.join(work, name)).read().splitlines()[1:]:
                parts = line.split(";")
                if len(parts) >= 2 and parts[1].strip():
                    out.append(float(parts[1]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=20, help="steady window measured with all calls up")
    ap.add_argument("--rate", type=int, default=10, help="new calls per second while ramping up")
    ap.add_argument("--livekit", action="store_true")
    ap.add_argument("--pacing", action="store_true", help="capture the gateway's RTP with tshark and report pacing jitter")
    ap.add_argument("--stress", type=int, default=0, help="also run `stress-ng --cpu N` (CPU hogs) from the gateway's start to the end")
    ap.add_argument("--nice", type=int, default=None, help="run the gateway under `nice -n N` (negative needs root/CAP_SYS_NICE)")
    ap.add_argument("--settle", type=int, default=3, help="seconds to wait after the calls end before the last RSS/thread reading")
    ap.add_argument("--presence", action="store_true",
                    help="with --livekit: a bot publishing a (silent) audio track waits in each call's room, so the "
                         "gateway answers when its publisher is ready instead of after the 1 s ringing timeout")
    ap.add_argument("--jar", default=os.path.join(ROOT, "sip-gateway/target/gateway.jar"))
    a = ap.parse_args()
    if not os.path.exists(a.jar):
        raise SystemExit(f"{a.jar} missing: run `mvn -q -B package -DskipTests` first")
    work = tempfile.mkdtemp(prefix="gw-load-")
    ramp, hold_ms = call_timing(a.calls, a.rate, a.seconds)
    # with --presence each call dials its own number, so its room (callee rule, no random suffix) is known
    scen = write_call_files(work, hold_ms, callee="1666[call_number]" if a.presence else "service")
    sip_port, http_port = free_port(), free_port(socket.SOCK_STREAM)
    http_token = secrets.token_hex(32)  # the HTTP API's operator token, given through GATEWAY_HTTP_TOKEN
    procs = []
    lk_udp = None
    cfg = [f"sip: {{bind: 127.0.0.1, port: {sip_port}}}",
           "rtp: {bind: 127.0.0.1, portMin: 40000, portMax: 44000, timeoutSeconds: 30}",
           f"http: {{bind: 127.0.0.1, port: {http_port}}}",
           # every call comes from sipp on 127.0.0.1 with no trunk configured: lift the open default's per-source
           # caps (one unanswered call per source, 20 requests/s), which are there for strangers, not a load driver
           f"limits: {{maxCalls: {a.calls + 10}, drainSeconds: 2, requestsPerSecondPerSource: 0, "
           f"maxUnconfirmed: {a.calls + 10}, maxUnconfirmedPerSource: {a.calls + 10}, invitesPerSecond: 0}}",
           "localAgent: {greeting: none}"]
    try:
        if a.livekit:
            lk_bin = os.environ.get("LIVEKIT_SERVER_BIN", os.path.expanduser("~/go/bin/server"))
            lk_port = free_port(socket.SOCK_STREAM)
            lk_udp = free_port()
            procs.append(subprocess.Popen([lk_bin, "--dev", "--bind", "127.0.0.1", "--node-ip", "127.0.0.1",
                                           "--port", str(lk_port), "--rtc.tcp_port", str(free_port(socket.SOCK_STREAM)),
                                           "--udp-port", str(lk_udp)],
                                          stdout=open(os.path.join(work, "livekit.log"), "w"), stderr=subprocess.STDOUT))
            wait_http(lk_port)
            # no agent joins these rooms: answer after the shortest ring (1 s) instead of the default 15 s
            cfg.append(f'livekit: {{url: "ws://127.0.0.1:{lk_port}", apiKey: devkey, apiSecret: secret, '
                       'ringingTimeoutSeconds: 1, ringingTimeoutAction: answer}')
            if a.presence:
                cfg.append('dispatchRules: [{dispatch_rule: {rule: {dispatchRuleCallee: {roomPrefix: "load-", randomize: false}}}}]')
                ready_file = os.path.join(work, "bot.ready")
                procs.append(subprocess.Popen([os.environ.get("BOT_PYTHON", sys.executable),
                                               os.path.join(ROOT, "sip-gateway/src/it/agents/presence_bot.py"),
                                               "--url", f"ws://127.0.0.1:{lk_port}", "--prefix", "load-1666",
                                               "--rooms", str(a.calls), "--ready-file", ready_file],
                                              stdout=open(os.path.join(work, "bot.log"), "w"), stderr=subprocess.STDOUT))
                deadline = time.time() + 120
                while not os.path.exists(ready_file):
                    if procs[-1].poll() is not None or time.time() > deadline:
                        raise SystemExit("presence bot did not join its rooms: see " + os.path.join(work, "bot.log"))
                    time.sleep(0.2)
        with open(os.path.join(work, "gateway.yaml"), "w") as f:
            f.write("\n".join(cfg) + "\n")
        nice = [] if a.nice is None else ["nice", "-n", str(a.nice)]
        gw = subprocess.Popen(nice + ["java", "-jar", a.jar, "--config", os.path.join(work, "gateway.yaml")],
                              stdout=open(os.path.join(work, "gateway.log"), "w"), stderr=subprocess.STDOUT,
                              env=dict(os.environ, GATEWAY_HTTP_TOKEN=http_token))
        procs.append(gw)
        if a.stress:
            procs.append(subprocess.Popen(["stress-ng", "--cpu", str(a.stress), "--timeout", str(hold_ms // 1000 + 90) + "s"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_http(http_port)
        time.sleep(2)
        cpu0, rss0, thr0 = proc_stat(gw.pid)
        print(f"gateway up (pid {gw.pid}); {a.calls} calls at {a.rate}/s, then {a.seconds}s measured; logs in {work}", flush=True)
        sipp = start_sipp(work, scen, a.calls, a.rate, hold_ms, sip_port)
        procs.append(sipp)
        time.sleep(ramp)
        c1, rss1, thr1 = proc_stat(gw.pid)
        t1 = time.time()
        thread_cpu0 = thread_cpu(gw.pid)
        pacing = measure_pacing(work, exclude_dst=lk_udp) if a.pacing else None
        time.sleep(max(0, a.seconds - (time.time() - t1)))
        c2, rss2, thr2 = proc_stat(gw.pid)
        t2 = time.time()
        threads_top = busiest_threads(gw.pid, thread_cpu0, t1) if a.pacing else None
        try:
            with urlopen_json(http_port, http_token) as calls:
                up = len(calls)
                packets_in = sum(c.get("packetsIn", 0) for c in calls)
                packets_out = sum(c.get("packetsOut", 0) for c in calls)
        except OSError as e:  # a starved gateway may not answer in time: report that instead of failing the run
            up, packets_in, packets_out = "GET /calls failed: %s" % e, None, None
        rc = sipp.wait(timeout=hold_ms / 1000 + 120)
        time.sleep(a.settle)
        c3, rss3, thr3 = proc_stat(gw.pid)
        cpu = (c2 - c1) / (t2 - t1)
        n_up = up if isinstance(up, int) else 0  # GET /calls failed: report it, do not divide by it
        row = sipp_stat(work)
        rtds = rtd_millis(work)
        result = {
            "calls": a.calls, "livekit": a.livekit, "stress_ng_cpu": a.stress, "nice": a.nice, "calls_up_during_window": up,
            "gateway_cpu_percent_of_one_core": round(100 * cpu, 1),
            "cpu_percent_per_call": round(100 * cpu / max(n_up, 1), 3),
            "calls_per_core_at_this_cost": int(1 / (cpu / max(n_up, 1))) if cpu > 0 else None,
            "invite_to_200_ms_mean": row.get("ResponseTime1(C)"),
            "invite_to_200_ms": rtds,
            "successful_calls": row.get("SuccessfulCall(C)"), "failed_calls": row.get("FailedCall(C)"),
            "rtp_packets_in_out_so_far": [packets_in, packets_out],
            "pacing_jitter_ms": pacing,
            "busiest_threads_percent_of_one_core": threads_top,
            "rss_mb": [rss0, rss2, rss3], "threads": [thr0, thr2, thr3], "sipp_exit": rc, "logs": work,
            "machine": f"{os.cpu_count()} cores, " + open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].strip(": \t"),
            "load_average_at_end": os.getloadavg()[0],
        }
        print(json.dumps(result, indent=2))
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


def rtd_millis(work):
    """mean/p90/max INVITE -> 200 OK over the calls (sipp's per-call rtt file, see invite_to_200_ms)."""
    values = sorted(invite_to_200_ms(work))
    if not values:
        return None
    return {"calls": len(values), "mean": round(sum(values) / len(values)), "p90": round(values[int(0.9 * (len(values) - 1))]),
            "max": round(values[-1])}


def thread_cpu(pid):
    """{thread name: CPU seconds} summed over the threads of that name (OkHttp's per-socket threads share one)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                raw = f.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw.rsplit(")", 1)[1].split()
        name = re.sub(r"[-#]?\d+$", "", name)
        out[name] = out.get(name, 0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def busiest_threads(pid, before, since, top=8):
    after, wall = thread_cpu(pid), time.time() - since
    used = {n: round(100 * (after[n] - before.get(n, 0)) / wall, 1) for n in after}
    return dict(sorted(used.items(), key=lambda kv: -kv[1])[:top])


def measure_pacing(work, seconds=5, exclude_dst=None, bpf=None):
    """Kernel timestamps of the gateway's RTP to the phones (source ports 40000-44000 on loopback; the WebRTC
    sockets share that range, so traffic to LiveKit's UDP port is left out). A caller with other ports passes its
    own capture filter as bpf; streams are told apart by source port, even ports only."""
    out = os.path.join(work, "pacing.txt")
    bpf = bpf or "udp src portrange 40000-44000" + (f" and not dst port {exclude_dst}" if exclude_dst else "")
    with open(out, "w") as f:
        subprocess.run(["tshark", "-i", "lo", "-a", f"duration:{seconds}", "-f", bpf,
                        "-T", "fields", "-e", "frame.time_epoch", "-e", "udp.srcport"],
                       stdout=f, stderr=subprocess.DEVNULL, timeout=seconds + 30)
    last, deviations = {}, []
    for line in open(out):
        parts = line.split()
        if len(parts) != 2:
            continue
        t, port = float(parts[0]), parts[1]
        if int(port) % 2:
            continue  # RTCP (odd port), every 5 s
        if port in last:
            deviations.append(abs((t - last[port]) * 1000 - 20.0))
        last[port] = t
    if not deviations:
        return None
    deviations.sort()
    pick = lambda q: round(deviations[min(len(deviations) - 1, int(q * len(deviations)))], 3)
    return {"streams": len(last), "gaps": len(deviations), "p50": pick(0.50), "p99": pick(0.99), "max": round(deviations[-1], 3)}


class urlopen_json:
    def __init__(self, port, token):
        import urllib.request
        req = urllib.request.Request(f"http://127.0.0.1:{port}/calls", headers={"Authorization": "Bearer " + token})
        self.data = json.loads(urllib.request.urlopen(req, timeout=10).read())

    def __enter__(self):
        return self.data

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    main()
