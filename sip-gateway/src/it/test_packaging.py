"""The container image (README "Deploy"): built by Jib into a tarball with no Docker daemon, read as `docker load`
reads it, then run.

There is no container runtime here, and no registry to pull eclipse-temurin from, so the test builds the
"image-offline" variant (`-Pimage,image-offline`: the same Jib configuration on "scratch" with a jlink'd JRE,
deploy/image/rootfs.sh) and checks:
- the tarball: manifest.json -> config.json and layers, each layer's uncompressed digest equal to the config's
  diff_id (what `docker load` verifies), the entrypoint, arguments, user, working directory and ports;
- the files: our classes and the jars of media, agent-core and Netty at the paths the classpath file names, an
  executable JRE, the directories the non-root user writes;
- that it runs: the layers unpacked into a directory, the entrypoint started there under chroot as the image's
  user, in the image's working directory, with the image's environment and /etc/gateway/gateway.yaml mounted
  (copied) in, as a container runtime would; a sipp call against it, with the caller's tone echoed back; SIGTERM
  drains and the process exits 0. This part needs root (chroot, mounting /proc); it is skipped otherwise.

GATEWAY_IMAGE_TAR=<file> checks a tarball built before instead of building one (about a minute).
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import threading
from pathlib import Path

import pytest

from it_harness import (HOST, REPO_ROOT, Gateway, assert_sipp_ok, base_config, free_port, free_rtp_range,
                        free_sip_port, http, release_rtp_range, start_media_call, wait_until)
from it_media import voiced_samples

IMAGE_TAR = REPO_ROOT / "sip-gateway" / "target" / "jib-image.tar"
BUILD = ["mvn", "-B", "-q", "--no-transfer-progress", "-Djib.disableUpdateChecks=true", "-Pimage,image-offline",
         "-pl", "sip-gateway", "-am", "package", "-DskipTests"]
CONFIG_IN_IMAGE = "/etc/gateway/gateway.yaml"


class Image:
    """A Jib tarball in `docker save` form: manifest.json, config.json, one gzip tar per layer."""

    def __init__(self, path):
        self.path = Path(path)
        with tarfile.open(self.path) as t:
            self.blobs = {m.name: t.extractfile(m).read() for m in t.getmembers() if m.isfile()}
        manifest = json.loads(self.blobs["manifest.json"])
        assert len(manifest) == 1, manifest
        self.manifest = manifest[0]
        self.config = json.loads(self.blobs[self.manifest["Config"]])
        self.layers = [self.blobs[name] for name in self.manifest["Layers"]]

    def entries(self):
        """{path: TarInfo} of the image's file system, later layers over earlier ones."""
        out = {}
        for layer in self.layers:
            with tarfile.open(fileobj=io.BytesIO(layer), mode="r:gz") as t:
                for m in t.getmembers():
                    out[m.name.rstrip("/").lstrip("./")] = m
        return out

    def read(self, path):
        for layer in reversed(self.layers):
            with tarfile.open(fileobj=io.BytesIO(layer), mode="r:gz") as t:
                try:
                    return t.extractfile(path).read()
                except KeyError:
                    continue
        raise KeyError(path)

    def unpack(self, root):
        for layer in self.layers:
            with tarfile.open(fileobj=io.BytesIO(layer), mode="r:gz") as t:
                # modes as they are (the "tar" filter would drop the 777 of /tmp); owners root as Jib writes them
                t.extractall(root, filter="fully_trusted")


