#!/usr/bin/env python3
"""Side by side: our gateway and LiveKit SIP, one after the other, against one livekit-server with Redis.

One run starts Redis, livekit-server (using that Redis, STUN pointed at a dead local port, a webhook to the bot)
and the bot (bench/sidebyside/bot: joins every new room, subscribes to the caller and publishes a tone,
silence, or silence with DTX), warms livekit-server with one throwaway room, and then for
each system, each a freshly started process:
  1. our gateway (--jar), configured through its config file: a new room `call-<caller>_<random>` per call;
  2. LiveKit SIP (--livekit-sip PATH; skipped when the file is absent), configured with one inbound trunk and the
     same dispatch rule through livekit-server's SIP API (Twirp, stored in Redis);
places the same sipp calls as bench/load/load.py (its scenario: PCMU, a looping tone sent by sipp itself), N
calls at --rate per second, held for the ramp-up plus the steady window, and measures during the window (all
calls up): CPU of each process from /proc (the system under test, livekit-server, redis, bot, sipp), the system's
threads and RSS, INVITE -> 200 OK of every call (sipp's -trace_rtt), and with --pacing the gaps of the RTP sent
to the phones (tshark). Between the two systems it waits until every call room has closed.

It prints a markdown table (ours, LiveKit SIP, ratio ours/theirs) and the per-process CPU shares, and writes
the same figures as JSON next to the logs. CI does not run this.

Usage: bench/sidebyside/run.py [--calls 20] [--rate 10] [--seconds 20] [--audio tone|silent]
         [--jar sip-gateway/target/gateway.jar] [--livekit-sip /work/wt/livekit-sip/livekit-sip]
         [--only gateway|livekit-sip] [--pacing]
Needs: sipp, java, go (builds the bot), redis-server, libopus-dev + pkg-config (the bot's encoder),
livekit-server (LIVEKIT_SERVER_BIN or ~/go/bin/server); tshark for --pacing. LiveKit SIP is built with
bench/sidebyside/build-livekit-sip.sh.
"""
import argparse, base64, hashlib, hmac, json, os, secrets, shutil, signal, socket, statistics, subprocess
import sys, tempfile, time, urllib.error, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench", "load"))
import load  # noqa: E402  (the sipp scenario, sipp's start and results, /proc readings, pacing capture)

API_KEY, API_SECRET = "benchkey", "bench-secret-of-at-least-32-characters"
ROOM_PREFIX = "call-"
# sipp's RTP ports: below the Linux ephemeral range and outside 40000-44000 (the systems' RTP ports), so a
# capture filter on them sees the RTP to the phones and nothing of the WebRTC legs
SIPP_MEDIA_PORTS = (20000, 29999)


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def token(grants, ttl=3600):
    """A LiveKit access token (HS256 JWT) with the given grants."""
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    now = int(time.time())
    claims = dict(grants, iss=API_KEY, sub="bench", nbf=now - 10, exp=now + ttl)
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64(json.dumps(claims).encode())
    return head + "." + b64(hmac.new(API_SECRET.encode(), head.encode(), hashlib.sha256).digest())


def twirp(port, service, method, body):
    grants = {"video": {"roomCreate": True, "roomList": True, "roomAdmin": True, "room": body.get("room", "")},
              "sip": {"admin": True, "call": True}}
    req = urllib.request.Request(f"http://127.0.0.1:{port}/twirp/livekit.{service}/{method}",
                                 data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": "Bearer " + token(grants),
                                          "Content-Type": "application/json"})
    try:
        return json.loads(urllib.request.urlopen(req, timeout=10).read() or b"{}")
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{service}/{method}: HTTP {e.code} {e.read()[:300]!r}")


def udp_bound(port):
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        with open(table) as f:
            if any(line.split()[1].rsplit(":", 1)[1] == f"{port:04X}" for line in f.read().splitlines()[1:]):
                return True
    return False


def wait_for(what, check, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise SystemExit(f"{what}: not within {timeout} s")


def percentile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))] if s else None


class Procs:
    """Processes of one run, stopped in reverse order at the end (SIGTERM, then SIGKILL after 10 s)."""

    def __init__(self, work):
        self.work, self.items = work, []

    def start(self, name, argv, env=None, cwd=None):
        out = open(os.path.join(self.work, name + ".log"), "w")
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        self.items.append(p)
        return p

    def stop(self, p, timeout=10):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def stop_all(self):
        for p in reversed(self.items):
            self.stop(p)


