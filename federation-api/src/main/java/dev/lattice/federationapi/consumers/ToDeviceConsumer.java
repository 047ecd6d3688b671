package dev.lattice.federationapi.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.syncapi.DirectToDevice;
import dev.lattice.federationapi.internal.Edus;
import dev.lattice.federationapi.internal.OutboundQueue;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.runtime.bus.RetriableException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.dao.DataAccessException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Our users' to-device messages to other servers' users ({@code todevice}): one {@code m.direct_to_device} EDU per
 * destination server, with that server's users' messages, queued durably (a 2xx to the sender means the message is
 * not lost). Records whose sender is another server's user are the syncapi's to deliver.
 */
public final class ToDeviceConsumer {
    private final ServerName us;
    private final OutboundQueue queue;

    public ToDeviceConsumer(ServerName us, OutboundQueue queue) {
        this.us = requireNonNull(us, "us is null");
        this.queue = requireNonNull(queue, "queue is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return Mono.defer(() -> BusJson.decodeVersioned(record, DirectToDevice.VERSION, DirectToDevice.class)
                        .filter(sent -> sent.sender().serverName().equals(us))
                        .map(this::queue)
                        .orElse(Mono.empty()))
                .onErrorMap(
                        e -> e instanceof DataAccessException,
                        e -> new RetriableException("federationapi database: " + e.getMessage(), e));
    }

    private Mono<Void> queue(DirectToDevice sent) {
        return Flux.fromIterable(
                        byServer(CanonicalJson.parseObject(sent.messagesJson())).entrySet())
                .concatMap(server -> queue.queueDurableEdu(
                        List.of(server.getKey()),
                        "to-device " + sent.sender() + " " + sent.messageId(),
                        Edus.directToDevice(sent, server.getValue())))
                .then();
    }

    /** The messages to other servers' users, split by server. */
    private Map<ServerName, JsonObject> byServer(JsonObject messages) {
        Map<ServerName, Map<String, CanonicalJsonValue>> split = new LinkedHashMap<>();
        messages.members().forEach((user, devices) -> {
            ServerName server = UserId.parse(user).serverName();
            if (!server.equals(us)) {
                split.computeIfAbsent(server, s -> new TreeMap<>()).put(user, devices);
            }
        });
        Map<ServerName, JsonObject> out = new LinkedHashMap<>();
        split.forEach((server, users) -> out.put(server, JsonObject.of(users)));
        return out;
    }
}
