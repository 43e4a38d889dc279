package dev.gateway.sip.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.gateway.sip.config.ConfigException;
import dev.gateway.sip.config.DispatchRule;
import dev.gateway.sip.config.SipEntryReader;
import dev.gateway.sip.trunk.Cidr;
import dev.gateway.sip.trunk.InboundTrunk;
import dev.gateway.sip.trunk.OutboundTrunk;
import java.util.Set;
import livekit.LivekitAgentDispatch.RoomAgentDispatch;
import livekit.LivekitRoom.RoomConfiguration;
import livekit.LivekitSip.SIPDispatchRule;
import livekit.LivekitSip.SIPDispatchRuleCallee;
import livekit.LivekitSip.SIPDispatchRuleDirect;
import livekit.LivekitSip.SIPDispatchRuleIndividual;
import livekit.LivekitSip.SIPDispatchRuleInfo;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import livekit.LivekitSip.SIPOutboundTrunkInfo;
import livekit.LivekitSip.SIPTransport;

/**
 * Converts LiveKit's SIP protobuf messages to the gateway's records and back. Proto to record goes through
 * {@link SipEntryReader}, i.e. the configuration file's own validation, so a field the file would reject is
 * rejected here with the same message. LiveKit fields the gateway does not implement (krisp, media encryption,
 * ringing timeout, ...) are refused by name rather than silently ignored. Stateless and thread-safe.
 */
final class SipProtoRecords {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat.Printer SNAKE = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();

    /** Top-level fields the gateway implements; every other set field is refused. */
    private static final Set<String> INBOUND_FIELDS = Set.of("sip_trunk_id", "name", "metadata", "numbers",
            "allowed_addresses", "allowed_numbers", "auth_username", "auth_password", "headers_to_attributes",
            "include_headers", "media_encryption", "created_at", "updated_at");
    private static final Set<String> OUTBOUND_FIELDS = Set.of("sip_trunk_id", "name", "metadata", "address",
            "transport", "numbers", "auth_username", "auth_password", "headers", "include_headers",
            "media_encryption", "created_at", "updated_at");
    private static final Set<String> RULE_FIELDS = Set.of("sip_dispatch_rule_id", "rule", "trunk_ids",
            "hide_phone_number", "name", "metadata", "attributes", "room_config", "created_at", "updated_at");

    private SipProtoRecords() {
    }

    /**
     * @param path request field holding the trunk ({@code trunk}, {@code replace}), prefixed to error fields
     * @throws SipStoreException {@code INVALID_ARGUMENT} naming the field
     */
    static InboundTrunk inbound(SIPInboundTrunkInfo info, String path) {
        requireSupported(info, INBOUND_FIELDS, path);
        try {
            return SipEntryReader.inboundTrunk(json(info.toBuilder().clearCreatedAt().clearUpdatedAt().build()), path);
        } catch (ConfigException e) {
            throw SipStoreException.invalid(e.field(), e.reason());
        }
    }

    static OutboundTrunk outbound(SIPOutboundTrunkInfo info, String path) {
        requireSupported(info, OUTBOUND_FIELDS, path);
        try {
            return SipEntryReader.outboundTrunk(json(info.toBuilder().clearCreatedAt().clearUpdatedAt().build()), path);
        } catch (ConfigException e) {
            throw SipStoreException.invalid(e.field(), e.reason());
        }
    }

    /** @param inboundTrunkIds ids {@code trunk_ids} may name */
    static DispatchRule rule(SIPDispatchRuleInfo info, String path, Set<String> inboundTrunkIds) {
        requireSupported(info, RULE_FIELDS, path);
        DispatchRule rule;
        try {
            rule = SipEntryReader.dispatchRule(json(info.toBuilder().clearCreatedAt().clearUpdatedAt().build()), path,
                    inboundTrunkIds);
        } catch (ConfigException e) {
            throw SipStoreException.invalid(e.field(), e.reason());
        }
        if (!rule.rule().pin().isEmpty()) {
            // Refused as in the configuration file: a PIN the gateway does not ask for would let every caller in.
            String kind = info.getRule().getRuleCase().name().toLowerCase(java.util.Locale.ROOT);
            throw SipStoreException.invalid(SipStoreException.field(path, "rule." + kind + ".pin"),
                    "PIN collection by DTMF is not supported yet; remove the pin or protect the trunk with "
                    + "allowed_addresses/auth");
        }
        return rule;
    }

