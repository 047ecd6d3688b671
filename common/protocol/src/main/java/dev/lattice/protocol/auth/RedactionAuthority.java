package dev.lattice.protocol.auth;

import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.version.AuthorizationRules;
import java.util.Optional;

/**
 * Whether a redaction that passed the auth rules may be <em>applied</em> to the event it targets
 * (<a href="https://spec.matrix.org/v1.19/rooms/v3/#handling-redactions">handling redactions</a>, room version 3+):
 * the sender has the redact level, or the redaction's sender and the original's sender are on the same server.
 * Room versions 1 and 2 made this decision in the auth rules ({@link AuthorizationRules#specialCaseRoomRedaction()}).
 */
public final class RedactionAuthority {
    private RedactionAuthority() {}

    /**
     * @param state the state the redaction is evaluated in (its power levels and create event)
     * @param redaction the {@code m.room.redaction} event
     * @param redacted the event it targets, once the server has it
     */
    public static boolean mayApply(
            AuthorizationRules rules, StateLookup state, RoomEvent redaction, RoomEvent redacted) {
        if (!redaction.roomId().equals(redacted.roomId())) {
            return false;
        }
        if (hasRedactLevel(rules, state, redaction.sender())) {
            return true;
        }
        Optional<ServerName> server = AuthCheck.userServer(redaction.sender());
        return server.isPresent() && server.equals(AuthCheck.userServer(redacted.sender()));
    }

    /**
     * Whether {@code userId} may redact anyone's events in {@code state}: their power level (infinite for room
     * version 12 creators) reaches the {@code redact} level (50 without power levels).
     */
    public static boolean hasRedactLevel(AuthorizationRules rules, StateLookup state, String userId) {
        Optional<RoomEvent> create = state.get(AuthEventTypes.CREATE, "");
        Optional<PowerLevels> powerLevels =
                state.get(AuthEventTypes.POWER_LEVELS, "").map(e -> PowerLevels.read(rules, e.content()));
        long level = RoomCreators.powerLevel(rules, create, powerLevels, userId);
        return level >= powerLevels.orElse(PowerLevels.DEFAULTS).redact();
    }
}
