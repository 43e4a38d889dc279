package dev.gateway.sip.api.twirp;

import java.util.ArrayList;
import java.util.List;
import livekit.LivekitModels.ListUpdate;
import livekit.LivekitSip.SIPDispatchRuleInfo;
import livekit.LivekitSip.SIPDispatchRuleUpdate;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import livekit.LivekitSip.SIPInboundTrunkUpdate;
import livekit.LivekitSip.SIPOutboundTrunkInfo;
import livekit.LivekitSip.SIPOutboundTrunkUpdate;

/**
 * Applies the field-wise {@code update} form of LiveKit's Update* requests: optional scalars replace the value
 * when present; a {@code ListUpdate} clears, sets, or removes then adds (no duplicates), in that order of
 * precedence; an attribute map diff sets keys and deletes those given an empty value. Same semantics as
 * livekit/protocol's {@code applyListUpdate}/{@code applyMapDiff}. Pure and thread-safe.
 */
final class SipUpdates {

    private SipUpdates() {
    }

    static SIPInboundTrunkInfo apply(SIPInboundTrunkInfo info, SIPInboundTrunkUpdate u) {
        SIPInboundTrunkInfo.Builder b = info.toBuilder();
        if (u.hasNumbers()) {
            b.clearNumbers().addAllNumbers(list(info.getNumbersList(), u.getNumbers()));
        }
        if (u.hasAllowedAddresses()) {
            b.clearAllowedAddresses()
                    .addAllAllowedAddresses(list(info.getAllowedAddressesList(), u.getAllowedAddresses()));
        }
        if (u.hasAllowedNumbers()) {
            b.clearAllowedNumbers().addAllAllowedNumbers(list(info.getAllowedNumbersList(), u.getAllowedNumbers()));
        }
        if (u.hasAuthUsername()) {
            b.setAuthUsername(u.getAuthUsername());
        }
        if (u.hasAuthPassword()) {
            b.setAuthPassword(u.getAuthPassword());
        }
        if (u.hasName()) {
            b.setName(u.getName());
        }
        if (u.hasMetadata()) {
            b.setMetadata(u.getMetadata());
        }
        if (u.hasMediaEncryption()) {
            b.setMediaEncryption(u.getMediaEncryption());
        }
        return b.build();
    }

    static SIPOutboundTrunkInfo apply(SIPOutboundTrunkInfo info, SIPOutboundTrunkUpdate u) {
        SIPOutboundTrunkInfo.Builder b = info.toBuilder();
        if (u.hasAddress()) {
            b.setAddress(u.getAddress());
        }
        if (u.hasTransport()) {
            b.setTransport(u.getTransport());
        }
        if (u.hasDestinationCountry()) {
            b.setDestinationCountry(u.getDestinationCountry());
        }
        if (u.hasNumbers()) {
            b.clearNumbers().addAllNumbers(list(info.getNumbersList(), u.getNumbers()));
        }
        if (u.hasAuthUsername()) {
            b.setAuthUsername(u.getAuthUsername());
        }
        if (u.hasAuthPassword()) {
            b.setAuthPassword(u.getAuthPassword());
        }
        if (u.hasName()) {
            b.setName(u.getName());
        }
        if (u.hasMetadata()) {
            b.setMetadata(u.getMetadata());
        }
        if (u.hasMediaEncryption()) {
            b.setMediaEncryption(u.getMediaEncryption());
        }
        if (u.hasFromHost()) {
            b.setFromHost(u.getFromHost());
        }
        return b.build();
    }

    static SIPDispatchRuleInfo apply(SIPDispatchRuleInfo info, SIPDispatchRuleUpdate u) {
        SIPDispatchRuleInfo.Builder b = info.toBuilder();
        if (u.hasTrunkIds()) {
            b.clearTrunkIds().addAllTrunkIds(list(info.getTrunkIdsList(), u.getTrunkIds()));
        }
        if (u.hasRule()) {
            b.setRule(u.getRule());
        }
        if (u.hasName()) {
            b.setName(u.getName());
        }
        if (u.hasMetadata()) {
            b.setMetadata(u.getMetadata());
        }
        u.getAttributesMap().forEach((k, v) -> {
            if (v.isEmpty()) {
                b.removeAttributes(k);
            } else {
                b.putAttributes(k, v);
            }
        });
        if (u.hasMediaEncryption()) {
            b.setMediaEncryption(u.getMediaEncryption());
        }
        return b.build();
    }

    static List<String> list(List<String> current, ListUpdate u) {
        if (u.getClear()) {
            return List.of();
        }
        if (u.getSetCount() > 0) {
            return u.getSetList();
        }
        List<String> out = new ArrayList<>(current);
        u.getRemoveList().forEach(out::remove);
        for (String v : u.getAddList()) {
            if (!out.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }
}
