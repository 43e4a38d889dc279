package dev.gateway.agent.room;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import livekit.LivekitModels;

/** A reliable data channel for tests: refuses while closed, keeps what was sent (parsed) while open. */
final class FakeDataChannel implements Predicate<byte[]> {
    final List<LivekitModels.DataPacket> sent = new ArrayList<>();
    boolean open;

    FakeDataChannel(boolean open) {
        this.open = open;
    }

    @Override
    public boolean test(byte[] packet) {
        if (!open) {
            return false;
        }
        try {
            sent.add(LivekitModels.DataPacket.parseFrom(packet));
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
        return true;
    }
}
