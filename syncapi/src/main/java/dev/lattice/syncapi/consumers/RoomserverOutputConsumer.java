package dev.lattice.syncapi.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.NewRoomEvent;
import dev.lattice.api.roomserver.OutputRoomEvent;
import dev.lattice.api.roomserver.PartialStateCompleted;
import dev.lattice.api.roomserver.PartialStateStarted;
import dev.lattice.api.roomserver.RedactedEvent;
import dev.lattice.api.roomserver.StateOutliers;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.event.Redaction;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.runtime.bus.RetriableException;
import dev.lattice.syncapi.internal.PushActions;
import dev.lattice.syncapi.internal.SyncNotifier;
import dev.lattice.syncapi.internal.SyncStream;
import dev.lattice.syncapi.storage.EventState;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import reactor.core.publisher.Mono;

/**
 * Consumes {@code roomserver.output} (consumer group {@code syncapi}) into the read model, then wakes the
 * {@code /sync} requests of the users concerned.
 *
 * <ul>
 *   <li>{@link NewRoomEvent}: stored with a new stream position and its state delta applied, at once (one statement
 *       or one transaction), and whom it notifies recorded before the users it concerns are woken: with the event
 *       itself when the state before it is remembered, else once it is stored. A replay (the event ID is already
 *       stored) changes nothing and wakes nobody.
 *   <li>{@link RedactedEvent}: the stored event is replaced by its redaction under the room version's rules, with
 *       {@code unsigned.redacted_because}; a second time, or for an event never received, it does nothing.
 * </ul>
 * A record that cannot be decoded, has an unsupported room version or a malformed PDU is poison (thrown as is, so
 * the bus parks it); database failures are {@link RetriableException}s, retried until the database is back.
 */
public final class RoomserverOutputConsumer {
    private static final Logger log = LoggerFactory.getLogger(RoomserverOutputConsumer.class);

    private final SyncApiDatabase database;
    private final SyncNotifier notifier;
    private final PushActions pushActions;
    private final ServerName us;

    public RoomserverOutputConsumer(
            SyncApiDatabase database, SyncNotifier notifier, PushActions pushActions, ServerName us) {
        this.us = requireNonNull(us, "us is null");
        this.database = requireNonNull(database, "database is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
        this.pushActions = requireNonNull(pushActions, "pushActions is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return Mono.defer(() -> switch (BusJson.decode(record.payload(), OutputRoomEvent.class)) {
                    case NewRoomEvent event -> onNewRoomEvent(event);
                    case RedactedEvent redaction -> onRedactedEvent(redaction);
                    case StateOutliers outliers ->
                        database.storeOutliers(outliers.events().stream()
                                .map(event -> Map.entry(event, parse(event)))
                                .toList());
                    case PartialStateStarted started ->
                        database.startPartialState(
                                started.roomId().value(), started.joinEventId().value());
                    case PartialStateCompleted completed -> onPartialStateCompleted(completed);
                })
                .onErrorMap(
                        RoomserverOutputConsumer::isTransient,
                        e -> new RetriableException("syncapi database: " + e.getMessage(), e));
    }

    /** The record's PDU, which must be the event and room the record names. */
    private static Pdu parse(NewRoomEvent event) {
        RoomVersionRules rules =
                rules(event.roomVersion().toString(), event.roomId().value());
        Pdu pdu = Pdu.parseBackfilled(rules, event.pdu().getBytes(StandardCharsets.UTF_8));
        if (!pdu.eventId().equals(event.eventId().value())
                || !pdu.roomId().equals(event.roomId().value())) {
            throw new IllegalArgumentException("record for " + event.eventId() + " in " + event.roomId() + " carries "
                    + pdu.eventId() + " in " + pdu.roomId());
        }
        return pdu;
    }

