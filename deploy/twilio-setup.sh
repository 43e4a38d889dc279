#!/usr/bin/env bash
# Sets up the Twilio side of the gateway with the Twilio CLI (`twilio`, logged in: `twilio login`), from the
# gateway's config file:
#   1. an Elastic SIP trunk: termination domain from the outbound trunk's address (<name>.pstn.twilio.com),
#      call transfer (REFER) as the inbound trunks' allowed_transfer_destinations allow it, secure (TLS + SRTP)
#      when sip.tls is configured;
#   2. one origination URI per gateway node, with priority (0-65535, lowest wins) and weight (1-65535, share among
#      equal priorities): --node ADDRESS[:PORT][,priority=P][,weight=W], repeatable; default: sip.externalAddress;
#   3. a credential list for termination with the outbound trunk's auth_username/auth_password, attached to the trunk;
#   4. the phone numbers of the trunks (inbound numbers, outbound numbers) moved onto the trunk.
# Usage: deploy/twilio-setup.sh --config FILE [--node ...]... [--name NAME] [--dry-run]
#   --dry-run prints the commands instead of running them (the password shows as "$TERMINATION_PASSWORD").
# Needs python3 with PyYAML for a YAML config (Debian: python3-yaml; a JSON config needs nothing); $PYTHON overrides.
set -euo pipefail

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

config="" name="" dry_run=0
nodes=()
while [ $# -gt 0 ]; do
  case $1 in
    --config) config=${2:?--config needs a file}; shift 2 ;;
    --node) nodes+=("${2:?--node needs ADDRESS[:PORT][,priority=P][,weight=W]}"); shift 2 ;;
    --name) name=${2:?--name needs a value}; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage ;;
    *) echo "twilio-setup.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -n "$config" ] || { echo "twilio-setup.sh: --config FILE is required" >&2; usage; }
[ -r "$config" ] || { echo "twilio-setup.sh: cannot read $config" >&2; exit 2; }

# The generator prints a shell script: the commands, SIDs carried in variables from one command to the next.
script=$("${PYTHON:-python3}" - "$config" "$name" "${nodes[@]}" <<'PY'
import json, re, shlex, sys

path, name, node_args = sys.argv[1], sys.argv[2], sys.argv[3:]

def fail(msg):
    sys.exit("twilio-setup.sh: %s" % msg)

text = open(path, encoding="utf-8").read()
try:
    import yaml
    cfg = yaml.safe_load(text) or {}
except ImportError:
    try:
        cfg = json.loads(text)
    except ValueError:
        fail("%s is YAML and this python3 has no PyYAML (Debian: apt-get install python3-yaml)" % path)

def unwrap(t, key):  # lk's files wrap trunks as {"trunk": {...}}; both spellings of names are accepted
    t = t.get(key, t) if isinstance(t, dict) else {}
    return {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k): v for k, v in t.items()}

sip = cfg.get("sip") or {}
trunks = cfg.get("trunks") or {}
inbound = [unwrap(t, "trunk") for t in trunks.get("inbound") or []]
outbound = [unwrap(t, "trunk") for t in trunks.get("outbound") or []]
twilio_in = [t for t in inbound if str(t.get("preset", "")).lower() == "twilio"] or inbound
twilio_out = [t for t in outbound if str(t.get("address", "")).split(":")[0].endswith(".pstn.twilio.com")]
if len(twilio_out) > 1:
    fail("more than one outbound trunk points at *.pstn.twilio.com (%s): keep one per config"
         % ", ".join(t["address"] for t in twilio_out))
term = twilio_out[0] if twilio_out else None

tls = sip.get("tls") or None
port = int((tls or {}).get("port", 5061) if tls else sip.get("port", 5060))

nodes = []
for arg in node_args or ([sip["externalAddress"]] if sip.get("externalAddress") else []):
    address, *opts = arg.split(",")
    node = {"address": address, "priority": 10, "weight": 10}
    for opt in opts:
        key, _, value = opt.partition("=")
        if key not in ("priority", "weight") or not value.isdigit():
            fail("--node %s: options are priority=N and weight=N, got '%s'" % (arg, opt))
        node[key] = int(value)
    if not 0 <= node["priority"] <= 65535:
        fail("--node %s: priority must be 0..65535 (lowest wins), got %d" % (arg, node["priority"]))
    if not 1 <= node["weight"] <= 65535:
        fail("--node %s: weight must be 1..65535, got %d" % (arg, node["weight"]))
    host = address
    if not re.search(r":\d+$", address) or address.endswith("]"):
        address = "%s:%d" % (address, port)
        host = host.strip("[]")
    else:
        host = address.rsplit(":", 1)[0].strip("[]")
    if tls and re.fullmatch(r"[0-9.]+|[0-9a-fA-F:]+", host):
        fail("--node %s: with sip.tls Twilio checks the certificate against a host name; give the node's name" % arg)
    node["url"] = "sip:%s%s" % (address, ";transport=tls" if tls else "")
    nodes.append(node)
