package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AccountDataEntry;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.push.DefaultRules;
import dev.lattice.protocol.push.PushContext;
import dev.lattice.protocol.push.PushRule;
import dev.lattice.protocol.push.PushRuleEvaluator;
import dev.lattice.protocol.push.Ruleset;
import dev.lattice.syncapi.storage.EventState;
import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs each new event through the push rules of every local member of its room (the sender excepted) and records
 * whom it notifies and for whom it highlights: the source of {@code /sync}'s {@code unread_notifications}. The
 * rules are each member's {@code m.push_rules} account data (the server defaults when unset), parsed once and kept
 * until the client-api announces a change ({@link #forget}).
 */
public final class PushActions {
    private static final String PUSH_RULES = "m.push_rules";
    /** Parsed rulesets kept at most; beyond that the cache starts again (a member's next event re-reads theirs). */
    private static final int MAX_CACHED = 10_000;

    private final SyncApiDatabase database;
    private final Supplier<UserApi> users;
    private final ServerName serverName;
    private final Map<String, Ruleset> rulesets = new ConcurrentHashMap<>();
    private final PushDelivery delivery;
    private final Clock clock;

    /** @param delivery told when pushes were queued */
    public PushActions(
            SyncApiDatabase database,
            Supplier<UserApi> users,
            ServerName serverName,
            PushDelivery delivery,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.users = requireNonNull(users, "users is null");
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.delivery = requireNonNull(delivery, "delivery is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The user's push rules changed: read them again next time. */
    public void forget(String userId) {
        rulesets.remove(userId);
    }

    /**
     * Records the outcome of the event at {@code position} in the room for each local member joined after it, and
     * queues the pushes to their pushers with it ({@link PushDelivery}). Idempotent: a replay records and pushes
     * nothing twice.
     *
     * @param event the event as stored (its {@code type}, {@code sender}, {@code content}, {@code state_key})
     */
    public Mono<Void> record(String eventId, String roomId, long position, JsonObject event) {
        return stateAtEvent(roomId, position, event).flatMap(state -> record(eventId, roomId, event, state));
    }

    /**
     * What {@link #record} reads of the room, which its caller may read first to use it too: the state at the event,
     * with the display names of the local members (for {@code contains_display_name}, which reads only a string
     * {@code content.body}: an event without one, an encrypted message, a join, a state change, needs none of them,
     * which in a room of thousands is thousands of rows less per event) and the power levels.
     */
    public Mono<EventState> stateAtEvent(String roomId, long position, JsonObject event) {
        return database.stateAtEvent(roomId, position, membersOf(event));
    }

    /** {@link #stateAtEvent} of the room's newest event, just stored ({@link SyncApiDatabase#stateAtNewestEvent}). */
    public Mono<EventState> stateAtNewestEvent(String roomId, long position, JsonObject event) {
        return database.stateAtNewestEvent(roomId, position, membersOf(event));
    }

    /**
     * {@link #stateAtNewestEvent} of the room's newest event stored so far, when remembered
     * ({@link SyncApiDatabase#rememberedStateAtNewestEvent}), for a next event that changes no state.
     */
    public Optional<EventState> rememberedStateAtNewestEvent(String roomId, JsonObject event) {
        return database.rememberedStateAtNewestEvent(roomId, membersOf(event));
    }

    /** Whose member events' contents the push rules read for the event: none without a body. */
    private Optional<ServerName> membersOf(JsonObject event) {
        return hasBody(event) ? Optional.of(serverName) : Optional.empty();
    }

    /** {@link #record} with the state {@link #stateAtEvent} read. */
    public Mono<Void> record(String eventId, String roomId, JsonObject event, EventState stateAtEvent) {
        return rows(event, stateAtEvent.state(), stateAtEvent.contents())
                .flatMap(rows -> rows.users().isEmpty()
                        ? Mono.<Void>empty()
                        : database.storePushActions(eventId, roomId, stateAtEvent.position(), rows)
                                .doOnSuccess(stored -> stored(rows)));
    }

    /**
     * Whom the event notifies, for {@link SyncApiDatabase#storePushActions} or to store with the event: each local
     * member joined at it (the sender excepted) whose push rules say so, with a push queued for those with a pusher.
     *
     * @param state the state at the event
     * @param contents the contents of some of its events, as {@link #stateAtEvent} reads them
     */
    public Mono<SyncApiDatabase.PushActionRows> rows(
            JsonObject event, List<StateSpan> state, Map<String, JsonObject> contents) {
        String sender = event.getString("sender").orElse("");
        List<StateSpan> joined = state.stream()
                .filter(span -> span.type().equals("m.room.member")
                        && span.membershipOrEmpty().equals("join"))
                .toList();
        List<StateSpan> local = joined.stream()
                .filter(span -> !span.stateKey().equals(sender) && isLocal(span.stateKey()))
                .toList();
        String threadId = threadOf(event);
        if (local.isEmpty()) {
            return Mono.just(
                    new SyncApiDatabase.PushActionRows(threadId, List.of(), List.of(), List.of(), List.of(), 0));
        }
        JsonObject powerLevels = state.stream()
                .filter(span -> span.type().equals("m.room.power_levels")
                        && span.stateKey().isEmpty())
                .findFirst()
                .map(span -> contents.get(span.eventId()))
                .orElse(JsonObject.EMPTY);
        long senderPower = powerLevels
                .getObject("users")
                .flatMap(levels -> levels.getInteger(sender))
                .orElse(powerLevels.getInteger("users_default").orElse(0L));
        return Flux.fromIterable(local)
                .concatMap(member -> ruleset(member.stateKey()).map(rules -> {
                    Optional<String> displayName = Optional.ofNullable(contents.get(member.eventId()))
                            .flatMap(content -> content.getString("displayname"));
                    PushContext context = new PushContext(event, joined.size(), displayName, senderPower, powerLevels);
                    return Map.entry(member.stateKey(), PushRuleEvaluator.firstMatch(rules, context));
                }))
                .filter(outcome -> outcome.getValue().map(PushRule::notifies).orElse(false))
                .collectList()
                .flatMap(notified -> rows(threadId, notified));
    }

    /** Whom the event notifies, with a push queued for those of them with a pusher ({@link #queued}). */
    private Mono<SyncApiDatabase.PushActionRows> rows(
            String threadId, List<Map.Entry<String, Optional<PushRule>>> notified) {
        List<String> members = notified.stream().map(Map.Entry::getKey).toList();
        List<PushRule> rules = notified.stream()
                .map(outcome -> outcome.getValue().orElseThrow())
                .toList();
        return queued(members)
                .map(queued -> new SyncApiDatabase.PushActionRows(
                        threadId,
                        members,
                        rules.stream().map(PushRule::highlights).toList(),
                        rules.stream()
                                .map(rule -> CanonicalJson.encodeToString(new JsonArray(rule.actions())))
                                .toList(),
                        queued,
                        clock.millis()));
    }

    /** The rows were stored: the pushes they queued are delivered. */
    public void stored(SyncApiDatabase.PushActionRows rows) {
        if (rows.queuesAny()) {
            delivery.wake();
        }
    }

    /**
     * For each of these notified members, whether a push is queued: only for a member with a pusher (one query for
     * all of them). Most members of most servers have none, and a push queued for them was claimed, looked up and
     * deleted for nothing. A pusher set after the event gets the events after it.
     */
    private Mono<List<Boolean>> queued(List<String> members) {
        if (members.isEmpty()) {
            return Mono.just(List.of());
        }
        List<UserId> ids = members.stream().map(UserId::parse).toList();
        return users.get()
                .queryUsersWithPushers(ids)
                .map(withPushers -> ids.stream().map(withPushers::contains).toList());
    }

    private static boolean hasBody(JsonObject event) {
        return event.getObject("content")
                .flatMap(content -> content.getString("body"))
                .isPresent();
    }

    private boolean isLocal(String userId) {
        try {
            return UserId.parse(userId).serverName().equals(serverName);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private Mono<Ruleset> ruleset(String userId) {
        Ruleset cached = rulesets.get(userId);
        if (cached != null) {
            return Mono.just(cached);
        }
        UserId user = UserId.parse(userId);
        return users.get()
                .queryAccountData(user, Optional.empty(), PUSH_RULES)
                .map(found -> found.map(AccountDataEntry::contentJson)
                        .map(json -> Ruleset.fromAccountData(CanonicalJson.parseObject(json)))
                        .orElseGet(() -> Ruleset.of(DefaultRules.forUser(user))))
                .doOnNext(rules -> {
                    if (rulesets.size() >= MAX_CACHED) {
                        rulesets.clear();
                    }
                    rulesets.put(userId, rules);
                });
    }

    /** The thread an event is in: its root for {@code m.thread} relations, else the empty string (main timeline). */
    static String threadOf(JsonObject event) {
        return event.getObject("content")
                .flatMap(content -> content.getObject("m.relates_to"))
                .filter(relation -> relation.getString("rel_type").orElse("").equals("m.thread"))
                .flatMap(relation -> relation.getString("event_id"))
                .orElse("");
    }
}
