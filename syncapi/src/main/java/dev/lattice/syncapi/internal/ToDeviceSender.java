package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.Topics;
import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.syncapi.DirectToDevice;
import dev.lattice.protocol.crypto.Sha256;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.syncapi.storage.ToDeviceMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code PUT /sendToDevice/{eventType}/{txnId}}: messages into the recipients' to-device inboxes, which this service
 * owns and {@code /sync} empties. One transaction per request, stored once per sending device and txnId, committed
 * before the answer; then the recipients' {@code /sync} is woken.
 *
 * <p>Messages to other servers' users go onto {@code todevice} ({@link DirectToDevice}) before the local ones are
 * stored, so a 2xx means both are durable; the federation-api sends them on. A retried request publishes them again
 * under the same message ID, which receivers store once. Messages from other servers' users come the other way
 * ({@link #receive}), stored once per sender and message ID.
 */
public final class ToDeviceSender {
    /** The device ID that addresses every device of a user. */
    private static final String ALL_DEVICES = "*";
    /** The sending device stored for a message from another server: its EDU names none. */
    private static final String REMOTE_SENDER_DEVICE = "";

    private final SyncApiDatabase database;
    private final Supplier<UserApi> users;
    private final SyncNotifier notifier;
    private final ServerName serverName;
    private final Bus bus;
    private final Clock clock;

    public ToDeviceSender(
            SyncApiDatabase database,
            Supplier<UserApi> users,
            SyncNotifier notifier,
            ServerName serverName,
            Bus bus,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.users = requireNonNull(users, "users is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.bus = requireNonNull(bus, "bus is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Mono<Map<String, Object>> send(AuthenticatedDevice sender, String type, String txnId, JsonObject body) {
        return Mono.fromCallable(() -> recipients(body))
                .flatMap(recipients -> {
                    List<Recipient> local = new ArrayList<>();
                    Map<String, Map<String, CanonicalJsonValue>> remote = new TreeMap<>();
                    for (Recipient recipient : recipients) {
                        if (recipient.user().serverName().equals(serverName)) {
                            local.add(recipient);
                        } else {
                            remote.computeIfAbsent(recipient.user().value(), u -> new TreeMap<>())
                                    .put(recipient.device(), recipient.content());
                        }
                    }
                    Mono<Void> published = remote.isEmpty()
                            ? Mono.empty()
                            : bus.publish(
                                    Topics.TODEVICE,
                                    sender.userId().value(),
                                    BusJson.encode(DirectToDevice.of(
                                            sender.userId(),
                                            type,
                                            messageId(sender.deviceId(), txnId),
                                            CanonicalJson.encodeToString(byUser(remote)))));
                    return published.then(
                            deliver(sender.userId(), sender.deviceId().value(), txnId, type, local));
                })
                .thenReturn(Map.of());
    }

    /** Messages another server's user sent to ours (from {@code todevice}), into the inboxes, once per message ID. */
    public Mono<Void> receive(DirectToDevice sent) {
        if (sent.sender().serverName().equals(serverName)) {
            return Mono.empty(); // ours were stored when they were sent
        }
        List<Recipient> local =
                recipients(JsonObject.EMPTY.with("messages", CanonicalJson.parseObject(sent.messagesJson()))).stream()
                        .filter(recipient -> recipient.user().serverName().equals(serverName))
                        .toList();
        return deliver(sent.sender(), REMOTE_SENDER_DEVICE, sent.messageId(), sent.type(), local);
    }

    /** The message ID other servers get: the same for a retried request, telling nothing of the txnId. */
    static String messageId(DeviceId device, String txnId) {
        byte[] digest = Sha256.hash((device.value() + "\n" + txnId).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    private Mono<Void> deliver(UserId sender, String senderDevice, String txnId, String type, List<Recipient> local) {
        return Flux.fromIterable(local)
                .concatMap(recipient -> messagesFor(sender, type, recipient))
                .collectList()
                .flatMap(messages ->
                        database.storeToDevice(sender.value(), senderDevice, txnId, messages, clock.millis()))
                .doOnNext(positions ->
                        positions.forEach((user, position) -> notifier.notify(SyncStream.TO_DEVICE, user, position)))
                .then();
    }

    private static JsonObject byUser(Map<String, Map<String, CanonicalJsonValue>> messages) {
        Map<String, CanonicalJsonValue> out = new TreeMap<>();
        messages.forEach((user, devices) -> out.put(user, JsonObject.of(devices)));
        return JsonObject.of(out);
    }

    private record Recipient(UserId user, String device, JsonObject content) {}

    private static List<Recipient> recipients(JsonObject body) {
        CanonicalJsonValue messages = body.get("messages")
                .orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, "messages is required"));
        if (!(messages instanceof JsonObject byUser)) {
            throw new MatrixException(ErrorCode.BAD_JSON, "messages must be an object");
        }
        List<Recipient> out = new java.util.ArrayList<>();
        for (var user : byUser.members().entrySet()) {
            UserId userId;
            try {
                userId = UserId.parse(user.getKey());
            } catch (InvalidIdException e) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid user ID " + user.getKey());
            }
            if (!(user.getValue() instanceof JsonObject byDevice)) {
                throw new MatrixException(ErrorCode.BAD_JSON, "messages must map users to devices to content");
            }
            for (var device : byDevice.members().entrySet()) {
                if (!(device.getValue() instanceof JsonObject content)) {
                    throw new MatrixException(ErrorCode.BAD_JSON, "each message's content must be an object");
                }
                if (!device.getKey().equals(ALL_DEVICES)) {
                    try {
                        DeviceId.parse(device.getKey());
                    } catch (InvalidIdException e) {
                        throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid device ID " + device.getKey());
                    }
                }
                out.add(new Recipient(userId, device.getKey(), content));
            }
        }
        return out;
    }

    /** One message per addressed device of a local user. */
    private Flux<ToDeviceMessage> messagesFor(UserId sender, String type, Recipient recipient) {
        String content = CanonicalJson.encodeToString(recipient.content());
        Mono<List<String>> devices = recipient.device().equals(ALL_DEVICES)
                ? users.get()
                        .queryDeviceIds(recipient.user())
                        .map(ids -> ids.stream().map(DeviceId::value).toList())
                : Mono.just(List.of(recipient.device()));
        return devices.flatMapMany(Flux::fromIterable)
                .map(device -> new ToDeviceMessage(recipient.user().value(), device, sender.value(), type, content));
    }
}