@pytest.fixture(scope="module")
def image():
    given = os.environ.get("GATEWAY_IMAGE_TAR")
    if given:
        return Image(given)
    if not shutil.which("mvn"):
        pytest.fail("mvn not found: the image is built with `%s`" % " ".join(BUILD), pytrace=False)
    done = subprocess.run(BUILD, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    assert done.returncode == 0, "image build failed: %s\n%s" % (" ".join(BUILD), done.stdout.decode(errors="replace")[-6000:])
    return Image(IMAGE_TAR)


def test_tarball_is_a_loadable_image_with_our_entrypoint(image):
    """What `docker load` checks, and what `docker run` would start."""
    diff_ids = image.config["rootfs"]["diff_ids"]
    assert image.config["rootfs"]["type"] == "layers"
    assert len(diff_ids) == len(image.layers) >= 2
    for layer, diff_id in zip(image.layers, diff_ids):
        assert "sha256:" + hashlib.sha256(gzip.decompress(layer)).hexdigest() == diff_id
    assert image.manifest["RepoTags"] == ["sip-gateway:0.1.0-SNAPSHOT"]
    assert (image.config["os"], image.config["architecture"]) == ("linux", "amd64")

    c = image.config["config"]
    assert c["Entrypoint"] == ["java", "-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError",
                               "-cp", "@/app/jib-classpath-file", "dev.gateway.sip.Main"]
    assert c["Cmd"] == ["--config", CONFIG_IN_IMAGE]
    assert c["User"] == "65532:65532", "the gateway must not run as root"
    assert c["WorkingDir"] == "/var/lib/gateway"
    env = dict(e.split("=", 1) for e in c["Env"])
    assert env["PATH"].split(":")[0] == "/opt/java/openjdk/bin" and env["JAVA_HOME"] == "/opt/java/openjdk"
    ports = set(c["ExposedPorts"])
    assert {"5060/udp", "5060/tcp", "5061/tcp", "8080/tcp"} <= ports
    rtp = {p for p in ports if p.endswith("/udp") and p != "5060/udp"}
    assert rtp == {"%d/udp" % p for p in range(10000, 20001)}, "RTP: rtp.portMin..portMax's defaults"
    assert c["Labels"]["org.opencontainers.image.title"] == "sip-gateway"


def test_image_holds_the_gateway_and_a_jre(image):
    files = image.entries()
    assert "app/classes/dev/gateway/sip/Main.class" in files
    classpath = image.read("app/jib-classpath-file").decode().strip().split(":")
    assert classpath[:2] == ["/app/resources", "/app/classes"], classpath
    libs = {Path(n).name for n in files if n.startswith("app/libs/")}
    for jar in ("media-0.1.0-SNAPSHOT.jar", "agent-core-0.1.0-SNAPSHOT.jar", "netty-transport-4.2.18.Final.jar",
                "jain-sip-ri-1.3.0-91.jar", "jackson-dataformat-yaml-2.21.3.jar"):
        assert jar in libs, "%s missing from /app/libs: %s" % (jar, sorted(libs))
    for p in classpath:
        if p.endswith(".jar"):
            assert p.lstrip("/") in files, "classpath names %s, which the image lacks" % p
    assert image.read("app/jib-main-class-file").decode().strip() == "dev.gateway.sip.Main"

    java = files["opt/java/openjdk/bin/java"]
    assert java.mode & 0o111 == 0o111, oct(java.mode)
    assert files["lib64/ld-linux-x86-64.so.2"].mode & 0o111
    assert "opt/java/openjdk/lib/security/cacerts" in files and files["opt/java/openjdk/lib/security/cacerts"].isfile()
    for d in ("var/lib/gateway", "tmp"):
        assert files[d].isdir() and files[d].mode & 0o777 == 0o777, "%s must be writable by the non-root user" % d
    assert "65532:65532" in image.read("etc/passwd").decode()
    # nothing of the build machine's paths leaks into the image
    assert {n.split("/")[0] for n in files} <= {"app", "etc", "lib", "lib64", "opt", "tmp", "var"}, \
        sorted({n.split("/")[0] for n in files})


class ImageGateway(Gateway):
    """The image's entrypoint run as a container runtime runs it: chroot into the unpacked layers, the image's
    user, working directory and environment; the config file put at /etc/gateway/gateway.yaml."""

    def __init__(self, workdir, config, image, root):
        super().__init__(workdir, config)
        self.image = image
        self.root = Path(root)

    def start(self, ready_timeout=60.0):
        c = self.image.config["config"]
        self.image.unpack(self.root)
        shutil.copy(self.config_file, self.root / CONFIG_IN_IMAGE.lstrip("/"))
        (self.root / "proc").mkdir(exist_ok=True)
        subprocess.run(["mount", "-t", "proc", "proc", str(self.root / "proc")], check=True)
        self.proc_mounted = True
        uid, gid = (int(x) for x in c["User"].split(":"))
        root, workdir = str(self.root), c["WorkingDir"]

        def enter():
            os.chroot(root)
            os.chdir(workdir)
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)

        env = dict(e.split("=", 1) for e in c["Env"])
        env["GATEWAY_HTTP_TOKEN"] = self.token
        self._log = open(self.log_file, "wb")
        self.proc = subprocess.Popen(c["Entrypoint"] + c["Cmd"], preexec_fn=enter, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def ready():
            if self.proc.poll() is not None:
                pytest.fail("the image's gateway exited with %s:\n%s" % (self.proc.returncode, self.log_text()))
            status, body, _ = http("GET", self.base_url + "/healthz", timeout=1.0)
            return status == 200 and body.get("status") == "ok"

        wait_until(ready, ready_timeout, 0.2, "the image's gateway to answer /healthz")
        return self

    def unmount_and_remove(self):
        """/proc out of the unpacked image, then the image (150 MB) out of the temporary folder."""
        proc = self.root / "proc"
        if getattr(self, "proc_mounted", False):
            subprocess.run(["umount", "-l", str(proc)], check=False)
            self.proc_mounted = False
        if not os.path.ismount(proc):
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="running the image needs root (chroot, mount /proc)")
def test_image_runs_as_non_root_answers_a_call_and_drains(image, tmp_path, sipp, rtp_peer):
    lo, hi = free_rtp_range(100)
    cfg = base_config(free_sip_port(), free_port(udp=False, tcp=True), lo, hi)
    cfg["localAgent"]["greeting"] = "none"
    gw = ImageGateway(tmp_path / "gw", cfg, image, tmp_path / "rootfs")
    try:
        gw.start()
        status = Path("/proc/%d/status" % gw.pid).read_text()
        assert "\nUid:\t65532\t" in status, "the gateway must run as the image's user"
        assert os.readlink("/proc/%d/cwd" % gw.pid) == str(gw.root / "var/lib/gateway")

        peer = rtp_peer("PCMU", 20)
        run, _ = start_media_call(sipp, gw, peer, "uac_call.xml", pause_ms=4000)
        sender = threading.Thread(target=peer.send_tone, args=(1000, 2.0), daemon=True)
        sender.start()
        # the local agent echoes the caller: the tone comes back through the image's JRE and native code
        wait_until(lambda: len(voiced_samples(peer.packets(), "PCMU")) >= 8000, 15,
                   message="the caller's tone echoed back (1 s of voiced audio)")
        sender.join(5)
        run.wait(30)
        assert_sipp_ok(run)

        gw.proc.send_signal(15)
        assert gw.proc.wait(30) == 0, gw.log_text()
        # the data directory (relative to the working directory) was writable for the non-root user
        assert (gw.root / "var/lib/gateway/data").is_dir()
    finally:
        gw.stop()
        gw.unmount_and_remove()
        release_rtp_range(lo, hi)
