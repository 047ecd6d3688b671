package dev.lattice.protocol.version;

import static java.util.Objects.requireNonNull;

/**
 * Everything that differs between room versions, as enums and sub-records. Code asks
 * {@code rules.redaction().keepJoinRulesAllow()}, never {@code version >= 8}. Each constant is derived from its
 * predecessor; look one up with {@link RoomVersions#rules(RoomVersionId)}.
 *
 * @param id the room version
 * @param disposition stable or unstable
 * @param eventIdFormat how event IDs are made
 * @param roomIdFormat how room IDs are made
 * @param stateRes the state resolution algorithm
 * @param enforceKeyValidity version 5+: a signing key only verifies events whose {@code origin_server_ts} is at most
 *     its {@code valid_until_ts} (<a href="https://spec.matrix.org/v1.19/rooms/v5/#signing-key-validity-period">v5</a>)
 * @param authorization the authorization rules' differences
 * @param redaction the redaction algorithm's differences
 * @param signatures which servers must sign
 * @param eventFormat the PDU format's differences
 */
public record RoomVersionRules(
        RoomVersionId id,
        Disposition disposition,
        EventIdFormat eventIdFormat,
        RoomIdFormat roomIdFormat,
        StateResVersion stateRes,
        boolean enforceKeyValidity,
        AuthorizationRules authorization,
        RedactionRules redaction,
        SignatureRules signatures,
        EventFormatRules eventFormat) {

    public RoomVersionRules {
        requireNonNull(id, "id is null");
        requireNonNull(disposition, "disposition is null");
        requireNonNull(eventIdFormat, "eventIdFormat is null");
        requireNonNull(roomIdFormat, "roomIdFormat is null");
        requireNonNull(stateRes, "stateRes is null");
        requireNonNull(authorization, "authorization is null");
        requireNonNull(redaction, "redaction is null");
        requireNonNull(signatures, "signatures is null");
        requireNonNull(eventFormat, "eventFormat is null");
    }

    /** Room version 1. */
    public static final RoomVersionRules V1 = new RoomVersionRules(
            RoomVersionId.V1,
            Disposition.STABLE,
            EventIdFormat.V1_V2,
            RoomIdFormat.SERVER_NAME,
            StateResVersion.V1,
            false,
            AuthorizationRules.V1,
            RedactionRules.V1,
            SignatureRules.V1,
            EventFormatRules.V1);
    /** Room version 2: state resolution v2. */
    public static final RoomVersionRules V2 = V1.withId(RoomVersionId.V2).withStateRes(StateResVersion.V2);
    /** Room version 3: event IDs are reference hashes; no redaction special case in auth. */
    public static final RoomVersionRules V3 = V2.withId(RoomVersionId.V3)
            .withEventIdFormat(EventIdFormat.V3)
            .withAuthorization(AuthorizationRules.V3)
            .withSignatures(SignatureRules.V3)
            .withEventFormat(EventFormatRules.V3);
    /** Room version 4: URL-safe event IDs. */
    public static final RoomVersionRules V4 = V3.withId(RoomVersionId.V4).withEventIdFormat(EventIdFormat.V4_PLUS);
    /** Room version 5: signing key validity is enforced. */
    public static final RoomVersionRules V5 = V4.withId(RoomVersionId.V5).withEnforceKeyValidity(true);
    /** Room version 6: strict canonical JSON, no aliases special cases. */
    public static final RoomVersionRules V6 =
            V5.withId(RoomVersionId.V6).withAuthorization(AuthorizationRules.V6).withRedaction(RedactionRules.V6);
    /** Room version 7: knocking. */
    public static final RoomVersionRules V7 = V6.withId(RoomVersionId.V7).withAuthorization(AuthorizationRules.V7);
    /** Room version 8: restricted joins. */
    public static final RoomVersionRules V8 = V7.withId(RoomVersionId.V8)
            .withAuthorization(AuthorizationRules.V8)
            .withRedaction(RedactionRules.V8)
            .withSignatures(SignatureRules.V8);
    /** Room version 9: more of restricted joins survives redaction. */
    public static final RoomVersionRules V9 = V8.withId(RoomVersionId.V9).withRedaction(RedactionRules.V9);
    /** Room version 10: knock_restricted, integer power levels. */
    public static final RoomVersionRules V10 = V9.withId(RoomVersionId.V10).withAuthorization(AuthorizationRules.V10);
    /** Room version 11: the redaction algorithm is clarified; {@code redacts} moves into content. */
    public static final RoomVersionRules V11 = V10.withId(RoomVersionId.V11)
            .withAuthorization(AuthorizationRules.V11)
            .withRedaction(RedactionRules.V11)
            .withEventFormat(EventFormatRules.V11);
    /** Room version 12: room IDs are create event hashes, privileged creators, state resolution v2.1. */
    public static final RoomVersionRules V12 = V11.withId(RoomVersionId.V12)
            .withAuthorization(AuthorizationRules.V12)
            .withRoomIdFormat(RoomIdFormat.CREATE_EVENT_HASH)
            .withStateRes(StateResVersion.V2_1)
            .withEventFormat(EventFormatRules.V12);

    public RoomVersionRules withId(RoomVersionId value) {
        return new RoomVersionRules(
                value,
                disposition,
                eventIdFormat,
                roomIdFormat,
                stateRes,
                enforceKeyValidity,
                authorization,
                redaction,
                signatures,
                eventFormat);
    }

    public RoomVersionRules withDisposition(Disposition value) {
        return new RoomVersionRules(
                id,
                value,
                eventIdFormat,
                roomIdFormat,
                stateRes,
                enforceKeyValidity,
                authorization,
                redaction,
                signatures,
                eventFormat);
    }

    public RoomVersionRules withEventIdFormat(EventIdFormat value) {
        return new RoomVersionRules(
                id,
                disposition,
                value,
                roomIdFormat,
                stateRes,
                enforceKeyValidity,
                authorization,
                redaction,
                signatures,
                eventFormat);
    }

    public RoomVersionRules withRoomIdFormat(RoomIdFormat value) {
        return new RoomVersionRules(
                id,
                disposition,
                eventIdFormat,
                value,
                stateRes,
                enforceKeyValidity,
                authorization,
                redaction,
                signatures,
                eventFormat);
    }

    public RoomVersionRules withStateRes(StateResVersion value) {
        return new RoomVersionRules(
                id,
                disposition,
                eventIdFormat,
                roomIdFormat,
                value,
                enforceKeyValidity,
                authorization,
                redaction,
                signatures,
                eventFormat);
    }

    public RoomVersionRules withEnforceKeyValidity(boolean value) {
        return new RoomVersionRules(
                id,
                disposition,
                eventIdFormat,
                roomIdFormat,
                stateRes,
                value,
                authorization,
                redaction,
                signatures,
                eventFormat);
    }

    public RoomVersionRules withAuthorization(AuthorizationRules value) {
        return new RoomVersionRules(
                id,
                disposition,
                eventIdFormat,
                roomIdFormat,
                stateRes,
                enforceKeyValidity,
                value,
                redaction,
                signatures,
                eventFormat);
    }

    public RoomVersionRules withRedaction(RedactionRules value) {
        return new RoomVersionRules(
                id,
                disposition,
                eventIdFormat,
                roomIdFormat,
                stateRes,
                enforceKeyValidity,
                authorization,
                value,
                signatures,
                eventFormat);
    }

    public RoomVersionRules withSignatures(SignatureRules value) {
        return new RoomVersionRules(
                id,
                disposition,
                eventIdFormat,
                roomIdFormat,
                stateRes,
                enforceKeyValidity,
                authorization,
                redaction,
                value,
                eventFormat);
    }

    public RoomVersionRules withEventFormat(EventFormatRules value) {
        return new RoomVersionRules(
                id,
                disposition,
                eventIdFormat,
                roomIdFormat,
                stateRes,
                enforceKeyValidity,
                authorization,
                redaction,
                signatures,
                value);
    }
}
