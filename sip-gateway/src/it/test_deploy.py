"""deploy/: the Kubernetes manifests and the compose file against the schemas of their formats, the facts they share
with the image and the gateway's config checked against each other, and their gateway configs loaded by the real
gateway (README "Deploy").

No cluster and no Docker daemon here: the manifests go through kubernetes-validate (Kubernetes' OpenAPI schemas,
strict: unknown fields are errors), the compose file through the compose-spec schema that check-jsonschema ships.
Each validator is first shown to reject a broken copy, so a pass means something.
"""
import copy
import os
import py_compile
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from it_harness import (HOST, REPO_ROOT, Gateway, free_port, free_rtp_range, free_sip_port, http, release_rtp_range,
                        wait_until)

if os.environ.get("GATEWAY_REQUIRE_LIVEKIT_TESTS") == "1":  # test.sh: a missing validator fails, never skips
    import check_jsonschema  # noqa: F401
    import kubernetes_validate
    import yaml
else:
    yaml = pytest.importorskip("yaml")
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    pytest.importorskip("check_jsonschema")

DEPLOY = REPO_ROOT / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE = DEPLOY / "compose.yaml"
K8S_VERSION = "1.30.0"  # the oldest with the preStop `sleep` action on by default (deployment.yaml)
IMAGE_CONFIG = "/etc/gateway/gateway.yaml"
IMAGE_USER = 65532


def k8s_docs():
    docs = {}
    for f in sorted(K8S.glob("*.yaml")):
        for d in yaml.safe_load_all(f.read_text()):
            if d:
                docs[d["kind"]] = d
    return docs


def k8s_errors(doc):
    try:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        return None
    except kubernetes_validate.ValidationError as e:
        return str(e)


def compose_check(path):
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
                           str(path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_kubernetes_manifests_pass_the_strict_schema():
    docs = k8s_docs()
    assert set(docs) == {"ConfigMap", "Secret", "Deployment", "PodDisruptionBudget", "Service"}
    broken = copy.deepcopy(docs["Deployment"])
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"httpGet": {"path": "/readyz"}}
    assert k8s_errors(broken), "the validator must reject an unknown field (readinesProbe)"
    for kind, doc in docs.items():
        assert k8s_errors(doc) is None, "%s: %s" % (kind, k8s_errors(doc))


def test_compose_file_passes_the_compose_spec_schema(tmp_path):
    broken = yaml.safe_load(COMPOSE.read_text())
    broken["services"]["gateway"]["stop_grace_perod"] = "45s"
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(broken))
    assert compose_check(tmp_path / "broken.yaml").returncode != 0, "the validator must reject stop_grace_perod"
    done = compose_check(COMPOSE)
    assert done.returncode == 0, done.stdout
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert set(services) == {"redis", "livekit", "gateway", "agent"}
    for s in services.values():
        assert s["network_mode"] == "host", "SIP, RTP and WebRTC media need the host's ports"
    for f in ("compose/livekit.yaml", "compose/gateway.yaml", "agent/Dockerfile", "agent/echo_agent.py"):
        assert (DEPLOY / f).is_file(), f
    py_compile.compile(str(DEPLOY / "agent" / "echo_agent.py"), cfile=str(tmp_path / "agent.pyc"), doraise=True)


def seconds(text):
    m = re.fullmatch(r"(\d+)s", str(text))
    assert m, text
    return int(m.group(1))


