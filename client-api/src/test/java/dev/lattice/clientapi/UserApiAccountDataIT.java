package dev.lattice.clientapi;

import static dev.lattice.clientapi.Accounts.call;
import static dev.lattice.clientapi.Accounts.newUsername;
import static dev.lattice.clientapi.Accounts.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.lattice.api.Topics;
import dev.lattice.api.clientapi.AccountDataChanged;
import dev.lattice.api.clientapi.AccountDataEntry;
import dev.lattice.api.clientapi.ClientApiOutput;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import reactor.core.publisher.Mono;

/** The account data side of {@link UserApi}, as other services read it, after writes over real HTTP. */
class UserApiAccountDataIT {
    private static TestServer server;
    private static UserApi users;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
        users = server.context.getBean(UserApi.class);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void servesGlobalAndPerRoomAccountDataOfLocalUsersOnly() {
        String name = newUsername();
        UserId user = UserId.parse("@" + name + ":" + TestServer.SERVER_NAME);
        String token = (String) register(server.client, name, "correct horse").get("access_token");
        String base = "/_matrix/client/v3/user/" + user;
        RoomId room = RoomId.parse("!room:" + TestServer.SERVER_NAME);

        // Before any write, only the server-controlled push rules (the defaults, never changed: stream ID 0).
        assertThat(users.queryAccountData(user).block()).singleElement().satisfies(entry -> {
            assertThat(entry.type()).isEqualTo("m.push_rules");
            assertThat(entry.roomId()).isEmpty();
            assertThat(entry.streamId()).isZero();
            assertThat(entry.contentJson()).contains("\"global\"", ".m.rule.master", "\"pattern\":\"" + name + "\"");
        });
        assertThat(users.queryAccountData(user, Optional.empty(), "m.push_rules")
                        .block())
                .isPresent();
        assertThat(users.queryAccountData(user, Optional.empty(), "m.direct").block())
                .isEmpty();

        call(
                server.client,
                HttpMethod.PUT,
                base + "/account_data/m.direct",
                token,
                Map.of("@a:b", List.of("!r:b")),
                200);
        call(
                server.client,
                HttpMethod.PUT,
                base + "/rooms/" + room + "/account_data/m.tag",
                token,
                Map.of("tags", Map.of("u.work", Map.of())),
                200);
        call(
                server.client,
                HttpMethod.PUT,
                base + "/account_data/m.direct",
                token,
                Map.of("@c:d", List.of("!s:d")),
                200);

        List<AccountDataEntry> all = users.queryAccountData(user).block().stream()
                .filter(entry -> !entry.type().equals("m.push_rules"))
                .toList();
        assertThat(all)
                .extracting(AccountDataEntry::roomId, AccountDataEntry::type)
                .containsExactly(tuple(Optional.of(room), "m.tag"), tuple(Optional.empty(), "m.direct"));
        assertThat(all.get(1).contentJson()).contains("@c:d").doesNotContain("@a:b");
        // The stream position of the latest write, as AccountDataChanged announced it.
        assertThat(all.get(1).streamId()).isGreaterThan(all.get(0).streamId());
        assertThat(users.queryAccountData(user, Optional.empty(), "m.direct").block())
                .hasValueSatisfying(entry ->
                        assertThat(entry.streamId()).isEqualTo(all.get(1).streamId()));

        Optional<AccountDataEntry> tag =
                users.queryAccountData(user, Optional.of(room), "m.tag").block();
        assertThat(tag).hasValueSatisfying(entry -> {
            assertThat(entry.roomId()).contains(room);
            assertThat(entry.contentJson()).contains("u.work");
        });
        // Per-room data is not global data, and the other room has none.
        assertThat(users.queryAccountData(user, Optional.empty(), "m.tag").block())
                .isEmpty();
        assertThat(users.queryAccountData(user, Optional.of(RoomId.parse("!other:" + TestServer.SERVER_NAME)), "m.tag")
                        .block())
                .isEmpty();

        // The same localpart on another server is someone else.
        UserId remote = UserId.parse("@" + name + ":elsewhere.example");
        assertThat(users.queryAccountData(remote).block()).isEmpty();
        assertThat(users.queryAccountData(remote, Optional.empty(), "m.direct").block())
                .isEmpty();
    }

    @Test
    void eachWriteIsPublishedOnClientapiOutputOnceItIsVisible() throws Exception {
        String name = newUsername();
        UserId user = UserId.parse("@" + name + ":" + TestServer.SERVER_NAME);
        String token = (String) register(server.client, name, "correct horse").get("access_token");
        // Each record as it arrives, with the stream position the client-api serves for its (user, room, type) then.
        List<long[]> received = new CopyOnWriteArrayList<>();
        server.context
                .getBean(Bus.class)
                .subscribe("account-data-it-" + UUID.randomUUID(), List.of(Topics.CLIENTAPI_OUTPUT), record -> {
                    if (!record.key().equals(user.toString())) {
                        return Mono.empty();
                    }
                    AccountDataChanged change =
                            (AccountDataChanged) BusJson.decode(record.payload(), ClientApiOutput.class);
                    return users.queryAccountData(change.userId(), change.roomId(), change.dataType())
                            .doOnNext(served -> received.add(new long[] {
                                change.streamId(),
                                served.map(AccountDataEntry::streamId).orElse(-1L)
                            }))
                            .then();
                });

        for (String target : List.of("!a:b", "!c:d")) {
            call(
                    server.client,
                    HttpMethod.PUT,
                    "/_matrix/client/v3/user/" + user + "/account_data/m.direct",
                    token,
                    Map.of("@x:y", List.of(target)),
                    200);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (received.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(received).hasSize(2);
        // Published after the commit: whoever reads on receipt already sees that write (or a newer one).
        for (long[] record : received) {
            assertThat(record[1]).isGreaterThanOrEqualTo(record[0]);
        }
        assertThat(received.get(1)[0]).isGreaterThan(received.get(0)[0]);
    }
}
