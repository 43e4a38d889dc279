import os
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios")
HDR = '<?xml version="1.0" encoding="ISO-8859-1" ?>\n<!DOCTYPE scenario SYSTEM "sipp.dtd">\n'
FROM = "From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]"
TO_NOTAG = "To: <sip:[service]@[remote_ip]:[remote_port]>"
TO_TAG = TO_NOTAG + ";tag=[$rtag]"
CONTACT = "Contact: <sip:sipp@[local_ip]:[local_port]>"
INV_BRANCH = "z9hG4bK-[pid]-[call_number]-inv"

def sdp(direction="sendrecv", version=1):
    return f"""v=0
o=sipp 42 {version} IN IP4 [local_ip]
s=-
c=IN IP4 [local_ip]
t=0 0
m=audio [rtp_port] RTP/AVP [codec_pt] 101
a=rtpmap:[codec_pt] [codec_name]/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:[ptime]
a={direction}
"""

SDP_MEDIA_PORT = """v=0
o=sipp 42 1 IN IP4 [local_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 8 101
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:30
a=sendrecv
"""

def invite(body=None, cseq=1, extra="", auth=False):
    body = sdp() if body is None else body
    a = "[authentication]\n" if auth else ""
    branch = INV_BRANCH if cseq == 1 else "[branch]"
    return f"""  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch={branch};rport
{FROM}
{TO_NOTAG}
Call-ID: [call_id]
CSeq: {cseq} INVITE
{CONTACT}
{a}Max-Forwards: 70
Subject: sip-gateway integration test
User-Agent: sipp-it
Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, UPDATE
{extra}Content-Type: application/sdp
Content-Length: [len]

{body}
]]></send>
""".replace("\n\n\n", "\n\n").replace("\n\nContent-Type", "\nContent-Type")

ANSWER_ACTIONS = """    <action>
      <ereg regexp="m=audio ([0-9]+)" search_in="body" check_it="true" assign_to="mline,rport"/>
      <ereg regexp="tag=([^;> ]+)" search_in="hdr" header="To:" check_it="true" assign_to="totag,rtag"/>
      <ereg regexp="sip:[^>; ]+" search_in="hdr" header="Contact:" check_it="true" assign_to="contact"/>
      <exec command="echo [$rport] > [port_file].tmp; mv [port_file].tmp [port_file]"/>
    </action>
"""

def answer(provisional=True, write_port=True):
    s = ""
    if provisional:
        s += '  <recv response="100" optional="true"/>\n  <recv response="183" optional="true"/>\n  <recv response="180" optional="true"/>\n  <recv response="183" optional="true"/>\n'
    s += '  <recv response="200">\n' + ANSWER_ACTIONS + "  </recv>\n"
    return s

def in_dialog(method, cseq, extra="", body=None, ctype=None, retrans=True):
    rt = ' retrans="500"' if retrans else ""
    if body is not None:
        bodypart = f"Content-Type: {ctype}\nContent-Length: [len]\n\n{body}"
    else:
        bodypart = "Content-Length: 0\n"
    cs_method = "ACK" if method == "ACK" else method
    return f"""  <send{rt}><![CDATA[
{method} [$contact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
{FROM}
{TO_TAG}
Call-ID: [call_id]
CSeq: {cseq} {cs_method}
{CONTACT}
Max-Forwards: 70
{extra}{bodypart}
]]></send>
"""

def ack(cseq=1):
    return in_dialog("ACK", cseq, retrans=False)

def bye(cseq=2):
    return in_dialog("BYE", cseq) + '  <recv response="200" crlf="true"/>\n'

def reply(code_reason, extra=""):
    return f"""  <send><![CDATA[
SIP/2.0 {code_reason}
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
{CONTACT}
{extra}Content-Length: 0

]]></send>
"""

def recv_bye():
    return '  <recv request="BYE"/>\n' + reply("200 OK")

REFS = '  <Reference variables="mline,totag"/>\n'

def scenario(name, comment, body, refs=REFS):
    txt = HDR + f"<!-- {comment} -->\n<scenario name=\"{name}\">\n" + body + refs + "</scenario>\n"
    open(os.path.join(OUT, name + ".xml"), "w").write(txt)

INV = invite()

scenario("uac_call",
 "Basic call: INVITE (SDP m=audio port = -key rtp_port, codec = -key codec_pt/codec_name, a=ptime:[ptime]), "
 "writes the answered RTP port to -key port_file, ACK, pause -d ms, BYE.",
 INV + answer() + ack() + "  <pause/>\n" + bye())

scenario("uac_wait_bye",
 "Call answered, then wait (up to the global -timeout) for a BYE from the gateway and answer it 200.",
 INV + answer() + ack() + recv_bye())

