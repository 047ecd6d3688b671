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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14's incremental promise under SIGKILL: a Simplified Sliding Sync client that keeps its {@code pos} through
 * 1,000 sends to 50 rooms and a kill and restart of the all-in-one process in the middle receives every acknowledged
 * message exactly once, in each room in the order sent, with no gap (the connection state is in PostgreSQL).
 */
class SlidingSyncThroughRestartIT {
    private static final int ROOMS = 50;
    private static final int SENDS = 1000;
    private static final String REQUEST = "{\"conn_id\":\"room-list\",\"lists\":{\"all\":{\"ranges\":[[0," + (ROOMS - 1)
            + "]],\"timeline_limit\":100,\"required_state\":[[\"m.room.member\",\"$LAZY\"]]}}}";

    @TempDir
    Path directory;

    @Test
    void aSlidingClientMissesNothingAcknowledgedAndSeesNothingTwiceAcrossSigkill() throws Exception {
        try (LatticeProcess lattice = new LatticeProcess(directory)) {
            lattice.start();
            ClientCalls client = new ClientCalls(lattice);
            String writer = client.register("writer").getString("access_token").orElseThrow();
            JsonObject readerLogin = client.register("reader");
            String reader = readerLogin.getString("access_token").orElseThrow();
            String readerId = readerLogin.getString("user_id").orElseThrow();
            List<String> rooms = new ArrayList<>();
            for (int r = 0; r < ROOMS; r++) {
                String roomId = client.post(
                                "/_matrix/client/v3/createRoom",
                                writer,
                                "{\"preset\":\"private_chat\",\"invite\":[\"" + readerId + "\"]}")
                        .getString("room_id")
                        .orElseThrow();
                client.post("/_matrix/client/v3/rooms/" + encode(roomId) + "/join", reader, "{}");
                rooms.add(roomId);
            }

            SlidingReader sliding = new SlidingReader(client, reader);
            sliding.sync(0); // the starting point: every room, initial
            assertThat(sliding.count).isEqualTo(ROOMS);
            Thread readerThread = Thread.ofPlatform().start(sliding::run);

            Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
            for (int i = 0; i < SENDS; i++) {
                if (i == SENDS / 2) {
                    lattice.kill();
                    lattice.start();
                }
                String roomId = rooms.get(i % ROOMS);
                String eventId = client.put(
                                "/_matrix/client/v3/rooms/" + encode(roomId) + "/send/m.room.message/txn" + i,
                                writer,
                                "{\"msgtype\":\"m.text\",\"body\":\"message " + i + "\"}")
                        .getString("event_id")
                        .orElseThrow();
                acknowledged.computeIfAbsent(roomId, id -> new ArrayList<>()).add(eventId);
            }

            Set<String> all = new HashSet<>();
            acknowledged.values().forEach(all::addAll);
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline && !sliding.seen().containsAll(all)) {
                Thread.sleep(100);
            }
            sliding.stop.set(true);
            readerThread.join();

            assertThat(sliding.gaps).as("limited timelines").isEmpty();
            assertThat(sliding.unknownPos).as("M_UNKNOWN_POS answers").isEmpty();
            for (String roomId : rooms) {
                assertThat(sliding.messages.getOrDefault(roomId, List.of()))
                        .as("messages of %s in sliding sync", roomId)
                        .containsExactlyElementsOf(acknowledged.get(roomId));
            }
            assertThat(sliding.failedPolls)
                    .as("polls that hit the dead process")
                    .isPositive();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A sliding sync loop that keeps its pos through failures, as the matrix-rust-sdk does, recording what it got. */
    private static final class SlidingReader {
        final Map<String, List<String>> messages = new ConcurrentHashMap<>();
        final List<String> gaps = new CopyOnWriteArrayList<>();
        final List<String> unknownPos = new CopyOnWriteArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();
        int failedPolls;
        long count;
        private final ClientCalls client;
        private final String token;
        private String pos;

        SlidingReader(ClientCalls client, String token) {
            this.client = client;
            this.token = token;
        }

        Set<String> seen() {
            Set<String> out = new HashSet<>();
            messages.values().forEach(out::addAll);
            return out;
        }

        void run() {
            while (!stop.get()) {
                try {
                    sync(1000);
                } catch (IOException | IllegalStateException e) {
                    if (String.valueOf(e.getMessage()).contains("M_UNKNOWN_POS")) {
                        unknownPos.add(e.getMessage());
                    }
                    failedPolls++; // the process is down or starting: the same pos again shortly
                    sleep();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void sync(int timeoutMillis) throws IOException, InterruptedException {
            String query = "?timeout=" + timeoutMillis + (pos == null ? "" : "&pos=" + encode(pos));
            JsonObject body =
                    client.post("/_matrix/client/unstable/org.matrix.simplified_msc3575/sync" + query, token, REQUEST);
            count = body.getObject("lists")
                    .flatMap(lists -> lists.getObject("all"))
                    .flatMap(all -> all.getInteger("count"))
                    .orElse(-1L);
            boolean initial = pos == null;
            body.getObject("rooms")
                    .ifPresent(rooms -> rooms.members().forEach((roomId, value) -> {
                        JsonObject room = (JsonObject) value;
                        if (!initial && room.getBool("limited").orElse(false)) {
                            gaps.add(roomId);
                        }
                        for (CanonicalJsonValue event :
                                room.getArray("timeline").orElseThrow().values()) {
                            JsonObject e = (JsonObject) event;
                            if (e.getString("type").orElse("").equals("m.room.message")) {
                                messages.computeIfAbsent(roomId, id -> new CopyOnWriteArrayList<>())
                                        .add(e.getString("event_id").orElseThrow());
                            }
                        }
                    }));
            pos = body.getString("pos").orElseThrow();
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
