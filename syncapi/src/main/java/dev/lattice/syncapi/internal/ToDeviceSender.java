package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.syncapi.storage.ToDeviceMessage;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code PUT /sendToDevice/{eventType}/{txnId}}: messages into the recipients' to-device inboxes, which this service
 * owns and {@code /sync} empties. One transaction per request, stored once per sending device and txnId, committed
 * before the answer; then the recipients' {@code /sync} is woken.
 */
public final class ToDeviceSender {
    private static final Logger log = LoggerFactory.getLogger(ToDeviceSender.class);
    /** The device ID that addresses every device of a user. */
    private static final String ALL_DEVICES = "*";

    private final SyncApiDatabase database;
    private final Supplier<UserApi> users;
    private final SyncNotifier notifier;
    private final ServerName serverName;
    private final Clock clock;

    public ToDeviceSender(
            SyncApiDatabase database,
            Supplier<UserApi> users,
            SyncNotifier notifier,
            ServerName serverName,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.users = requireNonNull(users, "users is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Mono<Map<String, Object>> send(AuthenticatedDevice sender, String type, String txnId, JsonObject body) {
        return Mono.fromCallable(() -> recipients(body))
                .flatMapMany(Flux::fromIterable)
                .concatMap(recipient -> messagesFor(sender, type, recipient))
                .collectList()
                .flatMap(messages -> database.storeToDevice(
                        sender.userId().value(), sender.deviceId().value(), txnId, messages, clock.millis()))
                .doOnNext(positions ->
                        positions.forEach((user, position) -> notifier.notify(SyncStream.TO_DEVICE, user, position)))
                .thenReturn(Map.of());
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

    /**
     * One message per addressed device of a local user. NOTSPEC: users of other servers get nothing yet (federation's
     * {@code m.direct_to_device} EDU comes with the federation sender); the request still succeeds, as when Synapse
     * queues for a server it cannot reach.
     */
    private Flux<ToDeviceMessage> messagesFor(AuthenticatedDevice sender, String type, Recipient recipient) {
        if (!recipient.user().serverName().equals(serverName)) {
            log.info("to-device message for {} not sent: federation is not available yet", recipient.user());
            return Flux.empty();
        }
        String content = CanonicalJson.encodeToString(recipient.content());
        Mono<List<String>> devices = recipient.device().equals(ALL_DEVICES)
                ? users.get()
                        .queryDeviceIds(recipient.user())
                        .map(ids -> ids.stream().map(DeviceId::value).toList())
                : Mono.just(List.of(recipient.device()));
        return devices.flatMapMany(Flux::fromIterable)
                .map(device -> new ToDeviceMessage(
                        recipient.user().value(), device, sender.userId().value(), type, content));
    }
}
