package dev.lattice.protocol.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.event.ClientEventFormat.Unsigned;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.version.RoomVersionId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The client event format: federation fields never leak, unsigned is what the server says, redacts in both places. */
class ClientEventFormatTest {
    private static final RoomVersionId V10 = RoomVersionId.V10;
    private static final RoomVersionId V11 = RoomVersionId.V11;

    private static final JsonObject MESSAGE = CanonicalJson.parseObject("""
            {"auth_events":["$a"],"content":{"body":"hi"},"depth":4,"hashes":{"sha256":"x"},"origin":"example.org",
             "origin_server_ts":1000,"prev_events":["$p"],"room_id":"!r:example.org","sender":"@alice:example.org",
             "signatures":{},"type":"m.room.message","unsigned":{"age_ts":5,"secret":"federation"}}""");

    @Test
    void keepsTheClientFieldsAndDropsTheFederationOnes() {
        JsonObject client = ClientEventFormat.format(V10, "$m", Optional.empty(), MESSAGE, Unsigned.NONE);
        assertThat(client.members().keySet())
                .containsExactlyInAnyOrder("event_id", "type", "sender", "origin_server_ts", "content");
        assertThat(client.getString("event_id")).contains("$m");
        assertThat(client.getObject("content").orElseThrow().getString("body")).contains("hi");
        assertThat(ClientEventFormat.format(V10, "$m", Optional.of("!r:example.org"), MESSAGE, Unsigned.NONE)
                        .getString("room_id"))
                .contains("!r:example.org");
    }

    @Test
    void unsignedIsBuiltFromWhatTheServerKnows() {
        JsonObject redaction = CanonicalJson.parseObject("{\"type\":\"m.room.redaction\"}");
        Unsigned unsigned = Unsigned.NONE
                .withAge(1000, 1500)
                .withTransactionId(Optional.of("t1"))
                .withRedactedBecause(Optional.of(redaction))
                .withPrevContent(Optional.of(JsonObject.EMPTY))
                .withReplacesState(Optional.of("$old"));
        JsonObject out = ClientEventFormat.format(V10, "$m", Optional.empty(), MESSAGE, unsigned)
                .getObject("unsigned")
                .orElseThrow();
        assertThat(out.getInteger("age")).contains(500L);
        assertThat(out.getString("transaction_id")).contains("t1");
        assertThat(out.getObject("redacted_because")).contains(redaction);
        assertThat(out.getObject("prev_content")).contains(JsonObject.EMPTY);
        assertThat(out.getString("replaces_state")).contains("$old");
        assertThat(out.has("secret")).isFalse();
        // A clock behind the sender's never gives a negative age.
        assertThat(Unsigned.NONE.withAge(1000, 900).age()).contains(0L);
    }

    @Test
    void stateEventsKeepTheirStateKey() {
        JsonObject name = CanonicalJson.parseObject(
                "{\"content\":{\"name\":\"Room\"},\"origin_server_ts\":1,\"sender\":\"@a:b\",\"state_key\":\"\","
                        + "\"type\":\"m.room.name\"}");
        assertThat(ClientEventFormat.format(V10, "$n", Optional.empty(), name, Unsigned.NONE)
                        .getString("state_key"))
                .contains("");
    }

    @Test
    void aV11RedactionCarriesRedactsAtTheTopLevelToo() {
        JsonObject redaction = CanonicalJson.parseObject(
                "{\"content\":{\"redacts\":\"$target\",\"reason\":\"spam\"},\"origin_server_ts\":1,"
                        + "\"sender\":\"@a:b\",\"type\":\"m.room.redaction\"}");
        JsonObject client = ClientEventFormat.format(V11, "$r", Optional.empty(), redaction, Unsigned.NONE);
        assertThat(client.getString("redacts")).contains("$target");
        assertThat(client.getObject("content").orElseThrow().getString("redacts"))
                .contains("$target");
        assertThat(client.getObject("content").orElseThrow().getString("reason"))
                .contains("spam");
    }

    @Test
    void anOlderRedactionCarriesRedactsInContentTooAndTheTopLevelWins() {
        JsonObject redaction = CanonicalJson.parseObject(
                "{\"content\":{\"redacts\":\"$spoofed\"},\"origin_server_ts\":1,\"redacts\":\"$target\","
                        + "\"sender\":\"@a:b\",\"type\":\"m.room.redaction\"}");
        JsonObject client = ClientEventFormat.format(V10, "$r", Optional.empty(), redaction, Unsigned.NONE);
        assertThat(client.getString("redacts")).contains("$target");
        assertThat(client.getObject("content").orElseThrow().getString("redacts"))
                .contains("$target");
    }

    @Test
    void onlyRedactionsGetRedacts() {
        JsonObject message = MESSAGE.with("redacts", JsonString.of("$x"));
        assertThat(ClientEventFormat.format(V10, "$m", Optional.empty(), message, Unsigned.NONE)
                        .has("redacts"))
                .isFalse();
    }

    @Test
    void strippedStateHasFourFields() {
        JsonObject stripped = ClientEventFormat.stripped(CanonicalJson.parseObject(
                "{\"content\":{\"join_rule\":\"invite\"},\"origin_server_ts\":1,\"sender\":\"@a:b\","
                        + "\"state_key\":\"\",\"type\":\"m.room.join_rules\",\"event_id\":\"$j\"}"));
        assertThat(stripped.members().keySet()).containsExactlyInAnyOrder("content", "sender", "state_key", "type");
    }
}
