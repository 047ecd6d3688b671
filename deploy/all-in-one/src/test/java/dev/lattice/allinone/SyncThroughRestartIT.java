package dev.lattice.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #11's restart promise under SIGKILL: a client long-polling {@code /sync} through a kill and a restart of the
 * all-in-one process, going on from its last {@code next_batch}, receives every message that was acknowledged before
 * and after the kill exactly once, with no gap, and the last read receipt acknowledged. (Typing lives in memory by
 * design and dies with the process, as in Synapse.)
 */
class SyncThroughRestartIT {
    private static final String FILTER = URLEncoder.encode(
            "{\"room\":{\"timeline\":{\"limit\":100}},\"presence\":{\"not_types\":[\"*\"]}}", StandardCharsets.UTF_8);

    @TempDir
    Path directory;

    @Test
    void aSyncingClientMissesNothingAcknowledgedAndSeesNothingTwiceAcrossSigkill() throws Exception {
        try (LatticeProcess lattice = new LatticeProcess(directory)) {
            lattice.start();
            ClientCalls client = new ClientCalls(lattice);
            String writer = client.register("writer").getString("access_token").orElseThrow();
            JsonObject readerLogin = client.register("reader");
            String reader = readerLogin.getString("access_token").orElseThrow();
            String readerId = readerLogin.getString("user_id").orElseThrow();
            String roomId = client.post(
                            "/_matrix/client/v3/createRoom",
                            writer,
                            "{\"preset\":\"private_chat\",\"invite\":[\"" + readerId + "\"]}")
                    .getString("room_id")
                    .orElseThrow();
            String room = URLEncoder.encode(roomId, StandardCharsets.UTF_8);
            client.post("/_matrix/client/v3/rooms/" + room + "/join", reader, "{}");

            SyncingReader syncing = new SyncingReader(client, reader, roomId);
            syncing.sync(0); // the starting point, before any message
            Thread readerThread = Thread.ofPlatform().start(syncing::run);

            List<String> acknowledged = new ArrayList<>();
            String lastReceipt = null;
            for (int i = 0; i < 40; i++) {
                if (i == 20) {
                    lattice.kill();
                    lattice.start();
                }
                String eventId = client.put(
                                "/_matrix/client/v3/rooms/" + room + "/send/m.room.message/txn" + i,
                                writer,
                                "{\"msgtype\":\"m.text\",\"body\":\"message " + i + "\"}")
                        .getString("event_id")
                        .orElseThrow();
                acknowledged.add(eventId);
                if (i % 5 == 4) {
                    client.post(
                            "/_matrix/client/v3/rooms/" + room + "/receipt/m.read/"
                                    + URLEncoder.encode(eventId, StandardCharsets.UTF_8),
                            writer,
                            "{}");
                    lastReceipt = eventId;
                }
            }

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline
                    && !(syncing.messages.containsAll(acknowledged)
                            && lastReceipt.equals(syncing.lastReadByOthers.get()))) {
                Thread.sleep(100);
            }
            syncing.stop.set(true);
            readerThread.join();

            assertThat(syncing.gaps).as("limited timelines").isEmpty();
            assertThat(syncing.messages).as("messages in /sync").containsExactlyElementsOf(acknowledged);
            assertThat(syncing.lastReadByOthers.get()).as("the newest receipt").isEqualTo(lastReceipt);
            assertThat(syncing.failedPolls)
                    .as("polls that hit the dead process")
                    .isPositive();
        }
    }

    /** A client's /sync loop: it keeps its token through failures, as clients do, and records what it was given. */
    private static final class SyncingReader {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<String> gaps = new CopyOnWriteArrayList<>();
        final AtomicReference<String> lastReadByOthers = new AtomicReference<>();
        final AtomicBoolean stop = new AtomicBoolean();
        int failedPolls;
        private final ClientCalls client;
        private final String token;
        private final String roomId;
        private String since;

        SyncingReader(ClientCalls client, String token, String roomId) {
            this.client = client;
            this.token = token;
            this.roomId = roomId;
        }

        void run() {
            while (!stop.get()) {
                try {
                    sync(1000);
                } catch (IOException | IllegalStateException e) {
                    failedPolls++; // the process is down or starting: the same token again shortly
                    sleep();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void sync(int timeoutMillis) throws IOException, InterruptedException {
            String query = "?timeout=" + timeoutMillis + "&filter=" + FILTER
                    + (since == null ? "" : "&since=" + URLEncoder.encode(since, StandardCharsets.UTF_8));
            JsonObject body = client.get("/_matrix/client/v3/sync" + query, token);
            Optional<JsonObject> joined = body.getObject("rooms")
                    .flatMap(rooms -> rooms.getObject("join"))
                    .flatMap(join -> join.getObject(roomId));
            joined.ifPresent(this::record);
            since = body.getString("next_batch").orElseThrow();
        }

        private void record(JsonObject joined) {
            joined.getObject("timeline").ifPresent(timeline -> {
                if (since != null && timeline.getBool("limited").orElse(false)) {
                    gaps.add(timeline.toString());
                }
                for (CanonicalJsonValue value :
                        timeline.getArray("events").orElseThrow().values()) {
                    JsonObject event = (JsonObject) value;
                    if (event.getString("type").orElse("").equals("m.room.message")) {
                        messages.add(event.getString("event_id").orElseThrow());
                    }
                }
            });
            for (CanonicalJsonValue value : joined.getObject("ephemeral")
                    .flatMap(ephemeral -> ephemeral.getArray("events"))
                    .map(events -> events.values())
                    .orElse(List.of())) {
                JsonObject event = (JsonObject) value;
                if (event.getString("type").orElse("").equals("m.receipt")) {
                    // {"$event": {"m.read": {"@user": {...}}}}: the newest receipt is the one a later event names
                    event.getObject("content")
                            .ifPresent(content -> content.members().keySet().stream()
                                    .filter(id -> content.getObject(id)
                                            .flatMap(types -> types.getObject("m.read"))
                                            .filter(users -> !users.members().isEmpty())
                                            .isPresent())
                                    .forEach(lastReadByOthers::set));
                }
            }
        }

        private static void sleep() {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
