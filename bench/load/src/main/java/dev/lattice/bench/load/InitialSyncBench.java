package dev.lattice.bench.load;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The initial {@code /sync} benchmark of issue #11: one user in {@code rooms} rooms of {@code members} members each,
 * a message last in every room, then that user's initial sync with lazy-loaded members and a timeline of one event
 * (what Element asks first), timed from request to the whole body, {@code runs} times. Every member is in every room
 * (so rooms × (members − 1) joins build it). Before timing it waits (up to {@code --quiet-wait-s}) for the one-minute
 * load average to fall below {@code --quiet-load}. Prints one JSON line: the sizes, the set-up time, the load average
 * when timing began, each sync's time and body size, and the joined rooms the first answer held (it must be all of
 * them).
 *
 * <pre>{@code
 * java -jar lattice-load.jar initial-sync --base-url URL --shared-secret S \
 *     --rooms 300 --members 300 --runs 5 --concurrency 32
 * }</pre>
 */
public final class InitialSyncBench {
    static final String FILTER =
            "{\"room\":{\"timeline\":{\"limit\":1},\"state\":{\"lazy_load_members\":true}},\"presence\":{\"not_types\":[\"*\"]}}";

    public static void main(String[] args) throws Exception {
        List<String> list = Arrays.asList(args);
        URI baseUrl = URI.create(option(list, "--base-url", null));
        String secret = option(list, "--shared-secret", null);
        int rooms = Integer.parseInt(option(list, "--rooms", "300"));
        int members = Integer.parseInt(option(list, "--members", "300"));
        int runs = Integer.parseInt(option(list, "--runs", "5"));
        int concurrency = Integer.parseInt(option(list, "--concurrency", "32"));
        double quietLoad = Double.parseDouble(option(list, "--quiet-load", "1.0"));
        int quietWaitSeconds = Integer.parseInt(option(list, "--quiet-wait-s", "600"));
        String run = Long.toString(System.currentTimeMillis(), 36);
        JsonMapper json = JsonMapper.builder().build();
        MatrixClient client = new MatrixClient(baseUrl, json);

        long setupStart = System.nanoTime();
        List<MatrixClient.Session> users = inParallel(
                members, concurrency, i -> client.register(secret, "is" + run + "u" + i, "bench-password-" + i));
        System.err.printf("initial-sync: %d users registered%n", members);
        List<String> roomIds = inParallel(rooms, concurrency, r -> client.createRoom(users.get(r % members)));
        System.err.printf("initial-sync: %d rooms created%n", rooms);
        AtomicInteger joins = new AtomicInteger();
        // Room by room in turn (i % rooms), so the joins in flight go to different rooms: a room's events are decided
        // one after another, so joins to one room would wait for each other.
        inParallel(rooms * members, concurrency, i -> {
            int room = i % rooms;
            int member = i / rooms;
            if (member != room % members) {
                client.join(users.get(member), roomIds.get(room));
                if (joins.incrementAndGet() % 5000 == 0) {
                    System.err.printf("initial-sync: %d joins%n", joins.get());
                }
            }
            return null;
        });
        inParallel(rooms, concurrency, r -> {
            ObjectNode content =
                    json.createObjectNode().put("msgtype", "m.text").put("body", "last in room " + r);
            return client.send(users.get(r % members), roomIds.get(r), "is" + run + "-" + r, content);
        });
        double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
        System.err.printf("initial-sync: set up in %.0f s (%d joins)%n", setupSeconds, joins.get());
        double loadBefore = awaitQuietMachine(quietLoad, Duration.ofSeconds(quietWaitSeconds));

        List<Double> millis = new ArrayList<>();
        List<Integer> bytes = new ArrayList<>();
        int roomsSeen = -1;
        for (int i = 0; i < runs; i++) {
            // Each run as a new device (a fresh login, untimed): a server may cache a device's answer to the same
            // request (Synapse keeps /sync answers for two minutes), and a new client's first sync is what is measured.
            MatrixClient.Session measured = client.login(users.getFirst().userId(), "bench-password-0");
            long start = System.nanoTime();
            MatrixClient.Received answer = client.sync(measured, null, Duration.ZERO, FILTER);
            millis.add((answer.nanos() - start) / 1e6);
            bytes.add(json.writeValueAsBytes(answer.body()).length);
            JsonNode joined = answer.body().path("rooms").path("join");
            if (roomsSeen < 0) {
                roomsSeen = joined.size();
            }
        }
        ObjectNode out = json.createObjectNode()
                .put("rooms", rooms)
                .put("members", members)
                .put("joins", joins.get())
                .put("setup_s", Math.round(setupSeconds))
                .put("rooms_in_first_sync", roomsSeen)
                .put("load_before", loadBefore);
        millis.forEach(out.putArray("sync_ms")::add);
        bytes.forEach(out.putArray("body_bytes")::add);
        System.out.println(json.writeValueAsString(out));
        System.exit(roomsSeen == rooms ? 0 : 1);
    }

    /**
     * Waits until the one-minute load average is below {@code load} (or {@code atMost} has passed) and returns it:
     * the set-up leaves the machine busy for a while (the server's consumers catching up, its collector), and a long
     * set-up is easily overlapped by other work, so the timed runs start on a machine that has gone quiet. Without
     * {@code /proc/loadavg} (not Linux) it does not wait and returns -1.
     */
    static double awaitQuietMachine(double load, Duration atMost) throws Exception {
        Path loadavg = Path.of("/proc/loadavg");
        if (!Files.isReadable(loadavg)) {
            return -1;
        }
        long deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            double now = Double.parseDouble(Files.readString(loadavg).split(" ")[0]);
            if (now < load || System.nanoTime() > deadline) {
                System.err.printf("initial-sync: load average %.2f, measuring%n", now);
                return now;
            }
            Thread.sleep(5_000);
        }
    }

    interface Task<T> {
        T run(int index) throws Exception;
    }

    /** {@code task(0..n-1)} on virtual threads, at most {@code concurrency} at once; their results in order. */
    static <T> List<T> inParallel(int n, int concurrency, Task<T> task) throws Exception {
        Semaphore permits = new Semaphore(concurrency);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int index = i;
                permits.acquire();
                futures.add(threads.submit(() -> {
                    try {
                        return task.run(index);
                    } finally {
                        permits.release();
                    }
                }));
            }
            List<T> results = new ArrayList<>(n);
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }

    static String option(List<String> args, String name, String fallback) {
        int at = args.indexOf(name);
        if (at >= 0 && at + 1 < args.size()) {
            return args.get(at + 1);
        }
        if (fallback == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return fallback;
    }

    private InitialSyncBench() {}
}
