package dev.lattice.bench.load;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Simplified Sliding Sync benchmark of issue #14: one user in {@code rooms} rooms, then
 * <ul>
 *   <li>the first response of a new connection for the room list Element X asks first (range [0, 19], a timeline
 *       of one event, the matrix-rust-sdk room list's {@code required_state}), each as a new device, {@code runs}
 *       times;
 *   <li>the incremental response: a connection long-polls with its {@code pos}, another device of the user sends a
 *       message to one of the rooms in the window, and the time from the send's answer (the event is stored) to the
 *       long-poll's answer that carries it is taken, {@code messages} times;
 *   <li>Element X's whole room list: a new connection grows its range by 100 rooms a request until it covers every
 *       room (each request's time), then the incremental response as above with every room in the window.
 * </ul>
 * Prints one JSON line.
 *
 * <pre>{@code
 * java -jar lattice-load.jar sliding-sync --base-url URL --shared-secret S --rooms 1000 --runs 10 --messages 50
 * }</pre>
 */
public final class SlidingSyncBench {
    /** The matrix-rust-sdk 0.18 room list's request (RoomListService's all_rooms list). */
    static final String REQUEST = """
            {"conn_id":"room-list","lists":{"all_rooms":{"ranges":[[0,19]],"timeline_limit":1,"filters":{},
             "required_state":[["m.room.name",""],["m.room.encryption",""],["m.room.member","$LAZY"],
              ["m.room.member","$ME"],["m.room.topic",""],["m.room.avatar",""],["m.room.canonical_alias",""],
              ["m.room.power_levels",""],["org.matrix.msc3401.call.member","*"],["m.room.join_rules",""],
              ["m.room.tombstone",""],["m.room.create",""],["m.room.history_visibility",""],
              ["io.element.functional_members",""],["m.space.parent","*"],["m.space.child","*"],
              ["org.matrix.msc3672.beacon_info","*"]]}},
             "extensions":{"account_data":{"enabled":true},"receipts":{"enabled":true,"rooms":["*"]},
              "typing":{"enabled":true}}}""";

    public static void main(String[] args) throws Exception {
        List<String> list = Arrays.asList(args);
        URI baseUrl = URI.create(InitialSyncBench.option(list, "--base-url", null));
        String secret = InitialSyncBench.option(list, "--shared-secret", null);
        int rooms = Integer.parseInt(InitialSyncBench.option(list, "--rooms", "1000"));
        int runs = Integer.parseInt(InitialSyncBench.option(list, "--runs", "10"));
        int messages = Integer.parseInt(InitialSyncBench.option(list, "--messages", "50"));
        int concurrency = Integer.parseInt(InitialSyncBench.option(list, "--concurrency", "8"));
        String run = Long.toString(System.currentTimeMillis(), 36);
        JsonMapper json = JsonMapper.builder().build();
        MatrixClient client = new MatrixClient(baseUrl, json);
        JsonNode request = json.readTree(REQUEST);

        long setupStart = System.nanoTime();
        String password = "bench-password-ss";
        MatrixClient.Session owner = client.register(secret, "ss" + run, password);
        InitialSyncBench.inParallel(rooms, concurrency, r -> client.createRoom(owner));
        double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
        System.err.printf("sliding-sync: %d rooms created in %.0f s%n", rooms, setupSeconds);

        List<Double> firstMillis = new ArrayList<>();
        int roomsInFirst = -1;
        long count = -1;
        for (int i = 0; i < runs; i++) {
            // A new device each time: nothing the server keeps per device helps.
            MatrixClient.Session device = client.login(owner.userId(), password);
            long start = System.nanoTime();
            MatrixClient.Received first = client.slidingSync(device, null, Duration.ZERO, request);
            firstMillis.add((first.nanos() - start) / 1e6);
            roomsInFirst = first.body().path("rooms").size();
            count = first.body().path("lists").path("all_rooms").path("count").asLong(-1);
        }

        // The incremental response: one connection long-polls, another device sends.
        MatrixClient.Session sender = client.login(owner.userId(), password);
        Incremental small = incremental(client, json, owner, password, sender, request, messages, run + "-w");

        // Element X's whole list: the range grows by 100 rooms a request until it covers every room, then the same
        // incremental measurement with every room in the window.
        ObjectNode full = (ObjectNode) request.deepCopy();
        MatrixClient.Session grower = client.login(owner.userId(), password);
        List<Double> growMillis = new ArrayList<>();
        String growPos = null;
        for (int end = 99; ; end += 100) {
            int last = Math.min(end, rooms - 1);
            ((ObjectNode) full.path("lists").path("all_rooms")).set("ranges", json.readTree("[[0," + last + "]]"));
            long start = System.nanoTime();
            MatrixClient.Received grown = client.slidingSync(grower, growPos, Duration.ZERO, full);
            growMillis.add((grown.nanos() - start) / 1e6);
            growPos = grown.body().path("pos").asString();
            if (last == rooms - 1) {
                break;
            }
        }
        Incremental all = incremental(client, json, owner, password, sender, full, messages, run + "-a");

        ObjectNode out = json.createObjectNode()
                .put("rooms", rooms)
                .put("setup_s", Math.round(setupSeconds))
                .put("list_count", count)
                .put("rooms_in_first", roomsInFirst);
        firstMillis.forEach(out.putArray("first_ms")::add);
        small.put(out, "");
        growMillis.forEach(out.putArray("grow_by_100_ms")::add);
        all.put(out, "all_rooms_");
        out.put("messages", messages).put("missed", small.missed() + all.missed());
        System.out.println(json.writeValueAsString(out));
        System.exit(small.missed() + all.missed() == 0 && roomsInFirst == Math.min(20, rooms) ? 0 : 1);
    }

    /**
     * Incremental latency, in microseconds, per message: from the send's answer (the event is stored) and from the
     * send's start to the answer of the long-poll that carries it; and how many answers did not carry their message.
     */
    private record Incremental(long[] afterStored, long[] afterSendStart, int missed) {
        void put(ObjectNode out, String prefix) {
            Percentiles stored = Percentiles.of(afterStored);
            Percentiles whole = Percentiles.of(afterSendStart);
            out.put(prefix + "incremental_after_send_ms_p50", stored.p50() / 1000.0)
                    .put(prefix + "incremental_after_send_ms_p99", stored.p99() / 1000.0)
                    .put(prefix + "send_to_response_ms_p50", whole.p50() / 1000.0)
                    .put(prefix + "send_to_response_ms_p99", whole.p99() / 1000.0);
        }
    }

    /**
     * A new connection of a new device with {@code request} long-polls; {@code sender} sends {@code messages}
     * messages, one at a time, to the rooms of its first response in turn.
     */
    private static Incremental incremental(
            MatrixClient client,
            JsonMapper json,
            MatrixClient.Session owner,
            String password,
            MatrixClient.Session sender,
            JsonNode request,
            int messages,
            String txnPrefix)
            throws Exception {
        MatrixClient.Session listener = client.login(owner.userId(), password);
        MatrixClient.Received first = client.slidingSync(listener, null, Duration.ZERO, request);
        String pos = first.body().path("pos").asString();
        List<String> window = new ArrayList<>();
        first.body().path("rooms").propertyNames().forEach(window::add);
        long[] afterStored = new long[messages];
        long[] afterSendStart = new long[messages];
        int missed = 0;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < messages; i++) {
                String since = pos;
                Future<MatrixClient.Received> poll =
                        threads.submit(() -> client.slidingSync(listener, since, Duration.ofSeconds(20), request));
                Thread.sleep(100); // the long-poll is waiting
                String roomId = window.get(i % window.size());
                ObjectNode content =
                        json.createObjectNode().put("msgtype", "m.text").put("body", "ss " + i);
                long sendStart = System.nanoTime();
                String eventId = client.send(sender, roomId, txnPrefix + "-" + i, content);
                long stored = System.nanoTime();
                MatrixClient.Received answer = poll.get();
                JsonNode timeline = answer.body().path("rooms").path(roomId).path("timeline");
                boolean carried = false;
                for (JsonNode event : timeline) {
                    carried |= event.path("event_id").asString("").equals(eventId);
                }
                if (!carried) {
                    missed++;
                }
                afterStored[i] = Math.max(0, (answer.nanos() - stored) / 1000);
                afterSendStart[i] = (answer.nanos() - sendStart) / 1000;
                pos = answer.body().path("pos").asString();
            }
        }
        return new Incremental(afterStored, afterSendStart, missed);
    }

    private SlidingSyncBench() {}
}
