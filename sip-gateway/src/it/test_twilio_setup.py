"""deploy/twilio-setup.sh: the Twilio CLI steps generated from a gateway config (README "Deploy").

No Twilio account here: --dry-run's commands are checked line by line, and the run without --dry-run is driven
against a stand-in `twilio` on PATH that logs its arguments and answers SIDs, which shows the SIDs flowing from
one command into the next and the termination password reaching the CLI without being printed.
"""
import os
import subprocess
import sys

from it_harness import REPO_ROOT

SCRIPT = REPO_ROOT / "deploy" / "twilio-setup.sh"

CONFIG = """
sip:
  port: 5060
  externalAddress: 203.0.113.10
trunks:
  inbound:
    - name: twilio
      numbers: ["+15550100000", "+15550100001"]
      preset: twilio
      allowed_transfer_destinations: ["*@pbx.example.com"]
    - {trunk: {name: office, numbers: ["+15550199999"], allowed_addresses: ["198.51.100.0/24"]}}
  outbound:
    - name: twilio-termination
      address: example.pstn.twilio.com
      numbers: ["+15550100000", "+15550100002"]
      auth_username: gateway
      auth_password: "s3cret pass"
"""


def run(tmp_path, *args, config=CONFIG, env=None):
    f = tmp_path / "gateway.yaml"
    f.write_text(config)
    return subprocess.run(["bash", str(SCRIPT), "--config", str(f), *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHON=sys.executable, **(env or {})))


def commands(out):
    return [line for line in out.splitlines() if line and not line.startswith("#")]


def test_dry_run_prints_trunk_origination_per_node_credentials_and_numbers(tmp_path):
    done = run(tmp_path, "--node", "203.0.113.10,priority=10,weight=20", "--node", "gw2.example.com:5080,weight=5",
               "--node", "[2001:db8::5],priority=20", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert commands(done.stdout) == [
        "TRUNK_SID=$(twilio api:trunking:v1:trunks:create --friendly-name twilio --domain-name example.pstn.twilio.com"
        " --transfer-mode sip-only -o tsv --properties sid | tail -n 1)",
        'twilio api:trunking:v1:trunks:origination-urls:create --trunk-sid "$TRUNK_SID" --friendly-name twilio-node-1'
        " --sip-url sip:203.0.113.10:5060 --priority 10 --weight 20 --enabled",
        'twilio api:trunking:v1:trunks:origination-urls:create --trunk-sid "$TRUNK_SID" --friendly-name twilio-node-2'
        " --sip-url sip:gw2.example.com:5080 --priority 10 --weight 5 --enabled",
        'twilio api:trunking:v1:trunks:origination-urls:create --trunk-sid "$TRUNK_SID" --friendly-name twilio-node-3'
        " --sip-url 'sip:[2001:db8::5]:5060' --priority 20 --weight 10 --enabled",
        "CREDENTIAL_LIST_SID=$(twilio api:core:sip:credential-lists:create --friendly-name twilio-termination"
        " -o tsv --properties sid | tail -n 1)",
        'twilio api:core:sip:credential-lists:credentials:create --credential-list-sid "$CREDENTIAL_LIST_SID"'
        ' --username gateway --password "$TERMINATION_PASSWORD"',
        'twilio api:trunking:v1:trunks:credential-lists:create --trunk-sid "$TRUNK_SID"'
        ' --credential-list-sid "$CREDENTIAL_LIST_SID"',
    ] + [line for n in ("+15550100000", "+15550100001", "+15550100002") for line in (
        "PHONE_NUMBER_SID=$(twilio api:core:incoming-phone-numbers:list --phone-number %s -o tsv --properties sid"
        " | tail -n 1)" % n,
        'twilio api:trunking:v1:trunks:phone-numbers:create --trunk-sid "$TRUNK_SID" --phone-number-sid'
        ' "$PHONE_NUMBER_SID"')]
    assert "s3cret" not in done.stdout, "the password must not be printed"


def test_dry_run_defaults_to_the_external_address_and_follows_tls_and_transfer_rules(tmp_path):
    done = run(tmp_path, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "--sip-url sip:203.0.113.10:5060 --priority 10 --weight 10 --enabled" in done.stdout

    secure = CONFIG.replace("  externalAddress: 203.0.113.10\n", "  tls: {port: 5061, certificate: c.pem, privateKey: k.pem}\n") \
        .replace('allowed_transfer_destinations: ["*@pbx.example.com"]', 'allowed_transfer_destinations: []')
    done = run(tmp_path, "--node", "sip1.example.com", "--name", "prod", "--dry-run", config=secure)
    assert done.returncode == 0, done.stderr
    first = commands(done.stdout)[0]
    assert "--friendly-name prod " in first and "--transfer-mode disable-all --secure " in first, first
    assert "--sip-url 'sip:sip1.example.com:5061;transport=tls'" in done.stdout

    done = run(tmp_path, "--node", "198.51.100.7", "--dry-run", config=secure)
    assert done.returncode != 0 and "host name" in done.stderr, "TLS needs a name Twilio can verify"
    done = run(tmp_path, "--node", "203.0.113.10,weight=0", "--dry-run")
    assert done.returncode != 0 and "weight must be 1..65535" in done.stderr
    done = run(tmp_path, "--dry-run", config=CONFIG.replace("  externalAddress: 203.0.113.10\n", ""))
    assert done.returncode != 0 and "--node" in done.stderr
    open_transfers = CONFIG.replace('      allowed_transfer_destinations: ["*@pbx.example.com"]\n', "")
    assert "--transfer-mode enable-all" in run(tmp_path, "--dry-run", config=open_transfers).stdout


def test_without_dry_run_the_cli_gets_each_command_with_the_sids_of_the_previous_ones(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "twilio.log"
    stand_in = bin_dir / "twilio"
    # answers a "create"/"list" like `-o tsv --properties sid`: a header line, then a SID named after the resource
    stand_in.write_text("""#!/bin/sh
printf '%%s\\n' "$*" >> %s
case $1 in
  api:trunking:v1:trunks:create) printf 'sid\\nTK0001\\n' ;;
  api:core:sip:credential-lists:create) printf 'sid\\nCL0001\\n' ;;
  api:core:incoming-phone-numbers:list) printf 'sid\\nPN%%s\\n' "$(echo "$*" | sed 's/.*--phone-number +\\([0-9]*\\).*/\\1/')" ;;
esac
""" % log)
    stand_in.chmod(0o755)
    done = run(tmp_path, env={"PATH": "%s:%s" % (bin_dir, os.environ["PATH"])})
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    assert calls[1] == "api:trunking:v1:trunks:origination-urls:create --trunk-sid TK0001 --friendly-name " \
                       "twilio-node-1 --sip-url sip:203.0.113.10:5060 --priority 10 --weight 10 --enabled"
    assert "api:core:sip:credential-lists:credentials:create --credential-list-sid CL0001 --username gateway " \
           "--password s3cret pass" in calls
    assert "api:trunking:v1:trunks:credential-lists:create --trunk-sid TK0001 --credential-list-sid CL0001" in calls
    assert "api:trunking:v1:trunks:phone-numbers:create --trunk-sid TK0001 --phone-number-sid PN15550100001" in calls
    assert len(calls) == 1 + 1 + 3 + 2 * 3
    assert "s3cret" not in done.stdout + done.stderr, "the password reaches the CLI, not the terminal"
