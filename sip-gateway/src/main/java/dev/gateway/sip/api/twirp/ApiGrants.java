package dev.gateway.sip.api.twirp;

import java.util.Objects;

/**
 * The grants of a verified access token that the SIP API looks at (names as in livekit/protocol
 * {@code auth.ClaimGrants}). Immutable.
 *
 * @param identity  {@code sub}, may be empty
 * @param sipAdmin  {@code sip.admin}: manage trunks and dispatch rules
 * @param sipCall   {@code sip.call}: place and transfer calls
 * @param roomAdmin {@code video.roomAdmin}
 * @param room      {@code video.room}, empty if absent
 */
public record ApiGrants(String identity, boolean sipAdmin, boolean sipCall, boolean roomAdmin, String room) {

    public ApiGrants {
        identity = Objects.requireNonNullElse(identity, "");
        room = Objects.requireNonNullElse(room, "");
    }

    /**
     * LiveKit's {@code EnsureAdminPermission}: {@code roomAdmin} and the token's {@code room} equal to
     * {@code roomName} (an empty room claim does not mean "any room").
     */
    public boolean isAdminOf(String roomName) {
        return roomAdmin && room.equals(roomName);
    }
}
