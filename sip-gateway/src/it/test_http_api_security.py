"""The HTTP API facing hostile clients: credentials on everything but /healthz (operator token, LiveKit JWT
grants), the Host check against DNS rebinding, slowloris connections (read timeout, /healthz still answering) and
the per-source connection cap. Raw sockets from several 127.0.0.x addresses against the real gateway; every test
prints the figures it measured."""
import base64
import hashlib
import hmac
import http.client
import json
import select
import socket
import threading
import time

from it_harness import HOST, assert_sipp_ok, free_port, only_call, wait_until

# the gateway's defaults (HttpConfig.DEFAULT): the tests use them so they also run against older gateways
READ_TIMEOUT_S = 10
PER_SOURCE_CAP = 32
TOTAL_CAP = 256


def raw_request(gw, method, path, *, host=None, token=None, body=None, source="127.0.0.1", timeout=5.0):
    """One request over a new connection from `source` with full control of Host -> (status, JSON or text)."""
    conn = http.client.HTTPConnection(HOST, gw.http_port, timeout=timeout, source_address=(source, 0))
    try:
        headers = {"Host": host or "%s:%d" % (HOST, gw.http_port)}
        if token:
            headers["Authorization"] = "Bearer " + token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        if data is not None:
            conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data)
        r = conn.getresponse()
        raw = r.read().decode("utf-8", "replace")
        try:
            return r.status, json.loads(raw) if raw.strip() else None
        except ValueError:
            return r.status, raw
    finally:
        conn.close()


def livekit_jwt(key, secret, video=None, sip=None, ttl=600):
    """A LiveKit access token (HS256 JWT, RFC 7519) built with the standard library."""
    def b64(obj):
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode()
    now = int(time.time())
    claims = {"iss": key, "sub": "ops-test", "nbf": now - 5, "exp": now + ttl}
    if video is not None:
        claims["video"] = video
    if sip is not None:
        claims["sip"] = sip
    signing = b64({"alg": "HS256", "typ": "JWT"}) + "." + b64(claims)
    sig = hmac.new(secret.encode(), signing.encode(), hashlib.sha256).digest()
    return signing + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()


def timed_healthz(gw, source="127.0.0.1", timeout=2.0):
    """-> seconds /healthz took; fails the test if it did not answer 200 within `timeout`."""
    t0 = time.monotonic()
    try:
        status, body = raw_request(gw, "GET", "/healthz", source=source, timeout=timeout)
    except OSError as e:
        raise AssertionError("/healthz did not answer within %.1f s: %r" % (timeout, e))
    took = time.monotonic() - t0
    assert status == 200 and body["status"] == "ok", (status, body)
    assert took < timeout, "/healthz took %.2f s" % took
    return took


def test_calls_api_refuses_requests_without_the_token_and_the_call_is_untouched(gateway, sipp):
    run = sipp.start("uac_wait_bye.xml", gateway)
    call = only_call(gateway)
    attempts = [("GET", "/calls", None), ("GET", "/calls/%s" % call["id"], None),
                ("POST", "/calls/%s/hangup" % call["id"], None),
                ("POST", "/calls/%s/transfer" % call["id"], {"to": "tel:+19005550199"}),
                ("POST", "/calls/%s/dtmf" % call["id"], {"digits": "9"})]
    answers = []
    for method, path, body in attempts:
        almost = gateway.token[:-1] + ("1" if gateway.token.endswith("0") else "0")  # one character off
        for token in (None, "not-the-token-" + "x" * 20, almost):
            status, resp = raw_request(gateway, method, path, token=token, body=body)
            answers.append((method, path, token is not None, status))
            assert status == 401, "%s %s with token %r must be 401, got %s %r" % (method, path, token, status, resp)
            assert isinstance(resp, dict) and resp.get("error"), resp
    print("unauthenticated: %d requests, statuses %s" % (len(answers), sorted({a[3] for a in answers})))
    # the call did not notice: still active, no REFER and no BYE sent to the phone, no DTMF recorded
    still = only_call(gateway)
    assert still["id"] == call["id"] and still["state"] == "active" and still["transfer"] is None, still
    assert not run.received("REFER") and not run.received("BYE"), [m.method for m in run.received()]
    # the operator's token works for every action
    status, resp = raw_request(gateway, "GET", "/calls", token=gateway.token)
    assert status == 200 and [c["id"] for c in resp] == [call["id"]], (status, resp)
    status, resp = raw_request(gateway, "POST", "/calls/%s/hangup" % call["id"], token=gateway.token)
    assert status == 200 and resp["state"] == "ended", (status, resp)
    run.wait(20)
    assert_sipp_ok(run)
    assert run.received("BYE") and not run.received("REFER")
    # /healthz needs no credentials
    status, resp = raw_request(gateway, "GET", "/healthz")
    assert status == 200 and resp["status"] == "ok", (status, resp)