    private Mono<Void> onNewRoomEvent(NewRoomEvent event) {
        Pdu pdu = parse(event);
        boolean localJoin = isLocalJoin(pdu);
        // An event that changes no state, after one whose state is remembered: whom it notifies is known before it is
        // stored, and stored by its insert. The room's events come one at a time, so nothing changes its state between.
        Optional<EventState> before = SyncApiDatabase.liveAndChangesNoState(event, localJoin)
                ? pushActions.rememberedStateAtNewestEvent(event.roomId().value(), pdu.json())
                : Optional.empty();
        if (before.isPresent()) {
            EventState older = before.get();
            return pushActions
                    .rows(pdu.json(), older.stateAfter(), older.contents())
                    .flatMap(rows -> database.storeEvent(event, pdu, false, Optional.of(rows))
                            .flatMap(position -> {
                                if (position.isEmpty()) {
                                    return replayed(event);
                                }
                                pushActions.stored(rows);
                                long stored = position.getAsLong();
                                notifier.notify(
                                        SyncStream.EVENTS,
                                        older.currentAt(stored).usersToNotify(),
                                        stored);
                                return Mono.empty();
                            }));
        }
        String eventId = event.eventId().value();
        String roomId = event.roomId().value();
        return database.storeEvent(event, pdu, localJoin, Optional.empty()).flatMap(position -> {
            if (event.historical()) {
                return Mono.empty();
            }
            if (position.isEmpty()) {
                return replayed(event);
            }
            long stored = position.getAsLong();
            // The state at the event, read once: the push actions, recorded before waking anyone (so a woken /sync
            // counts this event), and whom to wake.
            return pushActions
                    .stateAtNewestEvent(roomId, stored, pdu.json())
                    .flatMap(state -> pushActions
                            .record(eventId, roomId, pdu.json(), state)
                            .then(Mono.fromRunnable(
                                    () -> notifier.notify(SyncStream.EVENTS, state.usersToNotify(), stored))));
        });
    }

    /**
     * A replay: the push actions (and their pushes) may not have been recorded before a crash, when they were stored
     * apart from the event; recording is idempotent.
     */
    private Mono<Void> replayed(NewRoomEvent event) {
        String eventId = event.eventId().value();
        return database.event(eventId)
                .flatMap(stored -> stored.map(found ->
                                pushActions.record(eventId, event.roomId().value(), found.position(), found.event()))
                        .orElse(Mono.empty()));
    }

    /** The members a partial state lacked, current from a new position: the room's users are woken at it. */
    private Mono<Void> onPartialStateCompleted(PartialStateCompleted completed) {
        String roomId = completed.roomId().value();
        return database.completeState(
                        roomId,
                        completed.addsStateEventIds().stream()
                                .map(EventId::value)
                                .toList())
                .flatMap(position -> position.isEmpty()
                        ? Mono.<Void>empty()
                        : database.usersToNotify(roomId, position.getAsLong())
                                .doOnNext(users -> notifier.notify(SyncStream.EVENTS, users, position.getAsLong()))
                                .then());
    }

    /** A join of one of our users (to another server's room, the state given, when its delta adds outliers). */
    private boolean isLocalJoin(Pdu pdu) {
        return pdu.type().equals("m.room.member")
                && pdu.stateKey().filter(pdu.sender()::equals).isPresent()
                && pdu.content().getString("membership").filter("join"::equals).isPresent()
                && UserId.parse(pdu.sender()).serverName().equals(us);
    }

    private Mono<Void> onRedactedEvent(RedactedEvent redaction) {
        return database.event(redaction.redactedEventId().value())
                .zipWith(database.event(redaction.redactionEventId().value()))
                .flatMap(found -> {
                    Optional<StoredEvent> target = found.getT1();
                    if (target.isEmpty() || target.get().redactedBecause().isPresent()) {
                        log.debug("redaction of {}: nothing to do", redaction.redactedEventId());
                        return Mono.empty();
                    }
                    StoredEvent event = target.get();
                    RoomVersionRules rules = rules(event.roomVersion().toString(), event.roomId());
                    JsonObject because = found.getT2()
                            .map(StoredEvent::asRedactedBecause)
                            .orElseGet(() -> JsonObject.EMPTY
                                    .with(
                                            "event_id",
                                            JsonString.of(
                                                    redaction.redactionEventId().value()))
                                    .with("type", JsonString.of("m.room.redaction"))
                                    .with(
                                            "room_id",
                                            JsonString.of(redaction.roomId().value())));
                    return database.storeRedaction(event.eventId(), Redaction.redact(rules, event.event()), because)
                            .then();
                });
    }

    private static RoomVersionRules rules(String version, String roomId) {
        return RoomVersions.rules(RoomVersionId.of(version))
                .orElseThrow(
                        () -> new IllegalArgumentException("room " + roomId + " has unsupported version " + version));
    }

    /** Database trouble is worth retrying; a constraint violation or anything else is a poison record. */
    static boolean isTransient(Throwable failure) {
        return (failure instanceof DataAccessException && !(failure instanceof DataIntegrityViolationException))
                || (failure instanceof R2dbcException && !(failure instanceof R2dbcDataIntegrityViolationException));
    }
}
