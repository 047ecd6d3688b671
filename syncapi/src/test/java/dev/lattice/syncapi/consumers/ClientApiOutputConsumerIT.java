package dev.lattice.syncapi.consumers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.Topics;
import dev.lattice.api.clientapi.DevicesDeleted;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.runtime.db.Database;
import dev.lattice.syncapi.internal.PushActions;
import dev.lattice.syncapi.internal.PushDelivery;
import dev.lattice.syncapi.internal.PushGateway;
import dev.lattice.syncapi.internal.SyncNotifier;
import dev.lattice.syncapi.storage.SlidingSyncConnections;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.syncapi.storage.postgres.PostgresSlidingSyncConnections;
import dev.lattice.syncapi.storage.postgres.PostgresSyncApiDatabase;
import dev.lattice.testing.TestInfra;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code clientapi.output} records against a real PostgreSQL: what a deleted device leaves behind is deleted. */
class ClientApiOutputConsumerIT {
    private static SlidingSyncConnections connections;
    private static PushDelivery delivery;
    private static ClientApiOutputConsumer consumer;

    @BeforeAll
    static void start() {
        Database db = TestInfra.migrated("syncapi");
        SyncApiDatabase database = new PostgresSyncApiDatabase(db);
        connections = new PostgresSlidingSyncConnections(db);
        // No device deletion asks the client-api anything.
        Supplier<UserApi> users = () -> {
            throw new IllegalStateException("the client-api is not asked");
        };
        delivery = new PushDelivery(
                database,
                new PushGateway(users, HttpClient.newHttpClient()),
                Duration.ofSeconds(1),
                Duration.ofHours(1),
                Clock.systemUTC());
        PushActions pushActions =
                new PushActions(database, users, ServerName.parse("example.org"), delivery, Clock.systemUTC());
        consumer = new ClientApiOutputConsumer(database, connections, new SyncNotifier(), pushActions);
    }

    @AfterAll
    static void stop() {
        delivery.close();
    }

    @Test
    void aDeletedDevicesSlidingSyncConnectionsAreDeletedAndAReplayChangesNothing() {
        String user = "@" + UUID.randomUUID().toString().substring(0, 8) + ":example.org";
        long phone = connections.begin(user, "PHONE", "room-list", 1).block();
        long phonePos = connections.record(phone, 0, "s1", "{}", List.of(), 2).block();
        long laptop = connections.begin(user, "LAPTOP", "room-list", 1).block();
        long laptopPos = connections.record(laptop, 0, "s1", "{}", List.of(), 2).block();

        BusRecord deleted = new BusRecord(
                Topics.CLIENTAPI_OUTPUT,
                0,
                1,
                user,
                BusJson.encode(DevicesDeleted.of(UserId.parse(user), List.of(DeviceId.parse("PHONE")))));
        consumer.handle(deleted).block();
        consumer.handle(deleted).block();

        assertThat(connections.resume(user, "PHONE", "room-list", phonePos, 3).block())
                .isEmpty();
        assertThat(connections.resume(user, "LAPTOP", "room-list", laptopPos, 3).block())
                .isPresent();
    }
}
