package dev.lattice.federationapi.internal;

import dev.lattice.api.ephemeral.PresenceUpdate;
import dev.lattice.api.ephemeral.ReceiptUpdate;
import dev.lattice.api.ephemeral.TypingUpdate;
import dev.lattice.api.keyserver.DeviceListChange;
import dev.lattice.api.syncapi.DirectToDevice;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonNull;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The EDUs (<a href="https://spec.matrix.org/v1.19/server-server-api/#typing-notifications">typing</a>,
 * <a href="https://spec.matrix.org/v1.19/server-server-api/#receipts">receipts</a>,
 * <a href="https://spec.matrix.org/v1.19/server-server-api/#presence">presence</a>) and the others to and from the
 * bus records the syncapi keeps them with. Pure: parsing keeps only what {@code origin} may say, its own users.
 */
public final class Edus {
    static final String TYPING = "m.typing";
    static final String RECEIPT = "m.receipt";
    static final String DIRECT_TO_DEVICE = "m.direct_to_device";
    static final String DEVICE_LIST_UPDATE = "m.device_list_update";
    static final String SIGNING_KEY_UPDATE = "m.signing_key_update";
    static final String PRESENCE = "m.presence";
    /** The most presence updates taken from one EDU (Synapse sends one per user changed since the last). */
    static final int MAX_PRESENCE_UPDATES = 100;
    /** Typing from another server lasts this long unless renewed (the spec: 30 s if the sender gives no timeout). */
    static final long REMOTE_TYPING_TIMEOUT_MS = 30_000;

    private Edus() {}

    /** Our user's presence as the EDU other servers get. */
    public static JsonObject presence(PresenceUpdate update) {
        JsonObjectBuilder push = new JsonObjectBuilder()
                .put("user_id", update.userId().value())
                .put("presence", update.presence())
                .put("last_active_ago", update.lastActiveAgo())
                .put("currently_active", update.currentlyActive());
        if (update.statusMsg() != null) {
            push.put("status_msg", update.statusMsg());
        }
        return edu(
                PRESENCE,
                new JsonObjectBuilder().put("push", JsonArray.of(push.build())).build());
    }

    /**
     * An {@code m.presence} EDU's updates of users of {@code origin}, at most {@link #MAX_PRESENCE_UPDATES}; entries
     * of other servers' users or with a malformed field are skipped.
     */
    static List<PresenceUpdate> parsePresence(JsonObject content, ServerName origin) {
        List<PresenceUpdate> out = new ArrayList<>();
        for (CanonicalJsonValue entry :
                content.getArray("push").map(JsonArray::values).orElse(List.of())) {
            if (out.size() == MAX_PRESENCE_UPDATES) {
                break;
            }
            if (!(entry instanceof JsonObject push)) {
                continue;
            }
            Optional<UserId> user = push.getString("user_id").flatMap(UserId::tryParse);
            Optional<String> state = push.getString("presence").filter(PresenceUpdate.STATES::contains);
            long lastActiveAgo = push.getInteger("last_active_ago").orElse(0L);
            CanonicalJsonValue statusMsg = push.members().get("status_msg");
            if (user.isEmpty()
                    || !user.get().serverName().equals(origin)
                    || state.isEmpty()
                    || lastActiveAgo < 0
                    || (statusMsg != null && !(statusMsg instanceof JsonString) && !(statusMsg instanceof JsonNull))) {
                continue;
            }
            out.add(PresenceUpdate.of(
                    user.get(),
                    state.get(),
                    statusMsg instanceof JsonString message ? message.value() : null,
                    lastActiveAgo,
                    push.members().get("currently_active") instanceof JsonBool active && active.value()));
        }
        return out;
    }

    /** Our user's typing as the EDU other servers get. */
    public static JsonObject typing(TypingUpdate update) {
        return edu(
                TYPING,
                new JsonObjectBuilder()
                        .put("room_id", update.roomId().value())
                        .put("user_id", update.userId().value())
                        .put("typing", update.typing())
                        .build());
    }

