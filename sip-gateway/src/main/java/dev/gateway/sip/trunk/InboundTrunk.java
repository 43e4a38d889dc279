package dev.gateway.sip.trunk;

import dev.gateway.media.sdp.MediaEncryption;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An inbound (origination) trunk: who may call us and on which numbers. Same fields as LiveKit's
 * {@code SIPInboundTrunkInfo}. Immutable and thread-safe; {@link #toString()} hides the password.
 *
 * @param id                  {@code sip_trunk_id}, never null
 * @param name                human-readable name, may be empty
 * @param metadata            opaque operator data, may be empty
 * @param numbers             called numbers (E.164 or user parts) this trunk serves; empty = any
 * @param allowedAddresses    source blocks allowed to send INVITEs (preset ranges already merged); empty = any
 * @param allowedNumbers      caller numbers allowed; empty = any
 * @param authUsername        digest user, empty = no authentication
 * @param authPassword        digest password, empty exactly when {@code authUsername} is empty
 * @param headersToAttributes SIP header name to participant attribute name
 * @param allowedTransferDestinations where a transfer (REFER) of this trunk's calls may send the caller (gateway
 *                            config only); {@link DestinationList#UNRESTRICTED} when unset
 * @param mediaEncryption     SDES-SRTP on the phone leg ({@code media_encryption}): DISABLE refuses RTP/SAVP offers,
 *                            ALLOW answers them with SRTP, REQUIRE refuses plain offers
 */
public record InboundTrunk(String id, String name, String metadata, List<String> numbers,
                           List<Cidr> allowedAddresses, List<String> allowedNumbers, String authUsername,
                           String authPassword, Map<String, String> headersToAttributes,
                           DestinationList allowedTransferDestinations, MediaEncryption mediaEncryption) {

    /** A trunk whose transfers are {@link DestinationList#UNRESTRICTED}, {@code media_encryption} DISABLE. */
    public InboundTrunk(String id, String name, String metadata, List<String> numbers, List<Cidr> allowedAddresses,
                        List<String> allowedNumbers, String authUsername, String authPassword,
                        Map<String, String> headersToAttributes) {
        this(id, name, metadata, numbers, allowedAddresses, allowedNumbers, authUsername, authPassword,
                headersToAttributes, DestinationList.UNRESTRICTED, MediaEncryption.DISABLE);
    }

    /** A trunk with {@code media_encryption} DISABLE (LiveKit's default). */
    public InboundTrunk(String id, String name, String metadata, List<String> numbers, List<Cidr> allowedAddresses,
                        List<String> allowedNumbers, String authUsername, String authPassword,
                        Map<String, String> headersToAttributes, DestinationList allowedTransferDestinations) {
        this(id, name, metadata, numbers, allowedAddresses, allowedNumbers, authUsername, authPassword,
                headersToAttributes, allowedTransferDestinations, MediaEncryption.DISABLE);
    }

    /** A trunk whose transfers are {@link DestinationList#UNRESTRICTED}. */
    public InboundTrunk(String id, String name, String metadata, List<String> numbers, List<Cidr> allowedAddresses,
                        List<String> allowedNumbers, String authUsername, String authPassword,
                        Map<String, String> headersToAttributes, MediaEncryption mediaEncryption) {
        this(id, name, metadata, numbers, allowedAddresses, allowedNumbers, authUsername, authPassword,
                headersToAttributes, DestinationList.UNRESTRICTED, mediaEncryption);
    }

    /** Id of the open trunk used when no inbound trunk is configured. */
    public static final String OPEN_TRUNK_ID = "default";

    public InboundTrunk {
        Objects.requireNonNull(id, "id");
        name = Objects.requireNonNullElse(name, "");
        metadata = Objects.requireNonNullElse(metadata, "");
        numbers = List.copyOf(numbers);
        allowedAddresses = List.copyOf(allowedAddresses);
        allowedNumbers = List.copyOf(allowedNumbers);
        authUsername = Objects.requireNonNullElse(authUsername, "");
        authPassword = Objects.requireNonNullElse(authPassword, "");
        headersToAttributes = Map.copyOf(headersToAttributes);
        allowedTransferDestinations = Objects.requireNonNullElse(allowedTransferDestinations,
                DestinationList.UNRESTRICTED);
        mediaEncryption = Objects.requireNonNullElse(mediaEncryption, MediaEncryption.DISABLE);
        if (authUsername.isEmpty() != authPassword.isEmpty()) {
            throw new IllegalArgumentException("auth_username and auth_password must be set together");
        }
    }

    /** The trunk that accepts every call, used when the configuration lists no inbound trunk. */
    public static InboundTrunk open() {
        return new InboundTrunk(OPEN_TRUNK_ID, "default", "", List.of(), List.of(), List.of(), "", "", Map.of());
    }

    /** True when callers must answer a digest challenge. */
    public boolean requiresAuth() {
        return !authUsername.isEmpty();
    }

    /** A name for logs and rejections: the name, or the id when the name is empty. */
    public String displayName() {
        return name.isEmpty() ? id : name;
    }

    @Override
    public String toString() {
        return "InboundTrunk[id=" + id + ", name=" + name + ", numbers=" + numbers + ", allowedAddresses="
                + allowedAddresses + ", allowedNumbers=" + allowedNumbers + ", authUsername=" + authUsername
                + ", authPassword=" + (authPassword.isEmpty() ? "" : "***") + ", allowedTransferDestinations="
                + allowedTransferDestinations + ", mediaEncryption=" + mediaEncryption + "]";
    }
}
