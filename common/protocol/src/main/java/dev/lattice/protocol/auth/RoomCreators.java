package dev.lattice.protocol.auth;

import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.version.AuthorizationRules;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Who created a room, as each room version defines it: {@code content.creator} (v1–10), the create event's sender
 * (v11), the sender plus {@code content.additional_creators} (v12, MSC4289).
 */
public final class RoomCreators {
    private RoomCreators() {}

    /** The creators named by {@code create}; for v1–10 this is {@code content.creator} if it is a string. */
    public static Set<String> of(AuthorizationRules rules, RoomEvent create) {
        Set<String> creators = new LinkedHashSet<>();
        if (rules.useRoomCreateSender()) {
            creators.add(create.sender());
        } else {
            create.content().getString("creator").ifPresent(creators::add);
        }
        if (rules.additionalRoomCreators()) {
            create.content().getArray("additional_creators").ifPresent(array -> {
                for (CanonicalJsonValue value : array.values()) {
                    if (value instanceof JsonString s) {
                        creators.add(s.value());
                    }
                }
            });
        }
        return creators;
    }

    /**
     * The power level of {@code userId} given the create event and the power levels event (if any) of the state:
     * infinite for v12 creators; {@code users}/{@code users_default} when there is a power levels event; else 100
     * for the creator and 0 for everyone else.
     */
    public static long powerLevel(
            AuthorizationRules rules, Optional<RoomEvent> create, Optional<PowerLevels> powerLevels, String userId) {
        if (rules.explicitlyPrivilegeRoomCreators()
                && create.isPresent()
                && of(rules, create.get()).contains(userId)) {
            return PowerLevels.INFINITE;
        }
        if (powerLevels.isPresent()) {
            return powerLevels.get().userLevel(userId);
        }
        if (create.isPresent() && of(rules, create.get()).contains(userId)) {
            return 100;
        }
        return 0;
    }
}