if not nodes:
    fail("no gateway node: pass --node ADDRESS[,priority=P][,weight=W] (or set sip.externalAddress)")

# REFER on the trunk: off when no Twilio inbound trunk may transfer at all, SIP targets only when every allowed
# destination is a SIP URI pattern, else everything (PSTN numbers too); an absent list allows anything.
def transfer_mode():
    lists = [t.get("allowedTransferDestinations") for t in twilio_in]
    if not twilio_in or any(l is None for l in lists):
        return "enable-all"
    patterns = [p for l in lists for p in l]
    if not patterns:
        return "disable-all"
    return "sip-only" if all("@" in p for p in patterns) else "enable-all"

numbers = []
for t in twilio_in + ([term] if term else []):
    for n in t.get("numbers") or []:
        if n not in numbers and re.fullmatch(r"\+\d{6,15}", str(n)):
            numbers.append(n)

name = name or (twilio_in[0].get("name") if twilio_in else None) or "sip-gateway"
q = shlex.quote
out = []
def cmd(line, comment=None):
    if comment:
        out.append("# " + comment)
    out.append(line)

create = ["twilio api:trunking:v1:trunks:create", "--friendly-name " + q(name)]
if term:
    create.append("--domain-name " + q(term["address"].split(":")[0]))
create.append("--transfer-mode " + transfer_mode())
if tls:
    create.append("--secure")
cmd('TRUNK_SID=$(%s -o tsv --properties sid | tail -n 1)' % " ".join(create),
    "1. the trunk" + ("" if term else " (no outbound trunk at *.pstn.twilio.com in the config: no termination domain)"))
for i, n in enumerate(nodes, 1):
    cmd('twilio api:trunking:v1:trunks:origination-urls:create --trunk-sid "$TRUNK_SID" --friendly-name %s '
        '--sip-url %s --priority %d --weight %d --enabled'
        % (q("%s-node-%d" % (name, i)), q(n["url"]), n["priority"], n["weight"]),
        "2. origination URI of gateway node %d" % i if i == 1 else None)
if term and term.get("authUsername"):
    cmd('CREDENTIAL_LIST_SID=$(twilio api:core:sip:credential-lists:create --friendly-name %s -o tsv --properties sid '
        '| tail -n 1)' % q(name + "-termination"),
        "3. credentials the gateway answers Twilio's digest challenge with (outbound trunk %s)" % term.get("name", ""))
    cmd('twilio api:core:sip:credential-lists:credentials:create --credential-list-sid "$CREDENTIAL_LIST_SID" '
        '--username %s --password "$TERMINATION_PASSWORD"' % q(term["authUsername"]))
    cmd('twilio api:trunking:v1:trunks:credential-lists:create --trunk-sid "$TRUNK_SID" '
        '--credential-list-sid "$CREDENTIAL_LIST_SID"')
for i, n in enumerate(numbers):
    cmd('PHONE_NUMBER_SID=$(twilio api:core:incoming-phone-numbers:list --phone-number %s -o tsv --properties sid '
        '| tail -n 1)' % q(n), "4. the trunk's phone numbers" if i == 0 else None)
    cmd('twilio api:trunking:v1:trunks:phone-numbers:create --trunk-sid "$TRUNK_SID" '
        '--phone-number-sid "$PHONE_NUMBER_SID"')
# the password goes to the script through the environment, never onto a printed command line
print("TERMINATION_PASSWORD=%s" % q(str((term or {}).get("authPassword") or "")))
print("\n".join(out))
PY
)

password_line=${script%%$'\n'*}
commands=${script#*$'\n'}
if [ "$dry_run" = 1 ]; then
  printf '%s\n' "$commands"
  exit 0
fi
command -v twilio >/dev/null || { echo "twilio-setup.sh: the Twilio CLI is not installed (npm install -g twilio-cli)" >&2; exit 1; }
eval "$password_line"
while IFS= read -r line; do
  case $line in '#'*) echo "$line"; continue ;; esac
  echo "+ $line"        # as written: the password stays a variable
  eval "$line"
done <<< "$commands"
