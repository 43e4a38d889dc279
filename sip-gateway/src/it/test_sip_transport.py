"""SIP transport under abuse: TCP connections cost no thread each, idle ones are closed, one source cannot take
them all, fuzz kills no thread, garbage is logged once per source and interval, and a forged Via never makes the
gateway connect to the address it names. Raw Python sockets from several 127.0.0.x sources; every test then
checks that a normal sipp call still works."""
import os
import random
import re
import selectors
import socket
import ssl
import subprocess
import time

from it_harness import HOST, assert_sipp_ok, final_status, free_port, sip_request, wait_until

SOURCES = ["127.0.0.%d" % i for i in range(2, 7)]


def _good_call(sipp, gw, transport="u1"):
    run = sipp.run("uac_call.xml", gw, pause_ms=300, extra=("-t", transport))
    assert_sipp_ok(run)
    gw.wait_no_calls(5)


def _connect_many(gw, count, sources, paced=False):
    """`count` TCP connections to the gateway's SIP port, spread over `sources`; returns the sockets (non-blocking,
    connected or refused/reset: the caller checks). `paced`: 30 at a time, the next batch once the gateway holds
    all but 10 (its open file descriptors; 10 of slack for descriptors it closes meanwhile): a burst over the
    listen backlog (50) leaves some connections half-open for good when the kernel answers with SYN cookies and
    the client never sends."""
    socks = []
    fds = lambda: len(os.listdir("/proc/%d/fd" % gw.pid))  # noqa: E731
    base = fds()
    batch = 30 if paced else count
    for first in range(0, count, batch):
        for i in range(first, min(count, first + batch)):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((sources[i % len(sources)], 0))
            s.setblocking(False)
            s.connect_ex((HOST, gw.sip_port))
            socks.append(s)
        deadline = time.monotonic() + 10
        while paced and fds() - base < len(socks) - 10 and time.monotonic() < deadline:
            time.sleep(0.01)
    return socks


def _closed_by_peer(s):
    """True once the gateway closed (FIN or RST) this connection; the socket is non-blocking."""
    try:
        data = s.recv(4096)
        return data == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def _wait_closed(socks, timeout):
    """Wait until the gateway has closed each of `socks`; returns how many were closed (select on EOF)."""
    sel = selectors.DefaultSelector()
    open_ = set()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
        open_.add(s)
    deadline = time.monotonic() + timeout
    while open_ and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            if s in open_ and _closed_by_peer(s):
                open_.discard(s)
                sel.unregister(s)
    sel.close()
    return len(socks) - len(open_)


def _close_all(socks):
    for s in socks:
        try:
            s.close()
        except OSError:
            pass


def _options_over(s, gw, *, wait=5.0, via=None):
    """Send OPTIONS on a connected blocking TCP socket (top Via `via`, default: this socket's address); return the
    response's status (None if none came on this connection)."""
    lhost, lport = s.getsockname()
    via = via or "SIP/2.0/TCP %s:%d" % (lhost, lport)
    msg = ("OPTIONS sip:service@%s:%d SIP/2.0\r\nVia: %s;branch=z9hG4bK%08x\r\n"
           "Max-Forwards: 70\r\nFrom: <sip:t@%s>;tag=%08x\r\nTo: <sip:service@%s>\r\n"
           "Call-ID: tcp-%08x@%s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
           % (HOST, gw.sip_port, via, random.getrandbits(32), lhost, random.getrandbits(32), HOST,
              random.getrandbits(32), lhost))
    s.settimeout(wait)
    s.sendall(msg.encode())
    data = b""
    deadline = time.monotonic() + wait
    while b"\r\n\r\n" not in data and time.monotonic() < deadline:
        try:
            chunk = s.recv(4096)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    m = re.match(rb"SIP/2.0 (\d{3})", data)
    return int(m.group(1)) if m else None


