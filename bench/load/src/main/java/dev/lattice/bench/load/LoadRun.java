package dev.lattice.bench.load;

import dev.lattice.bench.load.MatrixClient.Received;
import dev.lattice.bench.load.MatrixClient.RequestFailed;
import dev.lattice.bench.load.MatrixClient.Session;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One run: register the users, create and fill the rooms, start every user's {@code /sync} loop, send for
 * warm-up + duration (open or closed loop), wait for the deliveries, and tally. Each send and each sync loop is a
 * virtual thread blocked in {@link MatrixClient}.
 */
final class LoadRun {
    static final String RUN_KEY = "dev.lattice.load.run";
    static final String SEQ_KEY = "dev.lattice.load.seq";
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(20);
    private static final int ERRORS_LOGGED = 5;

    private final LoadOptions options;
    private final RoomLayout layout;
    private final MatrixClient client;
    private final JsonMapper json;
    private final PrintStream log;
    private final DeliveryLedger ledger = new DeliveryLedger();
    private final Map<String, Integer> roomIndexes = new HashMap<>();
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong syncErrors = new AtomicLong();
    private final AtomicLong gapFills = new AtomicLong();
    private final AtomicInteger sendErrorsLogged = new AtomicInteger();
    private final String syncFilter;
    private final String messagesFilter = "{\"types\":[\"m.room.message\"]}";
    private Session[] sessions;
    private String[] roomIds;
    private volatile boolean stopped;

    LoadRun(LoadOptions options, MatrixClient client, JsonMapper json, PrintStream log) {
        this.options = options;
        this.layout = options.layout();
        this.client = client;
        this.json = json;
        this.log = log;
        // Only messages in the timeline, and not many per room: a long-stalled sync is "limited" and the tool
        // fetches the gap with /messages rather than receiving a huge response.
        this.syncFilter =
                "{\"room\":{\"timeline\":{\"limit\":" + options.timelineLimit() + ",\"types\":[\"m.room.message\"]}}}";
    }

    LoadReport run() throws InterruptedException {
        long setupStart = System.nanoTime();
        sessions = parallel(
                options.users(),
                user -> client.register(
                        options.sharedSecret(), "load" + options.runId() + "_" + user, "load-" + options.runId()),
                Session[]::new);
        log.printf("registered %d users in %.1f s%n", sessions.length, seconds(System.nanoTime() - setupStart));
        long roomsStart = System.nanoTime();
        roomIds = parallel(
                layout.rooms(),
                room -> {
                    String roomId = client.createRoom(sessions[layout.sender(room)]);
                    for (int observer : layout.observers(room)) {
                        client.join(sessions[observer], roomId);
                    }
                    return roomId;
                },
                String[]::new);
        for (int room = 0; room < roomIds.length; room++) {
            roomIndexes.put(roomIds[room], room);
        }
        log.printf(
                "created %d rooms of %d members in %.1f s%n",
                roomIds.length, layout.membersPerRoom(), seconds(System.nanoTime() - roomsStart));

        CountDownLatch syncing = new CountDownLatch(sessions.length);
        for (int user = 0; user < sessions.length; user++) {
            int index = user;
            Thread.ofVirtual().name("sync-" + user).start(() -> syncLoop(index, syncing));
        }
        if (!syncing.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the initial syncs did not finish within 120 s");
        }
        log.printf(
                "%d users syncing; sending %s for %d s warm-up + %d s measured%n",
                sessions.length,
                options.closedLoop()
                        ? "closed loop with " + options.concurrency() + " senders"
                        : "open loop at " + options.rate().getAsDouble() + " msg/s",
                options.warmup().toSeconds(),
                options.duration().toSeconds());

        long start = System.nanoTime() + Duration.ofMillis(100).toNanos();
        long measureStart = start + options.warmup().toNanos();
        long measureEnd = measureStart + options.duration().toNanos();
        CpuClock cpu = new CpuClock(options.watchPids());
        Thread cpuSampler = Thread.ofVirtual().start(() -> {
            LockSupport.parkNanos(measureStart - System.nanoTime());
            cpu.begin();
            LockSupport.parkNanos(measureEnd - System.nanoTime());
            cpu.end();
        });
        if (options.closedLoop()) {
            closedLoop(start, measureStart, measureEnd);
        } else {
            openLoop(new OpenLoopSchedule(start, options.rate().getAsDouble()), measureStart, measureEnd);
        }
        cpuSampler.join();
        long sendsDone = System.nanoTime();
        long drainDeadline = sendsDone + options.drain().toNanos();
        while (ledger.pendingDeliveries() > 0 && System.nanoTime() < drainDeadline) {
            Thread.sleep(100);
        }
        double drained = seconds(System.nanoTime() - sendsDone);
        stopped = true;
        return new LoadReport(
                options,
                ledger.tally(),
                syncs.get(),
                syncErrors.get(),
                gapFills.get(),
                drained,
                cpu.toolCores(),
                cpu.watchedCores());
    }

