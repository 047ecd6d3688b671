package dev.lattice.protocol.version;

/**
 * The differences between room versions' authorization rules, as flags. Code asks
 * {@code rules.knocking()}, never {@code version >= 7}. Each constant is derived from its predecessor.
 *
 * @param specialCaseAliasesAuth versions 1–5: {@code m.room.aliases} events are allowed if the state key is the
 *     sender's server name, before power levels are checked; removed in version 6
 *     (<a href="https://spec.matrix.org/v1.19/rooms/v6/#authorization-rules">v6</a>)
 * @param strictCanonicalJson version 6+: events with floats or out-of-range integers are rejected
 * @param limitNotificationsPowerLevels version 6+: {@code notifications} in power levels is subject to the same
 *     change checks as other levels
 * @param knocking version 7+: the {@code knock} join rule and membership
 *     (<a href="https://spec.matrix.org/v1.19/rooms/v7/">v7</a>)
 * @param restrictedJoinRule version 8+: the {@code restricted} join rule and
 *     {@code join_authorised_via_users_server} (<a href="https://spec.matrix.org/v1.19/rooms/v8/">v8</a>)
 * @param knockRestrictedJoinRule version 10+: the {@code knock_restricted} join rule
 * @param integerPowerLevels version 10+: power levels must be integers, never strings
 *     (<a href="https://spec.matrix.org/v1.19/rooms/v10/">v10</a>)
 * @param useRoomCreateSender version 11+: the room creator is the create event's sender; {@code content.creator}
 *     is no longer read (<a href="https://spec.matrix.org/v1.19/rooms/v11/">v11</a>)
 * @param specialCaseRoomRedaction versions 1–2: a redaction is allowed when the redacted event's server matches
 *     the sender's (<a href="https://spec.matrix.org/v1.19/rooms/v3/">removed in v3</a>)
 * @param explicitlyPrivilegeRoomCreators version 12: the create event's sender and {@code additional_creators}
 *     have infinite power level and cannot be listed in {@code users}
 *     (<a href="https://spec.matrix.org/v1.19/rooms/v12/">v12</a>)
 * @param additionalRoomCreators version 12: {@code content.additional_creators} of the create event
 * @param roomCreateEventIdAsRoomId version 12: the room ID is derived from the create event's ID (rules 1.2 and 2 of
 *     <a href="https://spec.matrix.org/v1.19/rooms/v12/#authorization-rules">v12</a>); that the create event is never
 *     listed in {@code auth_events} is the event format's
 *     {@link dev.lattice.protocol.version.EventFormatRules#createEventInAuthEvents()}
 */
public record AuthorizationRules(
        boolean specialCaseAliasesAuth,
        boolean strictCanonicalJson,
        boolean limitNotificationsPowerLevels,
        boolean knocking,
        boolean restrictedJoinRule,
        boolean knockRestrictedJoinRule,
        boolean integerPowerLevels,
        boolean useRoomCreateSender,
        boolean specialCaseRoomRedaction,
        boolean explicitlyPrivilegeRoomCreators,
        boolean additionalRoomCreators,
        boolean roomCreateEventIdAsRoomId) {

    /** Room versions 1 and 2. */
    public static final AuthorizationRules V1 =
            new AuthorizationRules(true, false, false, false, false, false, false, false, true, false, false, false);

    /** Room versions 3 to 5: the redaction special case is gone. */
    public static final AuthorizationRules V3 = V1.withSpecialCaseRoomRedaction(false);

    /** Room version 6: no aliases special case, strict canonical JSON, notifications power levels checked. */
    public static final AuthorizationRules V6 =
            new AuthorizationRules(false, true, true, false, false, false, false, false, false, false, false, false);

    /** Room version 7: knocking. */
    public static final AuthorizationRules V7 = V6.withKnocking(true);

    /** Room versions 8 and 9: restricted joins. */
    public static final AuthorizationRules V8 = V7.withRestrictedJoinRule(true);

    /** Room version 10: knock_restricted and integer-only power levels. */
    public static final AuthorizationRules V10 =
            new AuthorizationRules(false, true, true, true, true, true, true, false, false, false, false, false);

    /** Room version 11: the creator is the create event's sender. */
    public static final AuthorizationRules V11 =
            new AuthorizationRules(false, true, true, true, true, true, true, true, false, false, false, false);

    /** Room version 12: privileged creators, additional creators, room ID from the create event. */
    public static final AuthorizationRules V12 =
            new AuthorizationRules(false, true, true, true, true, true, true, true, false, true, true, true);

    public AuthorizationRules withSpecialCaseRoomRedaction(boolean value) {
        return new AuthorizationRules(
                specialCaseAliasesAuth,
                strictCanonicalJson,
                limitNotificationsPowerLevels,
                knocking,
                restrictedJoinRule,
                knockRestrictedJoinRule,
                integerPowerLevels,
                useRoomCreateSender,
                value,
                explicitlyPrivilegeRoomCreators,
                additionalRoomCreators,
                roomCreateEventIdAsRoomId);
    }

    public AuthorizationRules withKnocking(boolean value) {
        return new AuthorizationRules(
                specialCaseAliasesAuth,
                strictCanonicalJson,
                limitNotificationsPowerLevels,
                value,
                restrictedJoinRule,
                knockRestrictedJoinRule,
                integerPowerLevels,
                useRoomCreateSender,
                specialCaseRoomRedaction,
                explicitlyPrivilegeRoomCreators,
                additionalRoomCreators,
                roomCreateEventIdAsRoomId);
    }

    public AuthorizationRules withRestrictedJoinRule(boolean value) {
        return new AuthorizationRules(
                specialCaseAliasesAuth,
                strictCanonicalJson,
                limitNotificationsPowerLevels,
                knocking,
                value,
                knockRestrictedJoinRule,
                integerPowerLevels,
                useRoomCreateSender,
                specialCaseRoomRedaction,
                explicitlyPrivilegeRoomCreators,
                additionalRoomCreators,
                roomCreateEventIdAsRoomId);
    }
}