def test_1500_idle_tcp_connections_keep_threads_bounded_and_are_closed(gateway_factory, sipp):
    gw = gateway_factory({"sip": {"tcp": {"idleTimeoutSeconds": 10, "maxConnectionsPerSource": 400}}})
    _good_call(sipp, gw, "t1")  # warm up TCP and a call
    before = gw.threads()
    fds_before = len(os.listdir("/proc/%d/fd" % gw.pid))
    socks = _connect_many(gw, 1500, SOURCES, paced=True)
    try:
        held = len(os.listdir("/proc/%d/fd" % gw.pid)) - fds_before  # every accepted connection is an fd
        peak = before
        for _ in range(10):  # over ~1 s, while the connections are open
            peak = max(peak, gw.threads())
            time.sleep(0.1)
        print("threads: before %d, with %d connections accepted %d" % (before, held, peak))
        assert held >= 1400, "only %d of 1500 connections were accepted" % held
        assert peak <= before + 30, "threads grew from %d to %d with 1500 TCP connections" % (before, peak)
        closed = _wait_closed(socks, 45)
        print("closed by the gateway within 45 s of idling (timeout 10 s): %d of %d" % (closed, len(socks)))
        assert closed == len(socks), "only %d of %d idle connections were closed" % (closed, len(socks))
    finally:
        _close_all(socks)
    assert gw.running()
    _good_call(sipp, gw, "t1")


def test_per_source_cap_refuses_extra_connections(gateway_factory, sipp):
    gw = gateway_factory({"sip": {"tcp": {"maxConnectionsPerSource": 5}}})
    first = _connect_many(gw, 5, ["127.0.0.2"])
    time.sleep(0)  # (connect_ex is non-blocking; the OPTIONS below waits for the connections to be served)
    for s in first:
        s.setblocking(True)
    statuses = [_options_over(s, gw) for s in first]
    assert statuses == [200] * 5, statuses
    extra = _connect_many(gw, 5, ["127.0.0.2"])
    try:
        closed = _wait_closed(extra, 10)
        print("connections over the cap (5) closed by the gateway: %d of 5" % closed)
        assert closed == 5, "only %d of 5 connections over the per-source cap were refused" % closed
        # the allowed ones still work, another source is not affected
        assert [_options_over(s, gw) for s in first] == [200] * 5
        other = _connect_many(gw, 1, ["127.0.0.3"])[0]
        other.setblocking(True)
        assert _options_over(other, gw) == 200
        other.close()
        assert "127.0.0.2" in gw.log_text(), "the refusal is logged with the source"
    finally:
        _close_all(first + extra)
    _good_call(sipp, gw, "t1")


def _fuzz_inputs(rng):
    valid = (b"OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.2:5060;branch=z9hG4bKf\r\n"
             b"From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: fz\r\nCSeq: 1 OPTIONS\r\n")
    yield valid + b"Content-Length: 2147483647\r\n\r\nxx"
    yield valid + b"Content-Length: -5\r\n\r\n"
    yield valid + b"Content-Length: abc\r\n\r\n"
    yield valid + b"Content-Length: 99999999999999999999\r\n\r\n"
    yield b"\r\r\r\r\r\r\r\r\n\n\n"
    yield b"\r\n\r\n\r\n\r\n" * 100
    yield valid + b"X-Huge: " + b"a" * 200000 + b"\r\n\r\n"
    yield b"INVITE " + b"x" * 100000
    yield valid[: len(valid) // 2]
    yield valid + b"Content-Length: 10\r\n\r\n" + b"\x00" * 10 + b"\xff\xfe garbage\r\n\r\n"
    yield b"SIP/2.0 200 OK\r\nVia: x\r\nCall-ID: y\r\nContent-Length: 0\r\n\r\n"
    for _ in range(60):
        yield bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 3000)))
    for _ in range(40):
        lines = valid.split(b"\r\n")
        rng.shuffle(lines)
        cut = b"\r\n".join(lines)
        yield cut[: rng.randint(1, len(cut))] + rng.choice([b"\r\n\r\n", b"\r", b"\n\n", b""])


def test_tcp_fuzz_kills_no_thread_and_calls_still_work(gateway_factory, sipp):
    gw = gateway_factory()
    rng = random.Random(20261207)
    size_before = os.path.getsize(gw.log_file)
    sent = 0
    for i, data in enumerate(_fuzz_inputs(rng)):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((SOURCES[i % len(SOURCES)], 0))
        s.settimeout(2.0)
        try:
            s.connect((HOST, gw.sip_port))
            s.sendall(data)
            sent += 1
        except OSError:
            pass  # the gateway may close a connection it judged bad before all bytes were sent
        finally:
            s.close()
    assert sent >= 100
    assert gw.healthz()["status"] == "ok"
    _good_call(sipp, gw, "t1")
    _good_call(sipp, gw, "u1")
    log = gw.log_text()
    grown = os.path.getsize(gw.log_file) - size_before
    print("TCP fuzz: %d connections, log grew %d bytes, 'Exception in thread' %d, stack lines %d" % (
        sent, grown, log.count("Exception in thread"), len(re.findall(r"^\s+at ", log, re.M))))
    assert "Exception in thread" not in log
    assert not re.search(r"^\s+at [\w.$]+\(", log, re.M), "no stack traces in the log"
    assert "OutOfMemoryError" not in log


