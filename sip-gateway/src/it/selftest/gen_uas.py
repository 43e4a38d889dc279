import os
OUT = os.path.dirname(os.path.abspath(__file__))
HDR = '<?xml version="1.0" encoding="ISO-8859-1" ?>\n'
MYTAG = ";tag=[pid]SIPpTag01[call_number]"
def resp(code, extra="", body=None, to_tag=True, cseq=None):
    to = "[last_To:]" + (MYTAG if to_tag else "")
    cs = "[last_CSeq:]" if cseq is None else "CSeq: " + cseq
    b = f"Content-Type: application/sdp\nContent-Length: [len]\n\n{body}" if body else "Content-Length: 0\n"
    return f"""  <send><![CDATA[
SIP/2.0 {code}
[last_Via:]
[last_From:]
{to}
[last_Call-ID:]
{cs}
Contact: <sip:gw@[local_ip]:[local_port]>
{extra}{b}
]]></send>
"""
def resp_indialog(code, extra="", body=None):  # to an in-dialog request from the UAC (To already tagged)
    return resp(code, extra, body, to_tag=False)
SDP = lambda d="sendrecv": f"""v=0
o=gw 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio 30000 RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=ptime:20
a={d}
"""
RECV_INV = """  <recv request="INVITE">
    <action>
      <ereg regexp=".*" search_in="hdr" header="From:" assign_to="rfrom"/>
      <ereg regexp="sip:[^>; ]+" search_in="hdr" header="Contact:" assign_to="rcontact"/>
    </action>
  </recv>
"""
def req(method, cseq, extra="", body=None, ctype=None):
    b = f"Content-Type: {ctype}\nContent-Length: [len]\n\n{body}" if body else "Content-Length: 0\n"
    return f"""  <send retrans="500"><![CDATA[
{method} [$rcontact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:service@[local_ip]:[local_port]>{MYTAG}
To: [$rfrom]
Call-ID: [call_id]
CSeq: {cseq} {method}
Contact: <sip:gw@[local_ip]:[local_port]>
Max-Forwards: 70
{extra}{b}
]]></send>
"""
ANSWER = RECV_INV + resp("100 Trying", to_tag=False) + resp("180 Ringing") + resp("200 OK", body=SDP()) + '  <recv request="ACK"/>\n'
BYE_IN = '  <recv request="BYE"/>\n' + resp_indialog("200 OK")
BYE_OUT = req("BYE", 2) + '  <recv response="200"/>\n'
def sc(name, body):
    open(os.path.join(OUT, name + ".xml"), "w").write(HDR + f'<scenario name="{name}">\n' + body + '  <Reference variables="rfrom,rcontact"/>\n</scenario>\n')
sc("uas_answer", ANSWER + BYE_IN)
sc("uas_bye", ANSWER + '  <pause milliseconds="500"/>\n' + BYE_OUT)
REFER = req("REFER", 1, extra="Refer-To: <sip:agent2@127.0.0.1>\nReferred-By: <sip:service@127.0.0.1>\n") + '  <recv response="202"/>\n' \
    + '  <recv request="NOTIFY"/>\n' + resp_indialog("200 OK") + '  <recv request="NOTIFY"/>\n' + resp_indialog("200 OK")
sc("uas_refer_ok", ANSWER + REFER + BYE_OUT.replace("CSeq: 2 BYE", "CSeq: 3 BYE"))
sc("uas_refer_fail", ANSWER + REFER + BYE_IN)
sc("uas_cancel", RECV_INV + resp("100 Trying", to_tag=False) + resp("180 Ringing") + '  <recv request="CANCEL"/>\n'
   + resp("200 OK") + resp("487 Request Terminated", cseq="1 INVITE") + '  <recv request="ACK"/>\n')
sc("uas_reject", RECV_INV + resp("404 Not Found") + '  <recv request="ACK"/>\n')
sc("uas_reject503", RECV_INV + resp("503 Service Unavailable", extra="Retry-After: 5\n") + '  <recv request="ACK"/>\n')
sc("uas_auth", RECV_INV + resp("401 Unauthorized", extra='WWW-Authenticate: Digest realm="it", nonce="abc123", algorithm=MD5, qop="auth"\n')
   + '  <recv request="ACK"/>\n' + '  <recv request="INVITE"/>\n' + resp("200 OK", body=SDP()) + '  <recv request="ACK"/>\n' + BYE_IN)
sc("uas_hold", ANSWER + '  <recv request="INVITE"/>\n' + resp_indialog("200 OK", body=SDP("recvonly")) + '  <recv request="ACK"/>\n'
   + '  <recv request="INVITE"/>\n' + resp_indialog("200 OK", body=SDP("sendrecv")) + '  <recv request="ACK"/>\n'
   + '  <recv request="UPDATE"/>\n' + resp_indialog("200 OK") + BYE_IN)