def build_bot():
    """Builds the bot into a cache directory (go's build cache makes a rebuild cheap)."""
    out = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "gateway-bench", "bot")
    log("building the bot (bench/sidebyside/bot) ...")
    subprocess.run(["go", "build", "-o", out, "."], cwd=os.path.join(HERE, "bot"), check=True,
                   env=dict(os.environ, CGO_ENABLED="1"))
    return out


def start_infrastructure(a, work, procs):
    ports = {"redis": load.free_port(socket.SOCK_STREAM), "lk": load.free_port(socket.SOCK_STREAM),
             "lk_tcp": load.free_port(socket.SOCK_STREAM), "lk_udp": load.free_port(),
             "webhook": load.free_port(socket.SOCK_STREAM), "dead_stun": load.free_port()}
    redis = procs.start("redis", ["redis-server", "--port", str(ports["redis"]), "--bind", "127.0.0.1",
                                  "--save", "", "--appendonly", "no"])
    wait_for("redis", lambda: tcp_open(ports["redis"]), 20)
    cfg = os.path.join(work, "livekit.yaml")
    with open(cfg, "w") as f:
        f.write(f"""port: {ports['lk']}
bind_addresses: [127.0.0.1]
rtc:
  udp_port: {ports['lk_udp']}
  tcp_port: {ports['lk_tcp']}
  use_external_ip: false
  node_ip: 127.0.0.1
  stun_servers: ["127.0.0.1:{ports['dead_stun']}"]   # nothing listens there: nothing leaves the machine
redis:
  address: 127.0.0.1:{ports['redis']}
keys:
  {API_KEY}: {API_SECRET}
webhook:
  api_key: {API_KEY}
  urls: ["http://127.0.0.1:{ports['webhook']}/"]
room:
  empty_timeout: 10
  departure_timeout: 5
logging:
  level: info
""")
    lk_bin = os.environ.get("LIVEKIT_SERVER_BIN", os.path.expanduser("~/go/bin/server"))
    lk = procs.start("livekit-server", [lk_bin, "--config", cfg, "--node-ip", "127.0.0.1"])
    wait_for("livekit-server", lambda: tcp_open(ports["lk"]), 60)
    bot = procs.start("bot", [a.bot_bin, "--url", f"ws://127.0.0.1:{ports['lk']}", "--api-key", API_KEY,
                              "--api-secret", API_SECRET, "--audio", a.audio,
                              "--listen", f"127.0.0.1:{ports['webhook']}", "--poll", "2s"])
    wait_for("bot", lambda: tcp_open(ports["webhook"]), 30)
    # livekit-server's first room costs more than the next ones: pay that before either system is measured
    twirp(ports["lk"], "RoomService", "CreateRoom", {"name": "warmup", "empty_timeout": 5})
    wait_for("bot in the warm-up room", lambda: any(
        p.get("identity") == "bench-bot" for p in
        twirp(ports["lk"], "RoomService", "ListParticipants", {"room": "warmup"}).get("participants", [])), 60)
    log(f"redis :{ports['redis']}, livekit-server :{ports['lk']}, bot ({a.audio}) up and warm")
    return ports, {"livekit-server": lk.pid, "redis": redis.pid, "bot": bot.pid}


def tcp_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        return True
    except OSError:
        return False


def start_gateway(a, work, procs, ports):
    sip_port, http_port = load.free_port(), load.free_port(socket.SOCK_STREAM)
    cfg = os.path.join(work, "gateway.yaml")
    with open(cfg, "w") as f:
        f.write(f"""sip: {{bind: 127.0.0.1, port: {sip_port}}}
rtp: {{bind: 127.0.0.1, portMin: 40000, portMax: 44000, timeoutSeconds: 30}}
http: {{bind: 127.0.0.1, port: {http_port}}}
# every call comes from sipp on 127.0.0.1 with no trunk configured: lift the open default's per-source caps
limits: {{maxCalls: {a.calls + 10}, drainSeconds: 2, requestsPerSecondPerSource: 0, invitesPerSecond: 0,
          maxUnconfirmed: {a.calls + 10}, maxUnconfirmedPerSource: {a.calls + 10}}}
livekit: {{url: "ws://127.0.0.1:{ports['lk']}", apiKey: {API_KEY}, apiSecret: {API_SECRET}}}
dispatchRules:
  - dispatch_rule:
      rule: {{dispatchRuleIndividual: {{roomPrefix: "{ROOM_PREFIX}"}}}}
""")
    p = procs.start("gateway", ["java", "-jar", a.jar, "--config", cfg],
                    env=dict(os.environ, GATEWAY_HTTP_TOKEN=secrets.token_hex(32)))
    # /healthz comes up after the warm-up: the gateway is ready for calls then
    wait_for("gateway", lambda: p.poll() is None and tcp_open(http_port), 120)
    return p, sip_port


