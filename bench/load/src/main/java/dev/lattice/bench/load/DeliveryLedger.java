package dev.lattice.bench.load;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The exactly-once account of a run: for each message, when it was due, when {@code PUT send} answered and with which
 * event ID, and every time one of its room's other members saw it in {@code /sync}. Sends and syncs race — a sync
 * may show an event before its {@code PUT} has returned — so messages are keyed by the sequence number the tool puts
 * in their content, and the two sides are joined only in {@link #tally()}. Thread-safe.
 */
public final class DeliveryLedger {

    private final ConcurrentHashMap<Long, Message> messages = new ConcurrentHashMap<>();
    private final AtomicLong failedSends = new AtomicLong();
    private final AtomicLong skippedSends = new AtomicLong();

    /** {@code PUT send} for message {@code seq} answered 200 with {@code eventId}. */
    public void acknowledged(
            long seq, String eventId, List<Integer> observers, long dueNanos, long ackNanos, boolean measured) {
        requireNonNull(eventId, "eventId is null");
        message(seq).acknowledge(eventId, List.copyOf(observers), dueNanos, ackNanos, measured);
    }

    /** {@code PUT send} for a message failed (error status, timeout, connection error). */
    public void failed() {
        failedSends.incrementAndGet();
    }

    /** A due message was not sent because too many were already waiting for an answer. */
    public void skipped() {
        skippedSends.incrementAndGet();
    }

    /** User {@code observer} saw message {@code seq} as event {@code eventId} in a response it received at {@code nanos}. */
    public void seen(long seq, String eventId, int observer, long nanos) {
        requireNonNull(eventId, "eventId is null");
        message(seq).see(new Sighting(eventId, observer, nanos));
    }

    /** How many (acknowledged message, expected observer) pairs have no sighting yet: 0 once everything arrived. */
    public long pendingDeliveries() {
        long pending = 0;
        for (Message message : messages.values()) {
            pending += message.pending();
        }
        return pending;
    }

    /** Joins sends and sightings. */
    public Tally tally() {
        long acknowledged = 0;
        long expected = 0;
        long delivered = 0;
        long missing = 0;
        long duplicates = 0;
        long wrongEventId = 0;
        long unacknowledgedSeen = 0;
        long seenBeforeAck = 0;
        long measured = 0;
        List<Long> syncLatencies = new ArrayList<>();
        List<Long> sendLatencies = new ArrayList<>();
        for (Message message : messages.values()) {
            synchronized (message) {
                if (message.eventId == null) {
                    unacknowledgedSeen += message.sightings.size();
                    continue;
                }
                acknowledged++;
                if (message.measured) {
                    measured++;
                    sendLatencies.add(message.ackNanos - message.dueNanos);
                }
                for (int observer : message.observers) {
                    expected++;
                    Sighting first = null;
                    int times = 0;
                    for (Sighting sighting : message.sightings) {
                        if (sighting.observer() != observer) {
                            continue;
                        }
                        times++;
                        if (!sighting.eventId().equals(message.eventId)) {
                            wrongEventId++;
                        } else if (first == null || sighting.nanos() < first.nanos()) {
                            first = sighting;
                        }
                    }
                    if (times == 0) {
                        missing++;
                        continue;
                    }
                    duplicates += times - 1;
                    if (first != null) {
                        delivered++;
                        if (first.nanos() < message.ackNanos) {
                            seenBeforeAck++;
                        }
                        if (message.measured) {
                            // Seen before PUT returned counts as no delay at all: the definition starts at the answer.
                            syncLatencies.add(Math.max(0, first.nanos() - message.ackNanos));
                        }
                    }
                }
            }
        }
        return new Tally(
                acknowledged,
                measured,
                failedSends.get(),
                skippedSends.get(),
                expected,
                delivered,
                missing,
                duplicates,
                wrongEventId,
                unacknowledgedSeen,
                seenBeforeAck,
                Percentiles.of(toArray(sendLatencies)),
                Percentiles.of(toArray(syncLatencies)));
    }

    private Message message(long seq) {
        return messages.computeIfAbsent(seq, ignored -> new Message());
    }

    private static long[] toArray(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * What a run amounts to.
     *
     * @param acknowledged messages whose {@code PUT send} answered 200
     * @param measured of those, the ones due (open loop) or sent (closed loop) inside the measured window
     * @param failedSends {@code PUT send} that failed
     * @param skippedSends due messages not sent because too many sends were in flight (open loop only)
     * @param expectedDeliveries acknowledged messages × their observers
     * @param delivered (message, observer) pairs seen with the acknowledged event ID
     * @param missing (message, observer) pairs never seen
     * @param duplicates sightings beyond the first of a (message, observer) pair
     * @param wrongEventId sightings of a message under another event ID than {@code PUT send} returned
     * @param unacknowledgedSeen sightings of messages whose {@code PUT send} failed (the server made the event anyway)
     * @param seenBeforeAck deliveries that arrived in {@code /sync} before {@code PUT send} answered
     * @param sendLatency from due (open loop) or start (closed loop) to the {@code PUT} answer, measured messages, ns
     * @param syncLatency from the {@code PUT} answer to the first sighting, per measured delivery, ns
     */
    public record Tally(
            long acknowledged,
            long measured,
            long failedSends,
            long skippedSends,
            long expectedDeliveries,
            long delivered,
            long missing,
            long duplicates,
            long wrongEventId,
            long unacknowledgedSeen,
            long seenBeforeAck,
            Percentiles sendLatency,
            Percentiles syncLatency) {

        /** Whether every acknowledged message reached every observer exactly once, as itself. */
        public boolean exactlyOnce() {
            return missing == 0 && duplicates == 0 && wrongEventId == 0 && delivered == expectedDeliveries;
        }
    }

    private record Sighting(String eventId, int observer, long nanos) {}

    private static final class Message {
        private String eventId;
        private List<Integer> observers = List.of();
        private long dueNanos;
        private long ackNanos;
        private boolean measured;
        private final List<Sighting> sightings = new ArrayList<>(2);

        synchronized void acknowledge(
                String eventId, List<Integer> observers, long dueNanos, long ackNanos, boolean measured) {
            if (this.eventId != null) {
                throw new IllegalStateException("message acknowledged twice: " + this.eventId + ", " + eventId);
            }
            this.eventId = eventId;
            this.observers = observers;
            this.dueNanos = dueNanos;
            this.ackNanos = ackNanos;
            this.measured = measured;
        }

        synchronized void see(Sighting sighting) {
            sightings.add(sighting);
        }

        synchronized long pending() {
            if (eventId == null) {
                return 0;
            }
            return observers.stream()
                    .filter(observer -> sightings.stream().noneMatch(sighting -> sighting.observer() == observer))
                    .count();
        }
    }
}
