#!/usr/bin/env python3
"""Harness dry-run stand-in for `java -jar gateway.jar --config F`: /healthz + empty /calls, sipp UAS answering calls.
Use: JAVA=sip-gateway/src/it/selftest/fake_java.py GATEWAY_JAR=<any existing file> python3 -m pytest ... (most tests fail by design)."""
import sys, re, json, subprocess, signal, os
from http.server import BaseHTTPRequestHandler, HTTPServer
cfg = open(sys.argv[sys.argv.index("--config")+1]).read()
sipport = int(re.search(r"^sip:\n  bind: .*\n  port: (\d+)", cfg, re.M).group(1))
httpport = int(re.search(r"^http:\n  bind: .*\n  port: (\d+)", cfg, re.M).group(1))
uas = subprocess.Popen(["sipp","-sf",os.path.join(os.path.dirname(os.path.abspath(__file__)), "uas_answer.xml"),"-i","127.0.0.1","-p",str(sipport),"-t","u1","-nostdin"],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)
def term(*a):
    uas.terminate(); uas.wait(); os._exit(0)
signal.signal(signal.SIGTERM, term)
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        body = {"status":"ok","calls":0,"draining":False} if self.path=="/healthz" else []
        b=json.dumps(body).encode(); self.send_response(200); self.send_header("Content-Length",str(len(b))); self.end_headers(); self.wfile.write(b)
print("fake gateway up", sipport, httpport, flush=True)
HTTPServer(("127.0.0.1",httpport),H).serve_forever()