def configure_livekit_sip(ports):
    """LiveKit SIP's inbound trunk and dispatch rule, through livekit-server's SIP API (kept in Redis)."""
    twirp(ports["lk"], "SIP", "CreateSIPInboundTrunk", {"trunk": {"name": "bench", "allowed_addresses": ["127.0.0.1"]}})
    twirp(ports["lk"], "SIP", "CreateSIPDispatchRule", {"dispatch_rule": {
        "name": "bench", "rule": {"dispatchRuleIndividual": {"roomPrefix": ROOM_PREFIX}}}})


def start_livekit_sip(a, work, procs, ports):
    sip_port = load.free_port()
    cfg = os.path.join(work, "livekit-sip.yaml")
    with open(cfg, "w") as f:
        f.write(f"""api_key: {API_KEY}
api_secret: {API_SECRET}
ws_url: ws://127.0.0.1:{ports['lk']}
redis: {{address: 127.0.0.1:{ports['redis']}}}
sip_port: {sip_port}
rtp_port: 40000-44000
use_external_ip: false
nat_1_to_1_ip: 127.0.0.1
listen_ip: 127.0.0.1
max_cpu_utilization: 1.0   # the default 0.9 refuses calls when the whole (shared) machine is busy
logging: {{level: info}}
""")
    p = procs.start("livekit-sip", [a.livekit_sip, "--config", cfg])
    wait_for("livekit-sip", lambda: p.poll() is None and udp_bound(sip_port), 60)
    time.sleep(1)  # it registers with livekit-server over Redis right after binding its port
    return p, sip_port


def active_calls(lk_port):
    """Calls answered and still up, as livekit-server sees them: participants whose sip.callStatus is active (both
    systems set that attribute when they answer)."""
    n = 0
    for room in twirp(lk_port, "RoomService", "ListRooms", {}).get("rooms", []):
        if room.get("name", "").startswith(ROOM_PREFIX):
            for p in twirp(lk_port, "RoomService", "ListParticipants", {"room": room["name"]}).get("participants", []):
                n += (p.get("attributes") or {}).get("sip.callStatus") == "active"
    return n


def cpu_of(pids):
    out = {}
    for name, pid in pids.items():
        try:
            out[name] = load.proc_stat(pid)[0]
        except (OSError, AttributeError):
            out[name] = None
    return out


def run_system(a, name, work, procs, ports, infra_pids):
    sys_work = os.path.join(work, name)
    os.makedirs(sys_work)
    log(f"{name}: starting a fresh process")
    sub = Procs(sys_work)
    try:
        return measure_system(a, name, sys_work, sub, ports, infra_pids)
    finally:
        sub.stop_all()


