"""The voicemail detector (answering machine detection) on its generated, labelled corpus.

media/src/test/corpus/amd/generate.py speaks person answers and voicemail greetings with espeak-ng (several
voices, rates and pitches), adds beeps, white/pink noise, G.711 round trips, silence-only and hold-music calls,
and writes 8 kHz WAVs + labels.json into tmp_path (260 files, about 10 s on 2 cores). The gateway jar's
dev.gateway.media.amd.AmdCorpusReport runs the production detector (default settings) over every file and prints
accuracy, the confusion matrix, decision times and the beep end error, with one JSON line last.

Asserted (thresholds from issue 10):
- accuracy >= 0.95;
- a person is decided within 2.5 s of the answer for at least 90 % of the person files (p90: the slowest are
  long answers like "Hello, who's calling?" spoken at 140 words/min after 0.7 s, which no rule can decide before
  they end plus afterGreetingSilenceMs); every machine file (greeting or hold music) within 4 s (max);
- >= 95 % of the labelled beeps found, every found beep's end within 200 ms of the true end (max), and at most 2
  beeps reported in files that have none.
Needs the Debian packages espeak-ng and sox (test.sh installs them) and numpy (the test venv has it).
"""
import json
import shutil
import subprocess
import sys

import pytest

from it_harness import JAR, JAVA, REPO_ROOT

GENERATOR = REPO_ROOT / "media" / "src" / "test" / "corpus" / "amd" / "generate.py"
REPORT_CLASS = "dev.gateway.media.amd.AmdCorpusReport"


def test_voicemail_detector_decides_the_generated_corpus(tmp_path):
    if not JAR.is_file():
        pytest.fail("gateway jar not found at %s: build it first with `mvn -q -B package -DskipTests` "
                    "from the repository root (or set GATEWAY_JAR)." % JAR, pytrace=False)
    for tool in ("espeak-ng", "sox"):
        if not shutil.which(tool):
            pytest.fail("%s not found: install the Debian packages espeak-ng and sox (test.sh does)" % tool,
                        pytrace=False)
    corpus = tmp_path / "corpus"
    gen = subprocess.run([sys.executable, str(GENERATOR), str(corpus)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=600)
    assert gen.returncode == 0, "corpus generator failed:\n" + gen.stdout + gen.stderr
    labels = json.loads((corpus / "labels.json").read_text())
    assert len(labels) >= 200, gen.stderr

    report = subprocess.run([JAVA, "-cp", str(JAR), REPORT_CLASS, str(corpus)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    print(gen.stderr + report.stdout + report.stderr)
    assert report.returncode == 0, "report failed (exit %d):\n%s%s" % (report.returncode, report.stdout,
                                                                        report.stderr)
    figures = json.loads(report.stdout.strip().splitlines()[-1])

    assert figures["files"] == len(labels)
    assert figures["accuracy"] >= 0.95, report.stdout
    times = figures["decision_ms"]
    assert times["human"]["p90"] <= 2500, report.stdout
    assert times["machine"]["max"] <= 4000, report.stdout
    assert figures["beeps"] == sum(1 for e in labels if e["beep_end_ms"] is not None)
    assert figures["beeps_found"] >= 0.95 * figures["beeps"], report.stdout
    assert figures["beep_end_error_ms"]["max"] <= 200, report.stdout
    assert figures["false_beeps"] <= 2, report.stdout