def test_manifests_agree_with_the_image_and_the_config():
    docs = k8s_docs()
    gateway_cfg = yaml.safe_load(docs["ConfigMap"]["data"]["gateway.yaml"])
    pod = docs["Deployment"]["spec"]["template"]["spec"]
    c = pod["containers"][0]

    assert pod["hostNetwork"] is True and pod["dnsPolicy"] == "ClusterFirstWithHostNet"
    # the drain (limits.drainSeconds) and the BYEs fit in the grace period, the preStop pause included
    pause = c["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pod["terminationGracePeriodSeconds"] >= gateway_cfg["limits"]["drainSeconds"] + pause + 10
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        get = c[probe]["httpGet"]
        assert (get["host"], get["port"]) == (gateway_cfg["http"]["bind"], gateway_cfg["http"]["port"]), probe
    assert c["args"] == ["--config", IMAGE_CONFIG]
    mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
    assert mounts["config"] == str(Path(IMAGE_CONFIG).parent)
    assert gateway_cfg["dataDir"].startswith(mounts["data"] + "/")
    assert pod["securityContext"]["runAsUser"] == IMAGE_USER and c["securityContext"]["readOnlyRootFilesystem"]
    assert c["envFrom"][0]["secretRef"]["name"] == docs["Secret"]["metadata"]["name"]
    assert set(docs["Secret"]["stringData"]) == {"LIVEKIT_API_KEY", "LIVEKIT_API_SECRET", "GATEWAY_HTTP_TOKEN"}
    sip_ports = {(p["containerPort"], p["protocol"]) for p in c["ports"]}
    assert {(gateway_cfg["sip"]["port"], "UDP"), (gateway_cfg["sip"]["port"], "TCP")} <= sip_ports
    selector = docs["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"]
    assert selector.items() <= docs["Deployment"]["spec"]["template"]["metadata"]["labels"].items()
    assert docs["PodDisruptionBudget"]["spec"]["maxUnavailable"] == 1

    services = yaml.safe_load(COMPOSE.read_text())["services"]
    compose_cfg = yaml.safe_load((DEPLOY / "compose" / "gateway.yaml").read_text())
    assert seconds(services["gateway"]["stop_grace_period"]) > compose_cfg["limits"]["drainSeconds"]
    assert "./compose/gateway.yaml:%s:ro" % IMAGE_CONFIG in services["gateway"]["volumes"]
    agents = {a["agent_name"] for r in compose_cfg["dispatchRules"] for a in r["room_config"]["agents"]}
    assert agents == {services["agent"]["environment"]["AGENT_NAME"]}


def config_files():
    cm = yaml.safe_load((K8S / "configmap.yaml").read_text())
    return {"k8s/configmap.yaml": yaml.safe_load(cm["data"]["gateway.yaml"]),
            "compose/gateway.yaml": yaml.safe_load((DEPLOY / "compose" / "gateway.yaml").read_text())}


@pytest.mark.parametrize("name", sorted(config_files()))
def test_the_shipped_gateway_configs_start_the_real_gateway(name, tmp_path, gateway_jar):
    """Every key and value of the shipped configs is one the gateway accepts (a typo stops it at start), with only
    the addresses moved to this machine's loopback and free ports."""
    cfg = config_files()[name]
    lo, hi = free_rtp_range(100)
    cfg["sip"].update(bind=HOST, port=free_sip_port())
    cfg["rtp"].update(bind=HOST, portMin=lo, portMax=hi)
    cfg["http"].update(bind=HOST, port=free_port(udp=False, tcp=True))
    cfg["dataDir"] = str(tmp_path / "data")
    cfg["livekit"].update(url="ws://127.0.0.1:%d" % free_port(udp=False, tcp=True), apiKey="APIdeploytest",
                          apiSecret="deploy-test-secret-of-at-least-32-chars")
    gw = Gateway(tmp_path / "gw", cfg)
    try:
        gw.start()
        assert gw.healthz()["status"] == "ok"
    finally:
        gw.stop()
        release_rtp_range(lo, hi)
    assert gw.returncode == 0, gw.log_text()


def test_compose_livekit_config_is_accepted_by_livekit_server(tmp_path):
    """compose/livekit.yaml with its ports and Redis moved to free ones: livekit-server v1.13.5 (strict about its
    config's fields, as the broken copy shows) starts with it and serves HTTP, with a real redis-server when
    Debian's is installed; without one, it gets as far as connecting to Redis, after the config was read."""
    from it_livekit import livekit_server_bin
    server_bin = livekit_server_bin()
    if not server_bin:
        pytest.fail("livekit-server binary not found (test.sh builds it)", pytrace=False)
    cfg = yaml.safe_load((DEPLOY / "compose" / "livekit.yaml").read_text())
    port = free_port(udp=False, tcp=True)
    redis_port = free_port(udp=False, tcp=True)
    cfg["port"] = port
    cfg["rtc"].update(tcp_port=free_port(udp=False, tcp=True), udp_port=free_port())
    cfg["redis"]["address"] = "127.0.0.1:%d" % redis_port
    env = dict(os.environ, LIVEKIT_KEYS="APIcomposetest: compose-test-secret-of-at-least-32-chars")

    broken = dict(cfg, rtc=dict(cfg["rtc"], udp_prot=1))
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(broken))
    done = subprocess.run([server_bin, "--config", str(tmp_path / "broken.yaml")], env=env, timeout=60,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # (it exits 0 even then: the message is the signal)
    assert "could not parse config" in done.stdout.lower() and "udp_prot" in done.stdout, done.stdout[-2000:]

    (tmp_path / "livekit.yaml").write_text(yaml.safe_dump(cfg))
    procs = []
    redis_bin = shutil.which("redis-server")
    try:
        if redis_bin:
            procs.append(subprocess.Popen([redis_bin, "--bind", HOST, "--port", str(redis_port), "--save", "",
                                           "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          cwd=str(tmp_path)))
        log = tmp_path / "livekit.log"
        with open(log, "wb") as out:
            lk = subprocess.Popen([server_bin, "--config", str(tmp_path / "livekit.yaml")], env=env, stdout=out,
                                  stderr=subprocess.STDOUT, cwd=str(tmp_path))
            procs.append(lk)

            def up():
                text = log.read_text(errors="replace")
                assert "could not parse config" not in text.lower(), text
                if not redis_bin:
                    return "connecting to redis" in text
                assert lk.poll() is None, text[-3000:]
                return http("GET", "http://%s:%d/" % (HOST, port), timeout=1.0)[0] == 200

            wait_until(up, 30, 0.2, "livekit-server to start with compose/livekit.yaml")
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(10)