def notify(cseq, frag, state):
    return in_dialog("NOTIFY", cseq, extra=f"Event: refer\nSubscription-State: {state}\n",
                     body=frag + "\n", ctype="message/sipfrag;version=2.0") + '  <recv response="200"/>\n'

REFER_RECV = """  <recv request="REFER">
    <action>
      <ereg regexp=".+" search_in="hdr" header="Refer-To:" check_it="true" assign_to="referto"/>
    </action>
  </recv>
""" + reply("202 Accepted")

scenario("uac_transfer_ok",
 "Call; receive REFER (Refer-To required), 202; NOTIFY sipfrag 100 Trying (active) then "
 "NOTIFY sipfrag 200 OK (terminated;reason=noresource) like Twilio; then the gateway must BYE.",
 INV + answer() + ack() + REFER_RECV
 + notify(2, "SIP/2.0 100 Trying", "active;expires=60")
 + notify(3, "SIP/2.0 200 OK", "terminated;reason=noresource")
 + recv_bye(),
 refs='  <Reference variables="mline,totag,referto"/>\n')

scenario("uac_transfer_fail",
 "Call; receive REFER, 202; NOTIFY 100 Trying then NOTIFY sipfrag 603 Declined (terminated). The gateway "
 "must NOT hang up: pause -d ms (a BYE then would fail the call), then sipp sends BYE.",
 INV + answer() + ack() + REFER_RECV
 + notify(2, "SIP/2.0 100 Trying", "active;expires=60")
 + notify(3, "SIP/2.0 603 Declined", "terminated;reason=noresource")
 + "  <pause/>\n" + bye(4),
 refs='  <Reference variables="mline,totag,referto"/>\n')

# CANCEL: same branch as the INVITE; accept 200(CANCEL)/487(INVITE) in either order; ACK the 487 with the INVITE branch.
CANCEL = f"""  <send><![CDATA[
CANCEL sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch={INV_BRANCH};rport
{FROM}
{TO_NOTAG}
Call-ID: [call_id]
CSeq: 1 CANCEL
Max-Forwards: 70
Content-Length: 0

]]></send>
"""
ACK_NON2XX = f"""  <send><![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch={INV_BRANCH};rport
{FROM}
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
"""
ACK_NON2XX_AUTH = ACK_NON2XX  # same shape

scenario("uac_cancel",
 "INVITE, wait for 180, CANCEL; expect 200 for the CANCEL and 487 for the INVITE (either order), ACK the 487.",
 INV + '  <recv response="100" optional="true"/>\n  <recv response="180"/>\n' + CANCEL
 + '  <recv response="487" optional="true" next="r487"/>\n'
 + '  <recv response="200"/>\n  <recv response="487"/>\n' + ACK_NON2XX
 + '  <nop next="done"/>\n'
 + '  <label id="r487"/>\n' + ACK_NON2XX + '  <recv response="200"/>\n'
 + '  <label id="done"/>\n' + '  <pause milliseconds="500"/>\n',
 refs="")

CODES = [400, 401, 403, 404, 405, 407, 408, 415, 420, 480, 481, 484, 486, 487, 488, 500, 501, 503, 504, 600, 603, 606]

def reject_tail():
    s = '  <recv response="100" optional="true"/>\n  <recv response="180" optional="true"/>\n  <recv response="183" optional="true"/>\n'
    for c in CODES[:-1]:
        s += f'  <recv response="{c}" optional="true" next="ack"/>\n'
    s += f'  <recv response="{CODES[-1]}" next="ack"/>\n'
    s += '  <label id="ack"/>\n' + ACK_NON2XX + '  <pause milliseconds="300"/>\n'
    return s

scenario("uac_reject",
 "INVITE that must be rejected: any final 4xx/5xx/6xx is accepted by sipp (the test asserts which one, from "
 "the message log); a 200 is an unexpected message and fails the call. ACK with the INVITE branch.",
 INV + reject_tail(), refs="")

