package dev.lattice.federationapi.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.keyserver.DeviceListChange;
import dev.lattice.api.keyserver.LocalKeysApi;
import dev.lattice.api.roomserver.QueryMembershipApi;
import dev.lattice.federationapi.internal.Edus;
import dev.lattice.federationapi.internal.OutboundQueue;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.runtime.bus.RetriableException;
import java.time.Clock;
import java.util.function.Supplier;
import org.springframework.dao.DataAccessException;
import reactor.core.publisher.Mono;

/**
 * Our users' device-list changes ({@code keyserver.output}) to every server that shares a room with them: a device's
 * change as {@code m.device_list_update}, a change of cross-signing keys as {@code m.signing_key_update} with the keys,
 * queued durably so a restart loses none (a missed update would leave the other server encrypting for stale devices).
 * Changes of other servers' users (the keyserver announces those too) are skipped. Where this process has no
 * roomserver or keyserver to ask (a split deployment, until internal HTTP exists), nothing is sent.
 */
public final class DeviceListConsumer {
    private final ServerName us;
    private final Supplier<QueryMembershipApi> roomserver;
    private final Supplier<LocalKeysApi> keys;
    private final OutboundQueue queue;
    private final Clock clock;

    public DeviceListConsumer(
            ServerName us,
            Supplier<QueryMembershipApi> roomserver,
            Supplier<LocalKeysApi> keys,
            OutboundQueue queue,
            Clock clock) {
        this.us = requireNonNull(us, "us is null");
        this.roomserver = requireNonNull(roomserver, "roomserver is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.queue = requireNonNull(queue, "queue is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return Mono.defer(() -> BusJson.decodeVersioned(record, DeviceListChange.VERSION, DeviceListChange.class)
                        .filter(change -> change.userId().serverName().equals(us))
                        .map(change -> send(change, "device-list " + record.partition() + "/" + record.offset()))
                        .orElse(Mono.empty()))
                .onErrorMap(
                        e -> e instanceof DataAccessException,
                        e -> new RetriableException("federationapi database: " + e.getMessage(), e));
    }

    /** @param key names the EDU in the queue: the bus record's place, so a re-delivered record queues nothing new */
    private Mono<Void> send(DeviceListChange change, String key) {
        QueryMembershipApi rooms = roomserver.get();
        LocalKeysApi localKeys = keys.get();
        if (rooms == null || localKeys == null) {
            return Mono.empty();
        }
        return RoomserverOutputConsumer.serversSharingRooms(rooms, us, change.userId())
                .flatMap(servers -> {
                    if (servers.isEmpty()) {
                        return Mono.empty();
                    }
                    Mono<JsonObject> edu = change.deviceId()
                            .map(device -> Mono.just(
                                    Edus.deviceListUpdate(change.userId(), device, change.deleted(), clock.millis())))
                            .orElseGet(() -> localKeys
                                    .queryLocalDevices(change.userId())
                                    .map(devices -> Edus.signingKeyUpdate(
                                            change.userId(),
                                            devices.get("master_key"),
                                            devices.get("self_signing_key"))));
                    return edu.flatMap(update -> queue.queueDurableEdu(servers, key, update));
                });
    }
}
