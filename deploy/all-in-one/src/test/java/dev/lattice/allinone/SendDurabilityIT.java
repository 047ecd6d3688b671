package dev.lattice.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §4's promise under SIGKILL: the all-in-one process is killed in the middle of a burst of
 * {@code PUT /send}; after a restart every send that got a 200 is in the room exactly once, and repeating a send's
 * transaction ID returns the same event ID instead of sending again.
 */
class SendDurabilityIT {
    @TempDir
    Path directory;

    @Test
    void everyAcknowledgedSendSurvivesSigkillExactlyOnce() throws Exception {
        try (LatticeProcess lattice = new LatticeProcess(directory)) {
            lattice.start();
            ClientCalls client = new ClientCalls(lattice);
            String token = client.register("durable").getString("access_token").orElseThrow();
            String roomId = client.post("/_matrix/client/v3/createRoom", token, "{\"preset\":\"private_chat\"}")
                    .getString("room_id")
                    .orElseThrow();

            Map<String, String> acknowledged = new ConcurrentHashMap<>(); // txnId -> event ID
            AtomicBoolean stop = new AtomicBoolean();
            Thread burst = Thread.ofPlatform().start(() -> {
                for (int i = 0; !stop.get() && i < 10_000; i++) {
                    String txnId = "txn" + i;
                    try {
                        JsonObject answer = client.put(
                                sendPath(roomId, txnId),
                                token,
                                "{\"msgtype\":\"m.text\",\"body\":\"message " + i + "\"}");
                        answer.getString("event_id").ifPresent(id -> acknowledged.put(txnId, id));
                    } catch (IOException | InterruptedException | RuntimeException killed) {
                        return; // the server went away mid-request: this send was never acknowledged
                    }
                }
            });
            while (acknowledged.size() < 30 && burst.isAlive()) {
                Thread.sleep(20);
            }
            lattice.kill();
            stop.set(true);
            burst.join();
            assertThat(acknowledged).as("sends acknowledged before the kill").hasSizeGreaterThanOrEqualTo(30);

            lattice.start();
            List<String> timeline = messageEventIds(client, roomId, token);
            for (Map.Entry<String, String> sent : acknowledged.entrySet()) {
                assertThat(timeline).as("event of %s", sent.getKey()).containsOnlyOnce(sent.getValue());
                // The same transaction again is the same event, not a new one, across the restart.
                JsonObject again = client.put(
                        sendPath(roomId, sent.getKey()), token, "{\"msgtype\":\"m.text\",\"body\":\"resent\"}");
                assertThat(again.getString("event_id")).contains(sent.getValue());
            }
            assertThat(messageEventIds(client, roomId, token)).hasSameSizeAs(timeline);
            assertThat(timeline).doesNotHaveDuplicates();
        }
    }

    private static String sendPath(String roomId, String txnId) {
        return "/_matrix/client/v3/rooms/" + URLEncoder.encode(roomId, StandardCharsets.UTF_8) + "/send/m.room.message/"
                + txnId;
    }

    /** Every m.room.message event ID in the room, oldest first, paging /messages forwards from the start. */
    private static List<String> messageEventIds(ClientCalls client, String roomId, String token) throws Exception {
        List<String> ids = new ArrayList<>();
        String from = null;
        for (int page = 0; page < 1000; page++) {
            String query = "?dir=f&limit=100"
                    + (from != null ? "&from=" + URLEncoder.encode(from, StandardCharsets.UTF_8) : "");
            JsonObject answer = client.get(
                    "/_matrix/client/v3/rooms/" + URLEncoder.encode(roomId, StandardCharsets.UTF_8) + "/messages"
                            + query,
                    token);
            for (CanonicalJsonValue event :
                    answer.getArray("chunk").orElseThrow().values()) {
                JsonObject object = (JsonObject) event;
                if (object.getString("type").orElse("").equals("m.room.message")) {
                    ids.add(object.getString("event_id").orElseThrow());
                }
            }
            if (answer.getString("end").isEmpty()
                    || answer.getArray("chunk").orElseThrow().size() == 0) {
                return ids;
            }
            from = answer.getString("end").orElseThrow();
        }
        throw new AssertionError("paging did not end");
    }
}