# Digest: INVITE -> 401 (auth="true"), ACK, INVITE with Authorization (-au/-ap) -> 200 (call, BYE) or 403/401 (ACK, end).
INV2_AUTH = invite(cseq=2, auth=True).replace("branch=[branch]", "branch=z9hG4bK-[pid]-[call_number]-inv2")
ACK2 = ACK_NON2XX.replace(INV_BRANCH, "z9hG4bK-[pid]-[call_number]-inv2").replace("CSeq: 1 ACK", "CSeq: 2 ACK")
scenario("uac_auth",
 "Digest authentication: INVITE -> 401 with WWW-Authenticate, ACK, INVITE with Authorization built from "
 "-au/-ap. A 200 continues to a normal call (pause -d, BYE); a 403/401 is ACKed and ends the scenario. The "
 "test asserts which outcome happened.",
 INV + '  <recv response="100" optional="true"/>\n  <recv response="401" auth="true"/>\n' + ACK_NON2XX
 + INV2_AUTH
 + '  <recv response="100" optional="true"/>\n  <recv response="180" optional="true"/>\n  <recv response="183" optional="true"/>\n'
 + '  <recv response="403" optional="true" next="rejected"/>\n'
 + '  <recv response="401" optional="true" next="rejected"/>\n'
 + '  <recv response="407" optional="true" next="rejected"/>\n'
 + '  <recv response="200">\n' + ANSWER_ACTIONS + "  </recv>\n"
 + ack(2) + "  <pause/>\n" + bye(3) + '  <nop next="done"/>\n'
 + '  <label id="rejected"/>\n' + ACK2
 + '  <label id="done"/>\n')

REINV_ANSWER = lambda expect: f"""  <recv response="100" optional="true"/>
  <recv response="200">
    <action>
      <ereg regexp="a=(sendrecv|sendonly|recvonly|inactive)" search_in="body" assign_to="dirline,dir"/>
    </action>
  </recv>
"""

def reinvite(cseq, direction, version):
    return invite(body=sdp(direction, version), cseq=cseq).replace("To: <sip:[service]@[remote_ip]:[remote_port]>\n", TO_TAG + "\n").replace(
        "INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0", "INVITE [$contact] SIP/2.0").replace('', "")

scenario("uac_hold",
 "Call; re-INVITE a=sendonly (hold) -> 200 (test asserts a=recvonly); ACK; pause -d ms; re-INVITE a=sendrecv "
 "-> 200; ACK; UPDATE without SDP -> 200; pause -d ms; BYE.",
 INV + answer() + ack()
 + '  <pause milliseconds="500"/>\n'
 + reinvite(2, "sendonly", 2) + REINV_ANSWER("recvonly") + ack(2)
 + "  <pause/>\n"
 + reinvite(3, "sendrecv", 3) + REINV_ANSWER("sendrecv") + ack(3)
 + in_dialog("UPDATE", 4) + '  <recv response="200"/>\n'
 + "  <pause/>\n" + bye(5),
 refs='  <Reference variables="mline,totag,dirline,dir"/>\n')

scenario("uac_pcap_alaw",
 "PCMA/30 ms call whose media is sipp's own: plays /usr/share/sip-tester/g711a.pcap (240-byte A-law packets) "
 "from sipp's media port, pause -d ms, BYE.",
 invite(body=SDP_MEDIA_PORT) + answer()
 + ack()
 + '  <nop>\n    <action>\n      <exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/>\n    </action>\n  </nop>\n'
 + "  <pause/>\n" + bye())
# ---------------------------------------------------------------- LiveKit control tests (test_livekit_control.py)
# UAC variants whose caller number comes from -key caller (the room identity is sip_<caller>) and whose offered
# telephone-event payload type comes from -key dtmf_pt (so a test can prove the gateway takes it from the offer).
LK_FROM = 'From: "Caller" <sip:[caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]'
LK_CONTACT = "Contact: <sip:[caller]@[local_ip]:[local_port]>"

def lk_variant(text):
    return (text.replace(FROM, LK_FROM).replace(CONTACT, LK_CONTACT)
            .replace("RTP/AVP [codec_pt] 101", "RTP/AVP [codec_pt] [dtmf_pt]")
            .replace("a=rtpmap:101 ", "a=rtpmap:[dtmf_pt] ").replace("a=fmtp:101 ", "a=fmtp:[dtmf_pt] "))

LK_KEYS = " Keys: -key caller (From user), -key dtmf_pt (offered telephone-event PT)."
LK_INV = lk_variant(INV)

scenario("uac_lk_dtmf_call",
 "LiveKit call: answered, pause -d ms (a BYE from the gateway meanwhile fails the call), then BYE." + LK_KEYS,
 LK_INV + answer() + lk_variant(ack()) + "  <pause/>\n" + lk_variant(bye()))

scenario("uac_lk_dtmf_wait_bye",
 "LiveKit call: answered, then wait (up to -timeout) for the gateway's BYE and answer it 200." + LK_KEYS,
 LK_INV + answer() + lk_variant(ack()) + lk_variant(recv_bye()))

