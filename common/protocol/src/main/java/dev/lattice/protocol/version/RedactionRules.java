package dev.lattice.protocol.version;

/**
 * The differences between room versions' redaction algorithms, as flags
 * (<a href="https://spec.matrix.org/v1.19/client-server-api/#redactions">Redactions</a>). Each constant is derived from
 * its predecessor.
 *
 * @param keepOriginMembershipPrevState versions 1–10: the top-level {@code origin}, {@code membership} and
 *     {@code prev_state} survive redaction; removed in <a href="https://spec.matrix.org/v1.19/rooms/v11/#redactions">v11</a>
 * @param keepAliasesContent versions 1–5: {@code m.room.aliases} keeps {@code aliases}; removed in
 *     <a href="https://spec.matrix.org/v1.19/rooms/v6/#redactions">v6</a>
 * @param keepJoinRulesAllow version 8+: {@code m.room.join_rules} keeps {@code allow}
 *     (<a href="https://spec.matrix.org/v1.19/rooms/v8/#redactions">v8</a>)
 * @param keepJoinAuthorisedViaUsersServer version 9+: {@code m.room.member} keeps
 *     {@code join_authorised_via_users_server} (<a href="https://spec.matrix.org/v1.19/rooms/v9/#redactions">v9</a>)
 * @param keepAllCreateContent version 11+: {@code m.room.create} keeps its whole content (before: only
 *     {@code creator}) (<a href="https://spec.matrix.org/v1.19/rooms/v11/#redactions">v11</a>, MSC2176)
 * @param keepRedactsInContent version 11+: {@code m.room.redaction} keeps {@code content.redacts} (MSC2174/MSC2176)
 * @param keepPowerLevelsInvite version 11+: {@code m.room.power_levels} keeps {@code invite} (MSC2176)
 * @param keepThirdPartyInviteSigned version 11+: {@code m.room.member} keeps {@code third_party_invite.signed}
 *     (MSC3821)
 */
public record RedactionRules(
        boolean keepOriginMembershipPrevState,
        boolean keepAliasesContent,
        boolean keepJoinRulesAllow,
        boolean keepJoinAuthorisedViaUsersServer,
        boolean keepAllCreateContent,
        boolean keepRedactsInContent,
        boolean keepPowerLevelsInvite,
        boolean keepThirdPartyInviteSigned) {

    /** Versions 1–5. */
    public static final RedactionRules V1 = new RedactionRules(true, true, false, false, false, false, false, false);
    /** Versions 6–7: no special meaning for {@code m.room.aliases}. */
    public static final RedactionRules V6 = V1.withKeepAliasesContent(false);
    /** Version 8: {@code join_rules.allow}. */
    public static final RedactionRules V8 = V6.withKeepJoinRulesAllow(true);
    /** Versions 9–10: {@code join_authorised_via_users_server}. */
    public static final RedactionRules V9 = V8.withKeepJoinAuthorisedViaUsersServer(true);
    /** Versions 11–12. */
    public static final RedactionRules V11 = new RedactionRules(false, false, true, true, true, true, true, true);

    public RedactionRules withKeepAliasesContent(boolean value) {
        return new RedactionRules(
                keepOriginMembershipPrevState,
                value,
                keepJoinRulesAllow,
                keepJoinAuthorisedViaUsersServer,
                keepAllCreateContent,
                keepRedactsInContent,
                keepPowerLevelsInvite,
                keepThirdPartyInviteSigned);
    }

    public RedactionRules withKeepJoinRulesAllow(boolean value) {
        return new RedactionRules(
                keepOriginMembershipPrevState,
                keepAliasesContent,
                value,
                keepJoinAuthorisedViaUsersServer,
                keepAllCreateContent,
                keepRedactsInContent,
                keepPowerLevelsInvite,
                keepThirdPartyInviteSigned);
    }

    public RedactionRules withKeepJoinAuthorisedViaUsersServer(boolean value) {
        return new RedactionRules(
                keepOriginMembershipPrevState,
                keepAliasesContent,
                keepJoinRulesAllow,
                value,
                keepAllCreateContent,
                keepRedactsInContent,
                keepPowerLevelsInvite,
                keepThirdPartyInviteSigned);
    }
}
