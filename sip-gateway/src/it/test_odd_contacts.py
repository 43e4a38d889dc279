"""INVITEs whose Contact is not a SIP/SIPS URI with a host are refused at admission (400 saying why) and leave no
call behind: before the fix such calls could never send their BYE and held their maxCalls slot for good."""
import time

from it_harness import assert_sipp_ok

ODD_CONTACTS = ("*", "<tel:+15550001111>", "<urn:service:sos>", "<http://127.0.0.1/phone>")


def test_twenty_odd_contacts_get_400_and_leave_no_call(gateway_factory, sipp, tmp_path):
    gw = gateway_factory({"limits": {"maxCalls": 20}})
    # sipp reads one line per call from the injection file (SEQUENTIAL): 5 INVITEs of each kind
    inject = tmp_path / "odd_contacts.csv"
    inject.write_text("SEQUENTIAL\n" + "".join("%s;\n" % c for c in ODD_CONTACTS * 5))
    t0 = time.monotonic()
    run = sipp.run("uac_odd_contact.xml", gw, calls=20, rate=20, limit=20, extra=("-inf", str(inject)))
    print("20 odd-Contact INVITEs answered in %.2f s" % (time.monotonic() - t0))
    assert_sipp_ok(run)

    finals = {}
    for m in run.received():
        if m.is_response and m.cseq_method == "INVITE" and m.status >= 200:
            finals.setdefault(m.header("Call-ID"), m)
    assert len(finals) == 20, "one final response per INVITE expected, got %d\n%s" % (len(finals), run.report())
    for m in finals.values():
        assert m.status == 400, m.start_line
        assert "Contact" in m.start_line, "the reason phrase must say what is wrong: " + m.start_line
    sent = {m.header("Contact") for m in run.sent("INVITE")}
    assert sent == set(ODD_CONTACTS), sent

    assert gw.calls() == []
    assert gw.healthz()["calls"] == 0
    good = sipp.run("uac_call.xml", gw, pause_ms=300)
    assert_sipp_ok(good)
    gw.wait_no_calls(5)
