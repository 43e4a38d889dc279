"""SIP over TLS (Twilio Secure Trunking): the gateway's TLS listener on its own port, driven by Python's `ssl`
(OpenSSL) as an independent TLS client; certificates made by the `openssl` command line.

A whole call over TLS (INVITE, ACK, audio echoed over RTP, BYE on the same connection), TLS 1.2+ only, a renewed
certificate picked up without a restart, and a config naming a missing certificate refused at start."""
import random
import re
import socket
import ssl
import subprocess
import threading
import time

from it_harness import HOST, JAR, JAVA, free_port, to_yaml, base_config, wait_until
from it_media import analyse_audio, voiced_samples

TONE_HZ = 1000


def _make_cert(folder, name, cn):
    cert, key = folder / (name + ".crt"), folder / (name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=" + cn],
                   check=True, capture_output=True)
    return cert, key


def _tls_gateway(gateway_factory, tmp_path):
    cert, key = _make_cert(tmp_path, "server", "gateway-a.test")
    tls_port = free_port(udp=False, tcp=True)
    gw = gateway_factory({"sip": {"tls": {"port": tls_port, "certificate": str(cert), "privateKey": str(key)}}})
    return gw, tls_port, cert, key


def _client_context(minimum=ssl.TLSVersion.TLSv1_2, maximum=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the test compares the presented certificate itself
    ctx.minimum_version = minimum
    if maximum is not None:
        ctx.maximum_version = maximum
    return ctx


class TlsSip:
    """One TLS connection carrying SIP (RFC 3261 §18.3 framing by Content-Length)."""

    def __init__(self, port, ctx=None):
        raw = socket.create_connection((HOST, port), timeout=10)
        self.sock = (ctx or _client_context()).wrap_socket(raw)
        self.sock.settimeout(0.5)
        self.local_port = self.sock.getsockname()[1]
        self.buf = b""

    def peer_cn(self):
        der = self.sock.getpeercert(binary_form=True)
        text = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-subject"], input=der,
                              capture_output=True, check=True).stdout.decode()
        return re.search(r"CN\s*=\s*([^,\n]+)", text).group(1).strip()

    def send(self, text):
        self.sock.sendall(text.encode())

    def read_message(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            head_end = self.buf.find(b"\r\n\r\n")
            if head_end >= 0:
                head = self.buf[:head_end].decode()
                m = re.search(r"(?im)^(?:Content-Length|l)\s*:\s*(\d+)", head)
                length = int(m.group(1)) if m else 0
                if len(self.buf) >= head_end + 4 + length:
                    msg = self.buf[:head_end + 4 + length].decode()
                    self.buf = self.buf[head_end + 4 + length:]
                    return msg
            try:
                data = self.sock.recv(65535)
            except (socket.timeout, ssl.SSLWantReadError):
                continue
            if not data:
                raise AssertionError("the gateway closed the TLS connection")
            self.buf += data
        raise AssertionError("no SIP message over TLS within %.0f s" % timeout)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def _status(msg):
    first = msg.split("\r\n", 1)[0]
    return int(first.split()[1]) if first.startswith("SIP/2.0") else None


def _header(msg, name):
    m = re.search(r"(?im)^%s\s*:\s*(.*)$" % re.escape(name), msg.split("\r\n\r\n", 1)[0])
    return m.group(1).strip() if m else None


def _request(conn, method, ruri, call_id, from_tag, cseq, to_tag=None, body="", extra=()):
    branch = "z9hG4bK%08x" % random.getrandbits(32)
    to = "<sip:service@%s>" % HOST + (";tag=%s" % to_tag if to_tag else "")
    lines = ["%s %s SIP/2.0" % (method, ruri),
             "Via: SIP/2.0/TLS %s:%d;branch=%s;rport" % (HOST, conn.local_port, branch),
             "Max-Forwards: 70",
             "From: <sip:tester@%s>;tag=%s" % (HOST, from_tag),
             "To: " + to,
             "Call-ID: " + call_id,
             "CSeq: %d %s" % (cseq, method),
             "Contact: <sip:tester@%s:%d;transport=tls>" % (HOST, conn.local_port),
             "User-Agent: it-tls"]
    lines.extend(extra)
    if body:
        lines.append("Content-Type: application/sdp")
    lines.append("Content-Length: %d" % len(body.encode()))
    conn.send("\r\n".join(lines) + "\r\n\r\n" + body)


def _offer(rtp_port):
    return ("v=0\r\no=it 1 1 IN IP4 {h}\r\ns=-\r\nc=IN IP4 {h}\r\nt=0 0\r\n"
            "m=audio {p} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
            "a=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n").format(h=HOST, p=rtp_port)


def test_a_call_over_tls_is_answered_echoed_and_hung_up_on_the_same_connection(gateway_factory, tmp_path, rtp_peer):
    gw, tls_port, _, _ = _tls_gateway(gateway_factory, tmp_path)
    conn = TlsSip(tls_port)
    try:
        assert conn.sock.version() in ("TLSv1.2", "TLSv1.3"), conn.sock.version()
        assert conn.peer_cn() == "gateway-a.test"
        peer = rtp_peer("PCMU", 20)
        call_id = "tls-%08x@%s" % (random.getrandbits(32), HOST)
        ruri = "sip:service@%s:%d;transport=tls" % (HOST, tls_port)
        _request(conn, "INVITE", ruri, call_id, "caller1", 1, body=_offer(peer.port))
        ok = None
        while ok is None:
            msg = conn.read_message(15)
            status = _status(msg)
            assert status is not None and status < 300, "expected 1xx/200 for the INVITE, got:\n" + msg
            if status == 200:
                ok = msg
        contact = _header(ok, "Contact")
        assert "transport=tls" in contact and (":%d" % tls_port) in contact, \
            "the 200's Contact must route in-dialog requests back to the TLS listener: %r" % contact
        to_tag = re.search(r"tag=([^;>\s]+)", _header(ok, "To")).group(1)
        sdp = ok.split("\r\n\r\n", 1)[1]
        port = int(re.search(r"(?m)^m=audio (\d+)", sdp).group(1))
        peer.remote = (HOST, port)
        _request(conn, "ACK", ruri, call_id, "caller1", 1, to_tag=to_tag)
        wait_until(lambda: gw.calls() and gw.calls()[0]["state"] == "active", 10, message="call active")

        sender = threading.Thread(target=peer.send_tone, args=(TONE_HZ, 2.0), daemon=True)
        sender.start()
        sender.join(10)
        wait_until(lambda: len(voiced_samples(peer.packets(), "PCMU")) >= 8000, 10,
                   message=">= 1 s of echoed tone over RTP")
        _, powers = analyse_audio(peer.packets(), "PCMU", (600, TONE_HZ, 1500))
        assert powers[TONE_HZ] > 20 * max(powers[600], powers[1500]), powers

        _request(conn, "BYE", ruri, call_id, "caller1", 2, to_tag=to_tag)
        while True:
            msg = conn.read_message(10)
            if _status(msg) is not None and _header(msg, "CSeq").endswith("BYE"):
                assert _status(msg) == 200, msg
                break
        gw.wait_no_calls()
    finally:
        conn.close()


def test_tls_below_1_2_is_refused(gateway_factory, tmp_path):
    gw, tls_port, _, _ = _tls_gateway(gateway_factory, tmp_path)
    ctx = _client_context(ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1)
    ctx.set_ciphers("ALL:@SECLEVEL=0")
    try:
        conn = TlsSip(tls_port, ctx)
    except (ssl.SSLError, ConnectionError, OSError):
        pass
    else:
        version = conn.sock.version()
        conn.close()
        raise AssertionError("a %s handshake succeeded" % version)
    modern = TlsSip(tls_port)
    assert modern.sock.version() in ("TLSv1.2", "TLSv1.3")
    modern.close()


def test_a_renewed_certificate_is_presented_without_a_restart(gateway_factory, tmp_path):
    gw, tls_port, cert, key = _tls_gateway(gateway_factory, tmp_path)
    first = TlsSip(tls_port)
    assert first.peer_cn() == "gateway-a.test"
    first.close()
    new_cert, new_key = _make_cert(tmp_path, "renewed", "gateway-b.test")
    # as certbot does: the new files replace the old ones under the configured names
    new_key.replace(key)
    new_cert.replace(cert)

    def presented():
        c = TlsSip(tls_port)
        try:
            return c.peer_cn()
        finally:
            c.close()

    wait_until(lambda: presented() == "gateway-b.test", 15, interval=0.3,
               message="the renewed certificate presented on new connections")
    assert "SIP TLS certificate reloaded" in gw.log_text()

    # a half-written renewal (a key that does not match) keeps the good certificate
    other_cert, _ = _make_cert(tmp_path, "other", "gateway-c.test")
    other_cert.replace(cert)
    # the files are looked at on handshakes (at most once a second), so keep connecting until the verdict is logged
    wait_until(lambda: presented() == "gateway-b.test" and "SIP TLS certificate not reloaded" in gw.log_text(), 15,
               interval=0.3, message="a WARNING that the mismatched pair was not loaded")
    assert presented() == "gateway-b.test"
    assert gw.log_text().count("SIP TLS certificate not reloaded") == 1, "logged once per bad pair, not per handshake"


def test_a_missing_certificate_file_is_refused_at_start_naming_the_field(tmp_path):
    _, key = _make_cert(tmp_path, "server", "gateway-a.test")
    cfg = base_config(free_port(), free_port(udp=False, tcp=True), 40000, 40010)
    cfg["sip"]["tls"] = {"port": free_port(udp=False, tcp=True), "certificate": str(tmp_path / "missing.pem"),
                         "privateKey": str(key)}
    path = tmp_path / "gateway.yaml"
    path.write_text(to_yaml(cfg))
    out = subprocess.run([JAVA, "-jar", str(JAR), "--config", str(path)], capture_output=True, text=True,
                         timeout=60, cwd=str(tmp_path))
    text = out.stdout + out.stderr
    assert out.returncode != 0, text
    assert "sip.tls.certificate" in text and "does not exist" in text, text
    assert "Exception in thread" not in text and "\tat " not in text, "no stack trace for a config error:\n" + text


# --------------------------------------------------------------------------- outbound calls over TLS
class TlsUas:
    """A minimal TLS SIP UAS (Python `ssl` server side) standing in for Twilio's termination: answers each INVITE
    with 200 and an SDP naming `rtp_port`, and BYE with 200. Records what it received."""

    def __init__(self, cert, key, rtp_port):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(str(cert), str(key))
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind((HOST, 0))
        self.listener.listen(8)
        self.listener.settimeout(0.5)
        self.port = self.listener.getsockname()[1]
        self.rtp_port = rtp_port
        self.received = []
        self.handshake_errors = []
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                raw, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._connection, args=(raw,), daemon=True).start()

    def _connection(self, raw):
        try:
            self._serve_connection(raw)
        except Exception as e:  # recorded for the test's report, never silent
            import traceback
            self.handshake_errors.append(traceback.format_exc())

    def _serve_connection(self, raw):
        try:
            tls = self.ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.handshake_errors.append(str(e))
            return
        conn = TlsSip.__new__(TlsSip)
        conn.sock, conn.buf = tls, b""
        tls.settimeout(0.5)
        while not self._stop.is_set():
            try:
                msg = conn.read_message(1.0)
            except AssertionError:
                if conn.buf == b"" and self._closed(tls):
                    return
                continue
            self.received.append(msg)
            method = msg.split(" ", 1)[0]
            if method == "INVITE":
                body = ("v=0\r\no=uas 1 1 IN IP4 {h}\r\ns=-\r\nc=IN IP4 {h}\r\nt=0 0\r\nm=audio {p} RTP/AVP 0\r\n"
                        "a=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n").format(h=HOST, p=self.rtp_port)
                conn.send(self._response(msg, "200 OK", body, to_tag="uas1"))
            elif method in ("BYE", "CANCEL", "OPTIONS"):
                conn.send(self._response(msg, "200 OK"))

    @staticmethod
    def _closed(tls):
        try:
            return tls.fileno() < 0
        except OSError:
            return True

    def _response(self, req, status, body="", to_tag=None):
        head = req.split("\r\n\r\n", 1)[0].split("\r\n")
        copy = [h for h in head[1:] if re.match(r"(?i)(via|from|to|call-id|cseq)\s*:", h)]
        if to_tag:
            copy = [h + (";tag=" + to_tag if re.match(r"(?i)to\s*:", h) and "tag=" not in h else "") for h in copy]
        lines = ["SIP/2.0 " + status] + copy + ["Contact: <sip:uas@%s:%d;transport=tls>" % (HOST, self.port)]
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append("Content-Length: %d" % len(body.encode()))
        return "\r\n".join(lines) + "\r\n\r\n" + body

    def requests(self, method):
        return [m for m in self.received if m.startswith(method + " ")]

    def close(self):
        self._stop.set()
        self.listener.close()


