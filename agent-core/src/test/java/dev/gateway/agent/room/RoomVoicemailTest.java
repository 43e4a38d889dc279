package dev.gateway.agent.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gateway.agent.VoicemailResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;

class RoomVoicemailTest {
    private final List<Map<String, String>> attributes = new ArrayList<>();
    private final FakeDataChannel channel = new FakeDataChannel(false);
    private final List<LivekitModels.DataPacket> sent = channel.sent;
    private final List<String> log = new ArrayList<>();
    private final RoomVoicemail vm = new RoomVoicemail("sip_+1555", attributes::add, channel, log::add);

    @Test
    void attributesAtOncePacketsHeldUntilTheChannelOpensThenInOrder() {
        VoicemailResult decided = VoicemailResult.decided("machine", "long_greeting", 1500);
        vm.update(decided);
        vm.update(decided.withBeep(7000));
        assertEquals(List.of(decided.attributes(), decided.withBeep(7000).attributes()), attributes);
        assertEquals(List.of(), sent);
        channel.open = true;
        vm.channelOpen();
        assertEquals(2, sent.size());
        LivekitModels.UserPacket first = sent.get(0).getUser();
        assertEquals("sip_amd", first.getTopic());
        assertEquals("sip_+1555", sent.get(0).getParticipantIdentity());
        assertEquals(decided.json(), first.getPayload().toStringUtf8());
        assertEquals(decided.withBeep(7000).json(), sent.get(1).getUser().getPayload().toStringUtf8());
        assertEquals(LivekitModels.DataPacket.Kind.RELIABLE, sent.get(1).getKind());
        assertEquals(List.of(), log);
    }

    @Test
    void moreThanADecisionAndABeepWhileClosedIsLoggedNotHeld() {
        VoicemailResult r = VoicemailResult.decided("human", "after_greeting_silence", 900);
        vm.update(r);
        vm.update(r);
        vm.update(r);
        assertEquals(List.of("voicemail result not sent as a data packet: data channel not open"), log);
        channel.open = true;
        vm.channelOpen();
        assertEquals(2, sent.size());
        vm.update(r);
        assertEquals(3, sent.size());
    }
}