    /** Our user's receipt as the EDU other servers get. */
    public static JsonObject receipt(ReceiptUpdate update) {
        JsonObjectBuilder data = new JsonObjectBuilder().put("ts", update.ts());
        update.threadId().ifPresent(thread -> data.put("thread_id", thread));
        JsonObject read = new JsonObjectBuilder()
                .put("event_ids", JsonArray.of(JsonString.of(update.eventId().value())))
                .put("data", data.build())
                .build();
        JsonObject content = new JsonObjectBuilder()
                .put(
                        update.roomId().value(),
                        new JsonObjectBuilder()
                                .put(
                                        update.receiptType(),
                                        new JsonObjectBuilder()
                                                .put(update.userId().value(), read)
                                                .build())
                                .build())
                .build();
        return edu(RECEIPT, content);
    }

    /**
     * Our user's to-device messages for the users of one server, as the EDU that server gets.
     *
     * @param messages user ID → device ID (or {@code *}) → content, that server's users only
     */
    public static JsonObject directToDevice(DirectToDevice sent, JsonObject messages) {
        return edu(
                DIRECT_TO_DEVICE,
                new JsonObjectBuilder()
                        .put("sender", sent.sender().value())
                        .put("type", sent.type())
                        .put("message_id", sent.messageId())
                        .put("messages", messages)
                        .build());
    }

    /**
     * A change of one of our user's devices. It names no previous update ({@code prev_id} empty), so the receiver
     * fetches the user's device list again ({@code /user/devices}) rather than trusting a chain of updates; that also
     * makes the keys optional, and they are left out.
     */
    public static JsonObject deviceListUpdate(UserId user, DeviceId device, boolean deleted, long streamId) {
        JsonObjectBuilder content = new JsonObjectBuilder()
                .put("user_id", user.value())
                .put("device_id", device.value())
                .put("stream_id", JsonInteger.of(streamId))
                .put("prev_id", JsonArray.EMPTY);
        if (deleted) {
            content.put("deleted", true);
        }
        return edu(DEVICE_LIST_UPDATE, content.build());
    }

    /** Our user's cross-signing keys as other servers get them: the master and self-signing keys they have. */
    public static JsonObject signingKeyUpdate(
            UserId user, Optional<CanonicalJsonValue> master, Optional<CanonicalJsonValue> selfSigning) {
        JsonObjectBuilder content = new JsonObjectBuilder().put("user_id", user.value());
        master.ifPresent(key -> content.put("master_key", key));
        selfSigning.ifPresent(key -> content.put("self_signing_key", key));
        return edu(SIGNING_KEY_UPDATE, content.build());
    }

    private static JsonObject edu(String type, JsonObject content) {
        return new JsonObjectBuilder()
                .put("edu_type", type)
                .put("content", content)
                .build();
    }

    /**
     * An {@code m.direct_to_device} EDU's messages to users of {@code us}, if the EDU is well formed and its sender a
     * user of {@code origin}; messages to other servers' users, or not objects, are dropped.
     */
    static Optional<DirectToDevice> parseDirectToDevice(JsonObject content, ServerName origin, ServerName us) {
        try {
            UserId sender = UserId.parse(content.getString("sender").orElseThrow());
            String type = content.getString("type").orElseThrow();
            String messageId = content.getString("message_id").orElseThrow();
            JsonObject messages = content.getObject("messages").orElseThrow();
            if (!sender.serverName().equals(origin) || type.isEmpty() || messageId.isEmpty()) {
                return Optional.empty();
            }
            Map<String, CanonicalJsonValue> ours = new TreeMap<>();
            for (Map.Entry<String, CanonicalJsonValue> user : messages.members().entrySet()) {
                if (UserId.parse(user.getKey()).serverName().equals(us)
                        && user.getValue() instanceof JsonObject byDevice
                        && byDevice.members().entrySet().stream().allMatch(Edus::isDeviceMessage)) {
                    ours.put(user.getKey(), byDevice);
                }
            }
            return ours.isEmpty()
                    ? Optional.empty()
                    : Optional.of(DirectToDevice.of(
                            sender, type, messageId, CanonicalJson.encodeToString(JsonObject.of(ours))));
        } catch (InvalidIdException | java.util.NoSuchElementException e) {
            return Optional.empty();
        }
    }

