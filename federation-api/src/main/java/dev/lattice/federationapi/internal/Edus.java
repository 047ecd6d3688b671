package dev.lattice.federationapi.internal;

import dev.lattice.api.ephemeral.ReceiptUpdate;
import dev.lattice.api.ephemeral.TypingUpdate;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The EDUs for typing and receipts (<a href="https://spec.matrix.org/v1.19/server-server-api/#typing-notifications">
 * typing</a>, <a href="https://spec.matrix.org/v1.19/server-server-api/#receipts">receipts</a>) to and from the
 * bus records the syncapi keeps them with. Pure: parsing keeps only what {@code origin} may say, its own users.
 */
public final class Edus {
    static final String TYPING = "m.typing";
    static final String RECEIPT = "m.receipt";
    /** Typing from another server lasts this long unless renewed (the spec: 30 s if the sender gives no timeout). */
    static final long REMOTE_TYPING_TIMEOUT_MS = 30_000;

    private Edus() {}

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

    private static JsonObject edu(String type, JsonObject content) {
        return new JsonObjectBuilder()
                .put("edu_type", type)
                .put("content", content)
                .build();
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