    static SIPInboundTrunkInfo toProto(InboundTrunk t) {
        SIPInboundTrunkInfo.Builder b = SIPInboundTrunkInfo.newBuilder().setSipTrunkId(t.id()).setName(t.name())
                .setMetadata(t.metadata()).addAllNumbers(t.numbers()).addAllAllowedNumbers(t.allowedNumbers())
                .setAuthUsername(t.authUsername()).setAuthPassword(t.authPassword())
                .putAllHeadersToAttributes(t.headersToAttributes())
                .setMediaEncryptionValue(t.mediaEncryption().ordinal()); // DISABLE 0, ALLOW 1, REQUIRE 2
        for (Cidr c : t.allowedAddresses()) {
            b.addAllowedAddresses(c.toString());
        }
        return b.build();
    }

    static SIPOutboundTrunkInfo toProto(OutboundTrunk t) {
        return SIPOutboundTrunkInfo.newBuilder().setSipTrunkId(t.id()).setName(t.name()).setMetadata(t.metadata())
                .setAddress(t.address()).setTransport(SIPTransport.forNumber(t.transport().protoNumber()))
                .addAllNumbers(t.numbers()).setAuthUsername(t.authUsername()).setAuthPassword(t.authPassword())
                .putAllHeaders(t.headers()).setMediaEncryptionValue(t.mediaEncryption().ordinal()).build();
    }

    static SIPDispatchRuleInfo toProto(DispatchRule r) {
        SIPDispatchRule.Builder rule = SIPDispatchRule.newBuilder();
        if (r.rule() instanceof DispatchRule.Individual i) {
            rule.setDispatchRuleIndividual(SIPDispatchRuleIndividual.newBuilder().setRoomPrefix(i.roomPrefix())
                    .setPin(i.pin()));
        } else if (r.rule() instanceof DispatchRule.Direct d) {
            rule.setDispatchRuleDirect(SIPDispatchRuleDirect.newBuilder().setRoomName(d.roomName()).setPin(d.pin()));
        } else if (r.rule() instanceof DispatchRule.Callee c) {
            rule.setDispatchRuleCallee(SIPDispatchRuleCallee.newBuilder().setRoomPrefix(c.roomPrefix())
                    .setRandomize(c.randomize()).setPin(c.pin()));
        }
        SIPDispatchRuleInfo.Builder b = SIPDispatchRuleInfo.newBuilder().setSipDispatchRuleId(r.id())
                .setName(r.name()).setMetadata(r.metadata()).addAllTrunkIds(r.trunkIds())
                .setHidePhoneNumber(r.hidePhoneNumber()).setRule(rule).putAllAttributes(r.attributes());
        if (!r.roomConfig().agents().isEmpty()) {
            RoomConfiguration.Builder rc = RoomConfiguration.newBuilder();
            for (DispatchRule.AgentDispatch a : r.roomConfig().agents()) {
                rc.addAgents(RoomAgentDispatch.newBuilder().setAgentName(a.agentName()).setMetadata(a.metadata()));
            }
            b.setRoomConfig(rc);
        }
        return b.build();
    }

    private static void requireSupported(Message m, Set<String> supported, String path) {
        for (FieldDescriptor f : m.getAllFields().keySet()) {
            if (!supported.contains(f.getName())) {
                throw SipStoreException.invalid(SipStoreException.field(path, f.getName()),
                        "not supported by this gateway; leave it unset");
            }
        }
    }

    private static JsonNode json(Message m) {
        try {
            return JSON.readTree(SNAKE.print(m));
        } catch (InvalidProtocolBufferException | JsonProcessingException e) {
            throw new IllegalStateException("cannot print " + m.getDescriptorForType().getName() + " as JSON", e);
        }
    }
}
