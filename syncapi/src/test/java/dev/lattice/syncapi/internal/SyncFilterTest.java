package dev.lattice.syncapi.internal;

import static dev.lattice.syncapi.internal.StoredEvents.event;
import static dev.lattice.syncapi.internal.StoredEvents.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import org.junit.jupiter.api.Test;

/** Reading /sync's filter parameter and applying RoomEventFilters. */
class SyncFilterTest {

    @Test
    void noFilterOrAFilterIdMeansTheDefault() {
        assertThat(SyncFilter.parse(null)).isEqualTo(SyncFilter.DEFAULT);
        assertThat(SyncFilter.parse("66696p746572")).isEqualTo(SyncFilter.DEFAULT);
        assertThat(SyncFilter.DEFAULT.timelineLimit()).isEqualTo(10);
        assertThat(SyncFilter.DEFAULT.includeLeave()).isFalse();
    }

    @Test
    void readsTheTimelineLimitAndIncludeLeave() {
        SyncFilter filter = SyncFilter.parse("{\"room\":{\"timeline\":{\"limit\":3},\"include_leave\":true}}");
        assertThat(filter.timelineLimit()).isEqualTo(3);
        assertThat(filter.includeLeave()).isTrue();
        assertThat(SyncFilter.parse("{\"room\":{\"timeline\":{\"limit\":100000}}}")
                        .timelineLimit())
                .isEqualTo(SyncFilter.MAX_TIMELINE_LIMIT);
        assertThat(SyncFilter.parse("{\"room\":{\"timeline\":{\"limit\":0}}}").timelineLimit())
                .isZero();
        assertThat(SyncFilter.parse("{\"presence\":{\"types\":[]}}").timelineLimit())
                .isEqualTo(10);
    }

    @Test
    void readsRoomLists() {
        SyncFilter filter = SyncFilter.parse("{\"room\":{\"rooms\":[\"!a:x\",\"!b:x\"],\"not_rooms\":[\"!b:x\"]}}");
        assertThat(filter.includesRoom("!a:x")).isTrue();
        assertThat(filter.includesRoom("!b:x")).isFalse();
        assertThat(filter.includesRoom("!c:x")).isFalse();
    }

    @Test
    void refusesBrokenFilters() {
        assertThatThrownBy(() -> SyncFilter.parse("{not json"))
                .isInstanceOfSatisfying(
                        MatrixException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_JSON));
        assertThatThrownBy(() -> SyncFilter.parse("{\"room\":{\"timeline\":{\"limit\":\"ten\"}}}"))
                .isInstanceOfSatisfying(
                        MatrixException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_JSON));
        assertThatThrownBy(() -> SyncFilter.parse("{\"room\":{\"include_leave\":1}}"))
                .isInstanceOfSatisfying(
                        MatrixException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_JSON));
        // The spec's schema, checked by FilterValidation: also fields this server does not apply yet.
        for (String malformed : new String[] {
            "{\"room\":{\"timeline\":{\"limit\":-1}}}",
            "{\"room\":{\"state\":{\"lazy_load_members\":\"yes\"}}}",
            "{\"room\":{\"ephemeral\":{\"types\":\"m.typing\"}}}",
            "{\"event_format\":\"raw\"}",
            "{\"presence\":{\"senders\":[\"alice\"]}}"
        }) {
            assertThatThrownBy(() -> SyncFilter.parse(malformed))
                    .as(malformed)
                    .isInstanceOfSatisfying(
                            MatrixException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_JSON));
        }
    }

    @Test
    void eventFiltersMatchTypesWithWildcardsAndSenders() {
        EventFilter filter = EventFilter.read(dev.lattice.protocol.json.CanonicalJson.parseObject(
                "{\"types\":[\"m.room.*\"],\"not_types\":[\"m.room.member\"],\"not_senders\":[\"@eve:example.org\"]}"));
        assertThat(filter.matches(message(1, "shared"))).isTrue();
        assertThat(filter.matches(event(2, "m.room.member", "@bob:example.org", JsonObject.EMPTY, "shared")))
                .isFalse();
        assertThat(filter.matches(event(3, "org.example.custom", null, JsonObject.EMPTY, "shared")))
                .isFalse();
        assertThat(EventFilter.typeMatches("*", "anything")).isTrue();
        assertThat(EventFilter.typeMatches("m.*.message", "m.room.message")).isTrue();
        assertThat(EventFilter.typeMatches("m.*.message", "m.room.member")).isFalse();
        assertThat(EventFilter.typeMatches("m.room", "m.room.message")).isFalse();
    }
}