def _wait_options(gw):
    wait_until(lambda: final_status(sip_request(gw, "OPTIONS", wait=1.0)) == 200, 60,
               message="OPTIONS answered 200 after the garbage")
    time.sleep(0.5)  # let the log writer flush what it was given (the assertions are upper bounds)


def test_garbage_datagrams_and_tcp_garbage_log_little(gateway_factory, sipp):
    gw = gateway_factory()
    rng = random.Random(7)
    socks = []
    for src in SOURCES[:4]:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((src, 0))
        socks.append(s)
    size_before = os.path.getsize(gw.log_file)
    for i in range(1000):
        kind = i % 4
        if kind == 0:
            data = bytes(rng.getrandbits(8) for _ in range(rng.randint(20, 1400)))
        elif kind == 1:  # parseable start, missing mandatory headers: the stack used to log the whole message
            data = b"INVITE sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.9\r\nX: " + b"y" * 1200 + b"\r\n\r\n"
        elif kind == 2:
            data = b"OPTIONS sip:x SIP/2.0\r\nCSeq: abc\r\n" + b"Z" * 800 + b"\r\n\r\n"
        else:
            data = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 1.2.3.4\r\n\r\n" + b"q" * 500
        socks[i % len(socks)].sendto(data, (HOST, gw.sip_port))
    _close_all(socks)
    # the gateway has read them all once an OPTIONS sent after them is answered
    _wait_options(gw)  # let the log writer flush what it was given (the assertion is an upper bound)
    udp_grown = os.path.getsize(gw.log_file) - size_before
    size_before = os.path.getsize(gw.log_file)
    for i in range(1000):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((SOURCES[i % 4], 0))
        s.settimeout(2.0)
        try:
            s.connect((HOST, gw.sip_port))
            s.sendall(b"GARBAGE " + bytes(rng.getrandbits(8) for _ in range(200)) + b"\r\n\r\n")
        except OSError:
            pass
        finally:
            s.close()
    _wait_options(gw)
    tcp_grown = os.path.getsize(gw.log_file) - size_before
    log = gw.log_text()
    print("log bytes per 1000 bad datagrams (UDP): %d; per 1000 bad TCP connections: %d; stack lines %d" % (
        udp_grown, tcp_grown, len(re.findall(r"^\s+at ", log, re.M))))
    assert udp_grown <= 20000, "1000 garbage datagrams grew the log by %d bytes" % udp_grown
    assert tcp_grown <= 20000, "1000 garbage TCP connections grew the log by %d bytes" % tcp_grown
    assert not re.search(r"^\s+at [\w.$]+\(", log, re.M), "no stack traces in the log"
    _good_call(sipp, gw, "u1")


