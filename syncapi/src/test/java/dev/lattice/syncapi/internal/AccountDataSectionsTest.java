package dev.lattice.syncapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.clientapi.AccountDataEntry;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccountDataSectionsTest {
    private static final Optional<RoomId> ROOM = Optional.of(RoomId.parse("!room:example.org"));

    private static final List<AccountDataEntry> ENTRIES = List.of(
            new AccountDataEntry(Optional.empty(), "m.direct", "{\"@a:example.org\":[\"!dm:example.org\"]}", 1),
            new AccountDataEntry(ROOM, "m.tag", "{\"tags\":{}}", 1),
            new AccountDataEntry(Optional.empty(), "org.example.custom", "{\"n\":1}", 1),
            new AccountDataEntry(ROOM, "org.example.note", "{}", 1));

    @Test
    void splitsGlobalAndPerRoomAsTypeAndContent() {
        AccountDataSections sections = AccountDataSections.of(ENTRIES, EventFilter.ALL, EventFilter.ALL);
        assertThat(types(sections.global())).containsExactly("m.direct", "org.example.custom");
        assertThat(types(sections.room(ROOM.get().toString()))).containsExactly("m.tag", "org.example.note");
        assertThat(sections.room("!other:example.org").values()).isEmpty();
        JsonObject direct = (JsonObject) sections.global().values().getFirst();
        assertThat(CanonicalJson.encodeToString(direct))
                .isEqualTo("{\"content\":{\"@a:example.org\":[\"!dm:example.org\"]},\"type\":\"m.direct\"}");
        assertThat(sections.isEmpty()).isFalse();
        assertThat(AccountDataSections.of(List.of(), EventFilter.ALL, EventFilter.ALL)
                        .isEmpty())
                .isTrue();
    }

    @Test
    void appliesTypesNotTypesAndLimitPerSection() {
        EventFilter onlyM = EventFilter.read(CanonicalJson.parseObject("{\"types\":[\"m.*\"]}"));
        EventFilter oneNotTag = EventFilter.read(CanonicalJson.parseObject("{\"not_types\":[\"m.tag\"],\"limit\":1}"));
        AccountDataSections sections = AccountDataSections.of(ENTRIES, onlyM, oneNotTag);
        assertThat(types(sections.global())).containsExactly("m.direct");
        assertThat(types(sections.room(ROOM.get().toString()))).containsExactly("org.example.note");
        EventFilter none = EventFilter.read(CanonicalJson.parseObject("{\"limit\":0}"));
        assertThat(AccountDataSections.of(ENTRIES, none, none).isEmpty()).isTrue();
    }

    @Test
    void leavesOutContentWithoutACanonicalForm() {
        AccountDataSections sections = AccountDataSections.of(
                List.of(
                        new AccountDataEntry(Optional.empty(), "org.example.float", "{\"x\":1.5}", 1),
                        new AccountDataEntry(Optional.empty(), "m.direct", "{}", 2)),
                EventFilter.ALL,
                EventFilter.ALL);
        assertThat(types(sections.global())).containsExactly("m.direct");
    }

    private static List<String> types(JsonArray events) {
        return events.values().stream()
                .map(CanonicalJsonValue.class::cast)
                .map(event -> ((JsonObject) event).getString("type").orElseThrow())
                .toList();
    }
}