scenario("uac_lk_transfer_ok",
 "LiveKit call; receive REFER, 202; NOTIFY sipfrag 100 Trying (active), NOTIFY sipfrag 200 OK "
 "(terminated;reason=noresource) like Twilio; then the gateway must BYE." + LK_KEYS,
 LK_INV + answer() + lk_variant(ack()) + lk_variant(REFER_RECV)
 + lk_variant(notify(2, "SIP/2.0 100 Trying", "active;expires=60"))
 + lk_variant(notify(3, "SIP/2.0 200 OK", "terminated;reason=noresource"))
 + lk_variant(recv_bye()),
 refs='  <Reference variables="mline,totag,referto"/>\n')

scenario("uac_lk_transfer_fail",
 "LiveKit call; receive REFER, 202; NOTIFY 100 Trying, NOTIFY sipfrag 603 Declined (terminated). The gateway "
 "must NOT hang up: pause -d ms (a BYE then fails the call), then sipp sends BYE." + LK_KEYS,
 LK_INV + answer() + lk_variant(ack()) + lk_variant(REFER_RECV)
 + lk_variant(notify(2, "SIP/2.0 100 Trying", "active;expires=60"))
 + lk_variant(notify(3, "SIP/2.0 603 Declined", "terminated;reason=noresource"))
 + "  <pause/>\n" + lk_variant(bye(4)),
 refs='  <Reference variables="mline,totag,referto"/>\n')

# UAS stand-ins of Twilio's termination (outbound calls from the gateway, CreateSIPParticipant). Keys: realm,
# nonce (the digest challenge), rtp_port (the test's RTP socket, answered in the SDP), port_file (the gateway's
# offered RTP port is written there).
UAS_CONTACT = "Contact: <sip:twilio@[local_ip]:[local_port]>"

def uas_reply(code_reason, extra="", body=None, totag=True):
    to = "[last_To:];tag=[pid]SIPpTag01[call_number]" if totag else "[last_To:]"
    if body is None:
        tail = "Content-Length: 0\n"
    else:
        tail = f"Content-Type: application/sdp\nContent-Length: [len]\n\n{body}"
    return f"""  <send><![CDATA[
SIP/2.0 {code_reason}
[last_Via:]
[last_From:]
{to}
[last_Call-ID:]
[last_CSeq:]
{UAS_CONTACT}
{extra}{tail}
]]></send>
"""

UAS_SDP = """v=0
o=twilio 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [local_ip]
t=0 0
m=audio [rtp_port] RTP/AVP 0 [$tept]
a=rtpmap:0 PCMU/8000
a=rtpmap:[$tept] telephone-event/8000
a=fmtp:[$tept] 0-16
a=ptime:20
a=sendrecv
"""

UAS_CHALLENGE = ('  <recv request="INVITE"/>\n'
 + uas_reply("407 Proxy Authentication Required",
             'Proxy-Authenticate: Digest realm="[realm]", nonce="[nonce]", qop="auth", algorithm=MD5\n')
 + '  <recv request="ACK"/>\n')

UAS_INVITE2 = """  <recv request="INVITE">
    <action>
      <ereg regexp="Digest .*" search_in="hdr" header="Proxy-Authorization:" check_it="true" assign_to="pauth"/>
      <ereg regexp="m=audio ([0-9]+)" search_in="body" check_it="true" assign_to="mline,rport"/>
      <ereg regexp="a=rtpmap:([0-9]+) telephone-event" search_in="body" check_it="true" assign_to="teline,tept"/>
      <exec command="echo [$rport] > [port_file].tmp; mv [port_file].tmp [port_file]"/>
    </action>
  </recv>
"""

scenario("uas_lk_auth_answer",
 "Twilio termination stand-in: INVITE -> 407 (Proxy-Authenticate Digest, qop=auth, MD5), ACK; INVITE with "
 "Proxy-Authorization (required; the test verifies the digest from the message log) -> 180, 200 with SDP "
 "(PCMU + the offered telephone-event PT, m=audio -key rtp_port), ACK; then wait for the gateway's BYE.",
 UAS_CHALLENGE + UAS_INVITE2
 + uas_reply("180 Ringing") + '  <pause milliseconds="300"/>\n'
 + uas_reply("200 OK", body=UAS_SDP).replace("<send>", '<send retrans="500">')
 + '  <recv request="ACK"/>\n'
 + '  <recv request="BYE"/>\n' + uas_reply("200 OK", totag=False),
 refs='  <Reference variables="pauth,mline,teline"/>\n')

scenario("uas_lk_auth_reject",
 "Twilio termination stand-in refusing the credentials: INVITE -> 407, ACK; INVITE with Proxy-Authorization "
 "(required) -> 403 Forbidden, ACK.",
 UAS_CHALLENGE + UAS_INVITE2 + uas_reply("403 Forbidden") + '  <recv request="ACK"/>\n'
 + '  <pause milliseconds="200"/>\n',
 refs='  <Reference variables="pauth,mline,teline,tept"/>\n')
print("ok")