def test_livekit_tokens_need_a_call_grant(gateway_factory):
    # LiveKit configured (on a port where nothing listens: no call is placed, only tokens are checked)
    gw = gateway_factory({"livekit": {"url": "ws://127.0.0.1:%d" % free_port(udp=False, tcp=True),
                                      "apiKey": "devkey", "apiSecret": "secret"}})
    cases = [
        ("sip.call", livekit_jwt("devkey", "secret", sip={"call": True}), 200),
        ("sip.admin", livekit_jwt("devkey", "secret", sip={"admin": True}), 200),
        ("video.roomAdmin", livekit_jwt("devkey", "secret", video={"roomAdmin": True, "room": "r1"}), 200),
        ("operator token", gw.token, 200),
        ("roomJoin only", livekit_jwt("devkey", "secret", video={"roomJoin": True, "room": "r1"}), 403),
        ("other secret", livekit_jwt("devkey", "not-the-secret", sip={"call": True}), 401),
        ("other key", livekit_jwt("otherkey", "secret", sip={"call": True}), 401),
        ("expired", livekit_jwt("devkey", "secret", sip={"call": True}, ttl=-600), 401),
        ("none", None, 401),
    ]
    got = []
    for name, token, want in cases:
        status, body = raw_request(gw, "GET", "/calls", token=token)
        got.append("%s=%d" % (name, status))
        assert status == want, "%s: GET /calls -> %s %r, want %d" % (name, status, body, want)
        if want == 200:
            assert body == [], body
        else:
            assert body.get("error"), body
    # past the gate, the usual answers
    status, body = raw_request(gw, "POST", "/calls/nope/hangup", token=cases[0][1])
    assert status == 404, (status, body)
    # the Twirp API is checked at the gate too: a token signed with another secret never reaches the handler
    status, body = raw_request(gw, "POST", "/twirp/livekit.SIP/ListSIPInboundTrunk", body={},
                               token=livekit_jwt("devkey", "not-the-secret", sip={"admin": True}))
    assert status == 401 and body["code"] == "unauthenticated", (status, body)
    print("GET /calls: " + ", ".join(got))


def test_dns_rebinding_host_is_refused(gateway):
    refused = []
    for host in ("evil.example", "evil.example:%d" % gateway.http_port, "localhost.evil.example",
                 "127.0.0.1.nip.io:%d" % gateway.http_port):
        for path, token in (("/calls", gateway.token), ("/healthz", None)):
            status, body = raw_request(gateway, "GET", path, host=host, token=token)
            refused.append(status)
            assert status in (403, 421), "Host %r on %s must be refused, got %s %r" % (host, path, status, body)
    for host in ("127.0.0.1:%d" % gateway.http_port, "localhost:%d" % gateway.http_port, "localhost", "127.0.0.1"):
        status, body = raw_request(gateway, "GET", "/calls", host=host, token=gateway.token)
        assert status == 200 and body == [], (host, status, body)
    print("foreign Host: %d requests refused with %s" % (len(refused), sorted(set(refused))))


class Slowloris(threading.Thread):
    """One connection sending a request's headers one byte per second; records when the server closed it."""
    REQUEST = b"GET /calls HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\nX-Padding: " + b"a" * 200 + b"\r\n\r\n"

    def __init__(self, port, source):
        super().__init__(daemon=True)
        self.sock = socket.create_connection((HOST, port), timeout=5, source_address=(source, 0))
        self.opened = time.monotonic()
        self.sent = 0
        self.closed_after = None
        self.stop = threading.Event()

    def run(self):
        try:
            for i in range(len(self.REQUEST)):
                readable, _, _ = select.select([self.sock], [], [], 0)
                if readable and self.sock.recv(4096) == b"":
                    break
                self.sock.send(self.REQUEST[i:i + 1])
                self.sent += 1
                if self.stop.wait(1.0):
                    return
            else:
                return
        except (OSError, ValueError):  # ValueError: the test closed the socket (fd -1) while we waited
            if self.stop.is_set():
                return
        self.closed_after = time.monotonic() - self.opened

    def close(self):
        self.stop.set()
        self.sock.close()


def test_slowloris_connections_leave_healthz_answering_and_are_closed_after_the_read_timeout(gateway):
    slow = [Slowloris(gateway.http_port, "127.0.0.%d" % (2 + i % 3)) for i in range(30)]
    try:
        for s in slow:
            s.start()
        wait_until(lambda: all(s.sent >= 3 for s in slow), 15, message="30 slow connections sending headers")
        took = [timed_healthz(gateway) for _ in range(5)]
        print("/healthz with 30 slowloris connections open: max %.0f ms over %d tries" % (max(took) * 1000, len(took)))
        wait_until(lambda: all(s.closed_after is not None for s in slow), READ_TIMEOUT_S + 15,
                   message="the gateway to close all 30 slow connections")
        closed = sorted(s.closed_after for s in slow)
        print("slow connections closed after %.1f-%.1f s (read timeout %d s), %d bytes sent at most" % (
            closed[0], closed[-1], READ_TIMEOUT_S, max(s.sent for s in slow)))
        assert closed[0] >= READ_TIMEOUT_S - 1, "closed before the read timeout: %r" % closed
        assert closed[-1] <= READ_TIMEOUT_S + 10, "closed long after the read timeout: %r" % closed
        timed_healthz(gateway)
    finally:
        for s in slow:
            s.close()