    private void openLoop(OpenLoopSchedule schedule, long measureStart, long measureEnd) throws InterruptedException {
        long total = schedule.messagesWithin(measureEnd - schedule.startNanos());
        AtomicInteger inFlight = new AtomicInteger();
        for (long seq = 0; seq < total; seq++) {
            long due = schedule.dueNanos(seq);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (inFlight.get() >= options.maxInFlight()) {
                ledger.skipped();
                continue;
            }
            inFlight.incrementAndGet();
            long message = seq;
            Thread.ofVirtual().start(() -> {
                try {
                    send(message, due, due >= measureStart);
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private void closedLoop(long start, long measureStart, long measureEnd) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        LockSupport.parkNanos(start - System.nanoTime());
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < options.concurrency(); i++) {
            senders.add(Thread.ofVirtual().start(() -> {
                for (long now = System.nanoTime(); now < measureEnd; now = System.nanoTime()) {
                    send(next.getAndIncrement(), now, now >= measureStart);
                }
            }));
        }
        for (Thread sender : senders) {
            sender.join();
        }
    }

    private void send(long seq, long dueNanos, boolean measured) {
        int room = layout.roomOf(seq);
        ObjectNode content = json.createObjectNode()
                .put("msgtype", "m.text")
                .put("body", "load " + options.runId() + " #" + seq)
                .put(RUN_KEY, options.runId())
                .put(SEQ_KEY, seq);
        try {
            String eventId =
                    client.send(sessions[layout.sender(room)], roomIds[room], options.runId() + "-" + seq, content);
            ledger.acknowledged(seq, eventId, layout.observers(room), dueNanos, System.nanoTime(), measured);
        } catch (RuntimeException e) { // RequestFailed, or a 200 whose body is not JSON
            ledger.failed();
            if (sendErrorsLogged.incrementAndGet() <= ERRORS_LOGGED) {
                log.println("send failed: " + e.getMessage());
            }
        }
    }

    private void syncLoop(int user, CountDownLatch syncing) {
        String since;
        try {
            since = client.sync(sessions[user], null, Duration.ZERO, syncFilter)
                    .body()
                    .path("next_batch")
                    .asString();
        } catch (RequestFailed e) {
            log.println("initial sync of user " + user + " failed: " + e.getMessage());
            return; // the latch never reaches zero: the run stops with a clear message
        }
        syncing.countDown();
        while (!stopped) {
            try {
                Received answer = client.sync(sessions[user], since, SYNC_TIMEOUT, syncFilter);
                for (var joined : answer.body().path("rooms").path("join").properties()) {
                    Integer room = roomIndexes.get(joined.getKey());
                    if (room == null || !layout.observers(room).contains(user)) {
                        continue;
                    }
                    JsonNode timeline = joined.getValue().path("timeline");
                    record(user, timeline.path("events"), answer.nanos());
                    if (timeline.path("limited").asBoolean(false)) {
                        fillGap(
                                user,
                                joined.getKey(),
                                timeline.path("prev_batch").asString(),
                                since);
                    }
                }
                since = answer.body().path("next_batch").asString();
                syncs.incrementAndGet();
            } catch (RuntimeException e) { // RequestFailed, or an answer that is not the JSON expected
                if (stopped) {
                    return;
                }
                if (syncErrors.incrementAndGet() <= ERRORS_LOGGED) {
                    log.println("sync failed: " + e.getMessage());
                }
                MatrixClient.sleep(Duration.ofSeconds(1));
            }
        }
    }

    /** A limited timeline skipped events between {@code since} and its start: read them with /messages. */
    private void fillGap(int user, String roomId, String from, String since) {
        gapFills.incrementAndGet();
        String token = from;
        while (token != null && !token.isEmpty()) {
            Received page = client.messagesBackwards(sessions[user], roomId, token, since, messagesFilter);
            JsonNode chunk = page.body().path("chunk");
            if (chunk.isEmpty()) {
                return;
            }
            record(user, chunk, page.nanos());
            token = page.body().path("end").asString(null);
        }
    }

    private void record(int user, JsonNode events, long nanos) {
        for (JsonNode event : events) {
            JsonNode content = event.path("content");
            if (options.runId().equals(content.path(RUN_KEY).asString(null))
                    && content.path(SEQ_KEY).isNumber()) {
                ledger.seen(
                        content.path(SEQ_KEY).asLong(), event.path("event_id").asString(""), user, nanos);
            }
        }
    }

    /** Runs {@code task} for 0..count-1 with {@code setupConcurrency} at a time; the first failure stops the run. */
    private <T> T[] parallel(int count, IntFunction<T> task, IntFunction<T[]> array) throws InterruptedException {
        T[] results = array.apply(count);
        try (ExecutorService pool = Executors.newFixedThreadPool(
                options.setupConcurrency(), Thread.ofVirtual().factory())) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> task.apply(index)));
            }
            for (int i = 0; i < count; i++) {
                try {
                    results[i] = futures.get(i).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    pool.shutdownNow();
                    throw new IllegalStateException(
                            "setup failed: " + e.getCause().getMessage(), e.getCause());
                }
            }
        }
        return results;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** This JVM's and the watched processes' CPU time over the measured window, as cores busy on average. */
    private static final class CpuClock {
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final ProcessCpu processes = new ProcessCpu(Path.of("/proc"));
        private final List<Long> watched;
        private volatile long wallStart;
        private volatile long cpuStart;
        private volatile double watchedStart;
        private volatile double toolCores = Double.NaN;
        private volatile double watchedCores = Double.NaN;

        CpuClock(List<Long> watched) {
            this.watched = watched;
        }

        void begin() {
            wallStart = System.nanoTime();
            cpuStart = os.getProcessCpuTime();
            watchedStart = processes.seconds(watched);
        }

        void end() {
            double wall = System.nanoTime() - wallStart;
            toolCores = (os.getProcessCpuTime() - cpuStart) / wall;
            if (!watched.isEmpty()) {
                watchedCores = (processes.seconds(watched) - watchedStart) * 1e9 / wall;
            }
        }

        double toolCores() {
            return toolCores;
        }

        double watchedCores() {
            return watchedCores;
        }
    }
}
