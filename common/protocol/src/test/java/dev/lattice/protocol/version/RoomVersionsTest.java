package dev.lattice.protocol.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.id.InvalidIdException;
import org.junit.jupiter.api.Test;

class RoomVersionsTest {
    @Test
    void knownVersionsHaveRules() {
        for (int v = 1; v <= 12; v++) {
            RoomVersionId id = RoomVersionId.of(Integer.toString(v));
            assertThat(id.isKnown()).isTrue();
            assertThat(RoomVersions.rules(id))
                    .get()
                    .extracting(RoomVersionRules::id)
                    .isEqualTo(id);
        }
        assertThat(RoomVersions.ALL)
                .hasSize(12)
                .allSatisfy(r -> assertThat(r.disposition()).isEqualTo(Disposition.STABLE));
    }

    @Test
    void unknownVersionsAreKeptButNeverGuessed() {
        RoomVersionId custom = RoomVersionId.of("org.matrix.msc1234");
        assertThat(custom.isKnown()).isFalse();
        assertThat(custom.toString()).isEqualTo("org.matrix.msc1234");
        assertThat(RoomVersions.rules(custom)).isEmpty();
        assertThat(RoomVersions.rules(RoomVersionId.of("13"))).isEmpty();
        assertThatThrownBy(() -> RoomVersionId.of("")).isInstanceOf(InvalidIdException.class);
        assertThatThrownBy(() -> RoomVersionId.of("V1")).isInstanceOf(InvalidIdException.class);
        assertThatThrownBy(() -> RoomVersionId.of("x".repeat(33))).isInstanceOf(InvalidIdException.class);
        assertThat(RoomVersionId.of("x".repeat(32)).isKnown()).isFalse();
    }

    @Test
    void featureMatrix() {
        assertThat(RoomVersionRules.V1.stateRes()).isEqualTo(StateResVersion.V1);
        assertThat(RoomVersionRules.V2.stateRes()).isEqualTo(StateResVersion.V2);
        assertThat(RoomVersionRules.V11.stateRes()).isEqualTo(StateResVersion.V2);
        assertThat(RoomVersionRules.V12.stateRes()).isEqualTo(StateResVersion.V2_1);
        assertThat(RoomVersionRules.V2.eventIdFormat()).isEqualTo(EventIdFormat.V1_V2);
        assertThat(RoomVersionRules.V3.eventIdFormat()).isEqualTo(EventIdFormat.V3);
        assertThat(RoomVersionRules.V4.eventIdFormat()).isEqualTo(EventIdFormat.V4_PLUS);
        assertThat(RoomVersionRules.V4.enforceKeyValidity()).isFalse();
        assertThat(RoomVersionRules.V5.enforceKeyValidity()).isTrue();
        assertThat(RoomVersionRules.V11.roomIdFormat()).isEqualTo(RoomIdFormat.SERVER_NAME);
        assertThat(RoomVersionRules.V12.roomIdFormat()).isEqualTo(RoomIdFormat.CREATE_EVENT_HASH);
        assertThat(RoomVersionRules.V2.authorization()).isEqualTo(AuthorizationRules.V1);
        assertThat(RoomVersionRules.V5.authorization()).isEqualTo(AuthorizationRules.V3);
        assertThat(RoomVersionRules.V6.authorization()).isEqualTo(AuthorizationRules.V6);
        assertThat(RoomVersionRules.V7.authorization()).isEqualTo(AuthorizationRules.V7);
        assertThat(RoomVersionRules.V9.authorization()).isEqualTo(AuthorizationRules.V8);
        assertThat(RoomVersionRules.V10.authorization()).isEqualTo(AuthorizationRules.V10);
        assertThat(RoomVersionRules.V11.authorization()).isEqualTo(AuthorizationRules.V11);
        assertThat(RoomVersionRules.V12.authorization()).isEqualTo(AuthorizationRules.V12);
        assertThat(RoomVersionRules.V5.redaction()).isEqualTo(RedactionRules.V1);
        assertThat(RoomVersionRules.V7.redaction()).isEqualTo(RedactionRules.V6);
        assertThat(RoomVersionRules.V8.redaction()).isEqualTo(RedactionRules.V8);
        assertThat(RoomVersionRules.V10.redaction()).isEqualTo(RedactionRules.V9);
        assertThat(RoomVersionRules.V12.redaction()).isEqualTo(RedactionRules.V11);
        assertThat(RoomVersionRules.V2.signatures().checkEventIdServer()).isTrue();
        assertThat(RoomVersionRules.V3.signatures().checkEventIdServer()).isFalse();
        assertThat(RoomVersionRules.V8.signatures().checkJoinAuthorisedViaUsersServer())
                .isTrue();
        assertThat(RoomVersionRules.V12.eventFormat().createEventInAuthEvents()).isFalse();
        assertThat(RoomVersionRules.V11.eventFormat().redactsInContent()).isTrue();
    }
}