def test_connections_over_the_per_source_cap_are_closed_and_healthz_still_answers(gateway):
    socks = [socket.create_connection((HOST, gateway.http_port), timeout=5, source_address=("127.0.0.5", 0))
             for _ in range(100)]
    try:
        def closed_now():
            readable, _, _ = select.select(socks, [], [], 0)
            n = 0
            for s in readable:
                try:
                    if s.recv(1, socket.MSG_PEEK) == b"":
                        n += 1
                except OSError:
                    n += 1
            return n
        wait_until(lambda: closed_now() >= 100 - PER_SOURCE_CAP, 5,
                   message="the connections over the per-source cap to be closed")
        took = timed_healthz(gateway)
        n = closed_now()
        print("100 idle connections from 127.0.0.5: %d closed at once, %d kept (per-source cap %d); /healthz from "
              "127.0.0.1 in %.0f ms" % (n, 100 - n, PER_SOURCE_CAP, took * 1000))
        assert n == 100 - PER_SOURCE_CAP, n
    finally:
        for s in socks:
            s.close()


class SilentLiveKit(threading.Thread):
    """A 'LiveKit server' that accepts connections, reads the request and never answers: every request the gateway
    relays to it holds one of the gateway's HTTP workers until OkHttp's read timeout (10 s)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.server = socket.socket()
        self.server.bind((HOST, 0))
        self.server.listen(128)
        self.port = self.server.getsockname()[1]
        self.conns = []
        self.relayed = 0
        self.lock = threading.Lock()

    def run(self):
        while True:
            try:
                c, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._read, args=(c,), daemon=True).start()

    def _read(self, c):
        self.conns.append(c)
        try:
            head = c.recv(65536)
        except OSError:
            return
        if b"/twirp/livekit.RoomService/" in head:
            with self.lock:
                self.relayed += 1

    def close(self):
        self.server.close()
        for c in self.conns:
            c.close()


def test_healthz_answers_while_every_worker_waits_in_a_request(gateway_factory):
    lk = SilentLiveKit()
    lk.start()
    try:
        gw = gateway_factory({"livekit": {"url": "ws://127.0.0.1:%d" % lk.port, "apiKey": "devkey",
                                          "apiSecret": "secret"}})
        token = livekit_jwt("devkey", "secret", video={"roomList": True})
        results = []

        def relayed_request(source):
            try:
                results.append(raw_request(gw, "POST", "/twirp/livekit.RoomService/ListRooms", body={}, token=token,
                                           source=source, timeout=30)[0])
            except OSError as e:
                results.append(repr(e))
        # 16 requests block all 16 workers, 4 more wait in the queue
        clients = [threading.Thread(target=relayed_request, args=("127.0.0.%d" % (2 + i % 2),), daemon=True)
                   for i in range(20)]
        for t in clients:
            t.start()
        wait_until(lambda: lk.relayed >= 16, 8, 0.02, message="16 requests relayed to the silent LiveKit")
        took = [timed_healthz(gw) for _ in range(3)]
        print("/healthz while %d requests hold the workers: max %.0f ms" % (lk.relayed, max(took) * 1000))
        for t in clients:
            t.join(40)
        print("the relayed requests ended with %s" % sorted(set(map(str, results))))
    finally:
        lk.close()


def test_healthz_gets_in_when_many_sources_fill_the_total_cap(gateway):
    # 9 sources x 32 idle connections = 288 > the total cap of 256: the oldest idle ones make room, so a health
    # probe from yet another address is served instead of refused
    socks = []
    for i in range(9):
        socks += [socket.create_connection((HOST, gateway.http_port), timeout=5, source_address=("127.0.0.%d" % (6 + i), 0))
                  for _ in range(PER_SOURCE_CAP)]
    try:
        def closed_now():
            readable, _, _ = select.select(socks, [], [], 0)
            return sum(1 for s in readable if _eof(s))
        wait_until(lambda: closed_now() >= len(socks) - TOTAL_CAP, 5, message="the oldest connections to make room")
        took = [timed_healthz(gateway) for _ in range(5)]
        n = closed_now()
        print("%d idle connections from 9 sources: %d closed to make room, %d kept (cap %d); /healthz max %.0f ms" % (
            len(socks), n, len(socks) - n, TOTAL_CAP, max(took) * 1000))
        assert len(socks) - n <= TOTAL_CAP, n
    finally:
        for s in socks:
            s.close()


def _eof(s):
    try:
        return s.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True