def test_forged_via_gets_no_connection_and_the_response_goes_to_the_source(gateway_factory, sipp):
    gw = gateway_factory()
    trap = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    trap.bind(("127.0.0.1", 0))
    trap.listen(16)
    trap.settimeout(0.2)
    trap_port = trap.getsockname()[1]
    trap_udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    trap_udp.bind(("127.0.0.8", trap_port))
    trap_udp.settimeout(0.2)
    try:
        vias = ["SIP/2.0/TCP 127.0.0.1:%d;branch=z9hG4bK%%08x" % trap_port,
                "SIP/2.0/TCP 127.0.0.1:%d;branch=z9hG4bK%%08x;rport" % trap_port,
                "SIP/2.0/UDP 127.0.0.8:%d;branch=z9hG4bK%%08x" % trap_port,
                "SIP/2.0/UDP 127.0.0.2:%d;maddr=127.0.0.8;branch=z9hG4bK%%08x" % trap_port]
        answered = []
        for via in vias:
            for method, extra in (("OPTIONS", {}), ("INVITE", {"Content-Type": "application/sdp"})):
                replies = sip_request(gw, method, headers={"Via": via % random.getrandbits(32), **extra}, wait=2.0)
                answered.append(" ".join(str(m.status) for m in replies if m.is_response) or None)
        # over TCP the answer comes back on the request's connection, whatever its Via names
        for via in ("SIP/2.0/TCP 127.0.0.1:%d" % trap_port, "SIP/2.0/UDP 127.0.0.8:%d" % trap_port):
            with socket.create_connection((HOST, gw.sip_port), timeout=5) as s:
                answered.append("tcp:%s" % _options_over(s, gw, via=via))
        connections = 0
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            try:
                c, _ = trap.accept()
                connections += 1
                c.close()
            except socket.timeout:
                pass
        datagrams = 0
        while True:
            try:
                trap_udp.recvfrom(65535)
                datagrams += 1
            except socket.timeout:
                break
        print("forged Vias: responses at the sender %r; TCP connections to the Via's port %d; datagrams to "
              "the Via's host %d" % (answered, connections, datagrams))
        assert connections == 0, "the gateway connected to the address in a forged Via"
        assert datagrams == 0, "the gateway answered to the address in a forged Via"
        assert all(a is not None for a in answered), "every request is answered to its source: %r" % answered
    finally:
        trap.close()
        trap_udp.close()
    _good_call(sipp, gw, "u1")


def _tls_files(tmp_path):
    cert, key = tmp_path / "sip-cert.pem", tmp_path / "sip-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def _tls_options(port, cafile, *, version=None, payload=None):
    """OPTIONS over TLS (certificate checked against `cafile`); returns (TLS version, response text or '')."""
    ctx = ssl.create_default_context(cafile=str(cafile))
    if version is not None:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = ctx.maximum_version = version
    with socket.create_connection((HOST, port), timeout=5) as raw, \
            ctx.wrap_socket(raw, server_hostname=HOST) as s:
        lhost, lport = s.getsockname()
        s.sendall(payload or ("OPTIONS sip:service@%s:%d SIP/2.0\r\nVia: SIP/2.0/TLS %s:%d;branch=z9hG4bK%08x\r\n"
                              "Max-Forwards: 70\r\nFrom: <sip:t@%s>;tag=1\r\nTo: <sip:service@%s>\r\n"
                              "Call-ID: tls-%08x@%s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
                              % (HOST, port, lhost, lport, random.getrandbits(32), lhost, HOST,
                                 random.getrandbits(32), lhost)).encode())
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        except (socket.timeout, ssl.SSLError, ConnectionError):
            pass
        return s.version(), data.decode(errors="replace")


def test_sip_over_tls_on_its_own_port(gateway_factory, sipp, tmp_path):
    cert, key = _tls_files(tmp_path)
    tls_port = free_port(udp=False, tcp=True)
    gw = gateway_factory({"sip": {"tls": {"port": tls_port, "certificate": str(cert), "privateKey": str(key)}}})
    assert "TLS on %d" % tls_port in gw.log_text()
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        got, response = _tls_options(tls_port, cert, version=version)
        print("TLS client %s: negotiated %s, %s" % (version.name, got, response.split("\r\n", 1)[0]))
        assert got == version.name.replace("_", "."), got
        assert response.startswith("SIP/2.0 200 "), response
        assert re.search(r"^Via: SIP/2.0/TLS .*;rport=\d+", response, re.M), response
    try:
        got, _ = _tls_options(tls_port, cert, version=ssl.TLSVersion.TLSv1_1)
        refused = False
    except (ssl.SSLError, ConnectionError):
        refused = True
    print("TLS 1.1 client refused: %s" % refused)
    assert refused, "a TLS 1.1 handshake succeeded (%s)" % got
    # the stream guard sits behind the decryption too: the connection is closed, the next one served
    bad = b"OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nContent-Length: 2147483647\r\n\r\n"
    _, response = _tls_options(tls_port, cert, payload=bad)
    assert response == "", response
    assert _tls_options(tls_port, cert)[1].startswith("SIP/2.0 200 ")
    assert "closed TCP connection with bad SIP from 127.0.0.1: Content-Length 2147483647 over 65536" in gw.log_text()
    _good_call(sipp, gw, "u1")