def _trust_store(tmp_path, cert):
    store = tmp_path / "trunks.p12"
    subprocess.run(["keytool", "-importcert", "-noprompt", "-alias", "trunk", "-file", str(cert), "-keystore",
                    str(store), "-storetype", "PKCS12", "-storepass", "changeit"], check=True, capture_output=True)
    return store


def test_an_outbound_call_over_tls_leaves_from_the_tls_listener_and_checks_the_trunk_certificate(
        livekit_server, gateway_factory, tmp_path, rtp_peer, monkeypatch):
    from it_livekit import API_KEY, API_SECRET, api_call
    trusted_cert, trusted_key = _make_cert(tmp_path, "trunk", "trunk.test")
    stranger_cert, stranger_key = _make_cert(tmp_path, "stranger", "stranger.test")
    store = _trust_store(tmp_path, trusted_cert)  # the trunk's CA, as the JDK's CA list holds Twilio's
    monkeypatch.setenv("GATEWAY_JAVA_OPTS", "-Djavax.net.ssl.trustStore=%s -Djavax.net.ssl.trustStorePassword=changeit"
                       % store)
    cert, key = _make_cert(tmp_path, "server", "gateway-a.test")
    tls_port = free_port(udp=False, tcp=True)
    gw = gateway_factory({"sip": {"tls": {"port": tls_port, "certificate": str(cert), "privateKey": str(key)}},
                          "livekit": {"url": livekit_server.ws_url, "apiKey": API_KEY, "apiSecret": API_SECRET}})
    peer = rtp_peer("PCMU", 20)
    uas = TlsUas(trusted_cert, trusted_key, peer.port)
    impostor = TlsUas(stranger_cert, stranger_key, peer.port)
    room = "tls-out-%04x" % random.getrandbits(16)
    try:
        def trunk(port):
            async def fn(lk_, api):
                return await lk_.sip.create_outbound_trunk(api.CreateSIPOutboundTrunkRequest(
                    trunk=api.SIPOutboundTrunkInfo(name="tls-%d" % port, address="%s:%d" % (HOST, port),
                                                   numbers=["+15550100"], transport=3)))  # SIP_TRANSPORT_TLS
            return api_call(gw.base_url, fn)

        def dial(t, identity):
            async def fn(lk_, api):
                return await lk_.sip.create_sip_participant(api.CreateSIPParticipantRequest(
                    sip_trunk_id=t.sip_trunk_id, sip_call_to="+15550199", room_name=room,
                    participant_identity=identity, wait_until_answered=True))
            return api_call(gw.base_url, fn, 40)

        info = dial(trunk(uas.port), "callee-tls")
        assert info.sip_call_id, info
        assert not uas.handshake_errors, uas.handshake_errors
        invite = uas.requests("INVITE")[0]
        via = _header(invite, "Via")
        assert via.startswith("SIP/2.0/TLS") and (":%d" % tls_port) in via, "Via must name the TLS listener: " + via
        contact = _header(invite, "Contact")
        assert "transport=tls" in contact and (":%d" % tls_port) in contact, contact
        wait_until(lambda: uas.requests("ACK"), 10, message="the ACK over the same TLS connection")

        async def delete(lk_, api):
            return await lk_.room.delete_room(api.DeleteRoomRequest(room=room))
        api_call(livekit_server.http_url, delete)
        wait_until(lambda: uas.requests("BYE"), 10, message="BYE over TLS after the room is deleted")
        gw.wait_no_calls(10)

        # a trunk whose certificate no trusted CA signed: the handshake fails, no INVITE is ever sent in clear
        failed = None
        try:
            dial(trunk(impostor.port), "callee-impostor")
        except Exception as e:  # the SDK raises its TwirpError; the message is checked below
            failed = e
        assert failed is not None, "a call to a trunk with an untrusted certificate must fail"
        assert not impostor.requests("INVITE"), "no INVITE may reach an unverified peer"
        assert impostor.handshake_errors, "the gateway must have refused the impostor's certificate in the handshake"
        gw.wait_no_calls(10)
    finally:
        uas.close()
        impostor.close()