    private static boolean isDeviceMessage(Map.Entry<String, CanonicalJsonValue> message) {
        if (!(message.getValue() instanceof JsonObject)) {
            return false;
        }
        if (message.getKey().equals("*")) {
            return true;
        }
        try {
            DeviceId.parse(message.getKey());
            return true;
        } catch (InvalidIdException e) {
            return false;
        }
    }

    /** An {@code m.device_list_update} EDU as a change of a user of {@code origin}, if it is well formed. */
    static Optional<DeviceListChange> parseDeviceListUpdate(JsonObject content, ServerName origin) {
        try {
            UserId user = UserId.parse(content.getString("user_id").orElseThrow());
            DeviceId device = DeviceId.parse(content.getString("device_id").orElseThrow());
            boolean deleted = content.getBool("deleted").orElse(false);
            return user.serverName().equals(origin)
                    ? Optional.of(DeviceListChange.of(user, Optional.of(device), deleted))
                    : Optional.empty();
        } catch (InvalidIdException | java.util.NoSuchElementException e) {
            return Optional.empty();
        }
    }

    /** An {@code m.signing_key_update} EDU as a change of a user of {@code origin}, if it is well formed. */
    static Optional<DeviceListChange> parseSigningKeyUpdate(JsonObject content, ServerName origin) {
        try {
            UserId user = UserId.parse(content.getString("user_id").orElseThrow());
            return user.serverName().equals(origin)
                    ? Optional.of(DeviceListChange.of(user, Optional.empty(), false))
                    : Optional.empty();
        } catch (InvalidIdException | java.util.NoSuchElementException e) {
            return Optional.empty();
        }
    }

    /** An {@code m.typing} EDU's update, if it is well formed and about a user of {@code origin}. */
    static Optional<TypingUpdate> parseTyping(JsonObject content, ServerName origin) {
        try {
            RoomId room = RoomId.parse(content.getString("room_id").orElseThrow());
            UserId user = UserId.parse(content.getString("user_id").orElseThrow());
            if (!user.serverName().equals(origin) || !(content.members().get("typing") instanceof JsonBool typing)) {
                return Optional.empty();
            }
            return Optional.of(TypingUpdate.of(room, user, typing.value(), REMOTE_TYPING_TIMEOUT_MS));
        } catch (InvalidIdException | java.util.NoSuchElementException e) {
            return Optional.empty();
        }
    }

    /** An {@code m.receipt} EDU's receipts by users of {@code origin}; malformed entries are skipped. */
    static List<ReceiptUpdate> parseReceipts(JsonObject content, ServerName origin, long now) {
        List<ReceiptUpdate> out = new ArrayList<>();
        for (Map.Entry<String, CanonicalJsonValue> room : content.members().entrySet()) {
            if (!(room.getValue() instanceof JsonObject types)) {
                continue;
            }
            for (Map.Entry<String, CanonicalJsonValue> type : types.members().entrySet()) {
                if (!(type.getValue() instanceof JsonObject users)) {
                    continue;
                }
                for (Map.Entry<String, CanonicalJsonValue> user :
                        users.members().entrySet()) {
                    receipt(room.getKey(), type.getKey(), user.getKey(), user.getValue(), origin, now)
                            .ifPresent(out::add);
                }
            }
        }
        return out;
    }

    private static Optional<ReceiptUpdate> receipt(
            String roomId, String type, String userId, CanonicalJsonValue value, ServerName origin, long now) {
        try {
            RoomId room = RoomId.parse(roomId);
            UserId user = UserId.parse(userId);
            if (!user.serverName().equals(origin) || !(value instanceof JsonObject receipt)) {
                return Optional.empty();
            }
            List<CanonicalJsonValue> ids =
                    receipt.getArray("event_ids").map(JsonArray::values).orElse(List.of());
            if (ids.isEmpty() || !(ids.getLast() instanceof JsonString last)) {
                return Optional.empty();
            }
            JsonObject data = receipt.getObject("data").orElse(JsonObject.EMPTY);
            return Optional.of(ReceiptUpdate.of(
                    room,
                    user,
                    type,
                    EventId.parse(last.value()),
                    data.getString("thread_id"),
                    data.getInteger("ts").orElse(now)));
        } catch (InvalidIdException e) {
            return Optional.empty();
        }
    }
}