def measure_system(a, name, sys_work, sub, ports, infra_pids):
    # each call is held long enough for a slow start to answer every call (up to --answer-wait after the
    # ramp-up) and then for the whole steady window, with a margin for counting the calls up (two Twirp requests
    # per room, slow on a loaded machine)
    ramp, hold_ms = load.call_timing(a.calls, a.rate, a.settle + a.seconds + a.answer_wait + 10 + a.calls // 20)
    scen = load.write_call_files(sys_work, hold_ms)
    t_start = time.time()
    p, sip_port = (start_gateway if name == "gateway" else start_livekit_sip)(a, sys_work, sub, ports)
    startup_s = time.time() - t_start
    time.sleep(2)
    _, rss0, thr0 = load.proc_stat(p.pid)
    media_port = SIPP_MEDIA_PORTS[0] + 2 * secrets.randbelow(1000)
    log(f"{name}: up in {startup_s:.1f} s (pid {p.pid}); {a.calls} calls at {a.rate}/s, then {a.seconds} s measured")
    sipp = load.start_sipp(sys_work, scen, a.calls, a.rate, hold_ms, sip_port, media_port=media_port)
    sub.items.append(sipp)
    pids = dict(infra_pids, sipp=sipp.pid)
    pids[name] = p.pid
    time.sleep(ramp)
    deadline = time.time() + a.answer_wait
    answered_at_window = active_calls(ports["lk"])
    while answered_at_window < a.calls and time.time() < deadline:
        time.sleep(1)
        answered_at_window = active_calls(ports["lk"])
    if answered_at_window < a.calls:
        log(f"{name}: only {answered_at_window} of {a.calls} calls up after the ramp-up + {a.answer_wait} s; "
            "measuring anyway")
    # a fresh JVM still compiles its hot paths for some seconds after the calls are up (C2 threads); the window
    # measures the steady state of both systems, so it starts --settle seconds later
    time.sleep(a.settle)
    c1, t1, load1 = cpu_of(pids), time.time(), os.getloadavg()[0]
    threads_cpu0 = load.thread_cpu(p.pid)
    pacing = None
    if a.pacing:
        pacing = load.measure_pacing(sys_work, bpf=f"udp src portrange 40000-44000 and dst portrange "
                                                   f"{SIPP_MEDIA_PORTS[0]}-{SIPP_MEDIA_PORTS[1]}")
    time.sleep(max(0, a.seconds - (time.time() - t1)))
    c2, t2, load2 = cpu_of(pids), time.time(), os.getloadavg()[0]
    busiest = load.busiest_threads(p.pid, threads_cpu0, t1)
    _, rss1, thr1 = load.proc_stat(p.pid)
    active_at_end = active_calls(ports["lk"])
    rc = sipp.wait(timeout=hold_ms / 1000 + 120)
    time.sleep(3)
    _, rss2, thr2 = load.proc_stat(p.pid)
    sub.stop(p, timeout=30)
    stat = load.sipp_stat(sys_work)
    rtts = load.invite_to_200_ms(sys_work)
    shares = {n: round(100 * (c2[n] - c1[n]) / (t2 - t1), 1) if c1[n] is not None and c2[n] is not None else None
              for n in pids}
    shares = {("system" if n == name else n): v for n, v in shares.items()}
    up = max((answered_at_window + active_at_end) / 2, 1)
    result = {
        "system": name, "calls": a.calls, "rate": a.rate, "audio": a.audio, "settle_s": a.settle, "window_s": round(t2 - t1, 1),
        "startup_s": round(startup_s, 1), "active_calls_window_start_end": [answered_at_window, active_at_end],
        "successful_calls": int(stat.get("SuccessfulCall(C)", 0)), "failed_calls": int(stat.get("FailedCall(C)", 0)),
        "cpu_percent_per_call": round(shares["system"] / up, 3) if shares["system"] is not None else None,
        "cpu_percent_of_one_core": shares,
        "invite_to_200_ms": {"n": len(rtts), "mean": round(statistics.mean(rtts), 1) if rtts else None,
                             "p90": percentile(rtts, 0.9), "max": max(rtts) if rtts else None,
                             "first": rtts[0] if rtts else None},
        "threads": [thr0, thr1, thr2], "rss_mb": [rss0, rss1, rss2], "pacing_ms": pacing,
        "busiest_threads_percent_of_one_core": busiest,
        "load_average": [round(load1, 2), round(load2, 2)], "sipp_exit": rc, "logs": sys_work,
    }
    log(f"{name}: {json.dumps(result)}")
    # the next system starts with no call room left (the bot leaves a room once the caller has gone)
    try:
        wait_for("call rooms to close", lambda: not any(
            r.get("name", "").startswith(ROOM_PREFIX)
            for r in twirp(ports["lk"], "RoomService", "ListRooms", {}).get("rooms", [])), 90)
    except SystemExit as e:
        log(f"warning: {e}")
    return result


def fmt(v, digits=None):
    if v is None:
        return "-"
    if isinstance(v, float) and digits is not None:
        return f"{v:.{digits}f}"
    return str(v)


def ratio(ours, theirs):
    try:
        return f"{ours / theirs:.2f}x"
    except (TypeError, ZeroDivisionError):
        return "-"


def table(results):
    ours, theirs = results.get("gateway"), results.get("livekit-sip")
    cols = [r for r in (ours, theirs) if r]
    head = ["", *(("ours (gateway)",) if ours else ()), *(("LiveKit SIP",) if theirs else ()),
            *(("ours / theirs",) if ours and theirs else ())]
    rows = []

    def row(label, get, digits=None, show_ratio=True):
        vals = [get(r) for r in cols]
        cells = [fmt(v, digits) for v in vals]
        if ours and theirs:
            cells.append(ratio(vals[0], vals[1]) if show_ratio else "")
        rows.append([label, *cells])

    row("calls completed / failed (sipp)", lambda r: f"{r['successful_calls']} / {r['failed_calls']}", show_ratio=False)
    row("calls up at window start / end", lambda r: " / ".join(map(str, r["active_calls_window_start_end"])),
        show_ratio=False)
    row("CPU per call, % of one core", lambda r: r["cpu_percent_per_call"], 3)
    row("CPU of the process, % of one core", lambda r: r["cpu_percent_of_one_core"]["system"], 1)
    row("INVITE -> 200 mean, ms", lambda r: r["invite_to_200_ms"]["mean"], 0)
    row("INVITE -> 200 p90, ms", lambda r: r["invite_to_200_ms"]["p90"], 0)
    row("INVITE -> 200 max, ms", lambda r: r["invite_to_200_ms"]["max"], 0)
    row("INVITE -> 200 of the first answer, ms", lambda r: r["invite_to_200_ms"]["first"], 0)
    row("threads: idle / calls up / after", lambda r: " / ".join(map(str, r["threads"])), show_ratio=False)
    row("threads with calls up", lambda r: r["threads"][1])
    row("RSS MB: idle / calls up / after", lambda r: " / ".join(map(str, r["rss_mb"])), show_ratio=False)
    row("RSS MB with calls up", lambda r: r["rss_mb"][1])
    if any(r["pacing_ms"] for r in cols):
        for k in ("p50", "p99", "max"):
            row(f"pacing to the phone {k}, ms", lambda r, k=k: (r["pacing_ms"] or {}).get(k), 2)
    for proc in ("livekit-server", "redis", "bot", "sipp"):
        row(f"{proc} CPU, % of one core", lambda r, proc=proc: r["cpu_percent_of_one_core"].get(proc), 1, False)
    row("load average, window start / end", lambda r: " / ".join(map(str, r["load_average"])), show_ratio=False)
    row("start-up to ready, s", lambda r: r["startup_s"], 1, False)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=20)
    ap.add_argument("--rate", type=int, default=10, help="new calls per second")
    ap.add_argument("--seconds", type=int, default=20, help="steady window measured with all calls up")
    ap.add_argument("--audio", choices=("tone", "silent", "dtx"), default="tone",
                    help="what the bot publishes in each room: a tone, digital silence (50 packets/s), or silence "
                         "with Opus DTX (a packet every 400 ms, as WebRTC clients send while nobody speaks)")
    ap.add_argument("--jar", default=os.path.join(ROOT, "sip-gateway/target/gateway.jar"))
    ap.add_argument("--livekit-sip", default="/work/wt/livekit-sip/livekit-sip",
                    help="LiveKit SIP binary (see build-livekit-sip.sh); skipped when absent")
    ap.add_argument("--only", choices=("gateway", "livekit-sip"))
    ap.add_argument("--answer-wait", type=int, default=30,
                    help="after the ramp-up, wait up to this long for every call to be answered before the window")
    ap.add_argument("--settle", type=int, default=10,
                    help="seconds between every call answered and the window (a fresh JVM is still compiling)")
    ap.add_argument("--pacing", action="store_true", help="capture the RTP sent to the phones (tshark) for 5 s")
    ap.add_argument("--bot", dest="bot_bin", help="a prebuilt bot binary (default: build it)")
    a = ap.parse_args()
    systems = []
    if a.only in (None, "gateway"):
        if not os.path.exists(a.jar):
            raise SystemExit(f"{a.jar} missing: run `mvn -B -q -o package -DskipTests` first")
        systems.append("gateway")
    if a.only in (None, "livekit-sip"):
        if os.path.exists(a.livekit_sip):
            systems.append("livekit-sip")
        else:
            log(f"LiveKit SIP skipped: {a.livekit_sip} does not exist "
                "(bench/sidebyside/build-livekit-sip.sh builds it)")
    if not systems:
        raise SystemExit("nothing to run")
    if a.pacing and not shutil.which("tshark"):
        raise SystemExit("--pacing needs tshark (apt-get install -y tshark)")
    a.bot_bin = a.bot_bin or build_bot()
    work = tempfile.mkdtemp(prefix="sidebyside-")
    log(f"logs in {work}")
    procs = Procs(work)
    results = {}
    try:
        ports, infra = start_infrastructure(a, work, procs)
        if "livekit-sip" in systems:
            configure_livekit_sip(ports)
        for name in systems:
            results[name] = run_system(a, name, work, procs, ports, infra)
    finally:
        procs.stop_all()
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    cpu = os.popen("grep -m1 'model name' /proc/cpuinfo").read().split(":")[-1].strip()
    print(f"\n{a.calls} calls at {a.rate}/s, {a.seconds} s window starting {a.settle} s after the last answer, bot publishing {a.audio}; "
          f"{os.cpu_count()} cores ({cpu}); {time.strftime('%Y-%m-%d %H:%M %Z')}\n")
    print(table(results))
    for name, r in results.items():
        print(f"\n{name}, busiest threads in the window (% of one core, threads of one name summed): "
              + ", ".join(f"{t} {v}" for t, v in r["busiest_threads_percent_of_one_core"].items()))
    print(f"\nJSON and logs: {work}")


if __name__ == "__main__":
    main()
