package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AccountDataEntry;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.syncapi.storage.StoredPositions;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.util.List;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The account data stream of {@code /sync}, global ({@code account_data}) and per joined room (the room's
 * {@code account_data}; a joined room whose account data changed is listed even without new events). Initial sync and
 * {@code full_state}: everything the client-api holds. Otherwise the current content of what changed in
 * ({@code since}, position]: the stream records only "(user, room, type) changed", the content stays in the
 * client-api.
 */
public final class AccountDataStream implements SyncStreamProvider {
    private static final int CONCURRENCY = 4;

    private final SyncApiDatabase database;
    private final Supplier<UserApi> users;

    /** @param users the client-api, for account data content; resolved on first use */
    public AccountDataStream(SyncApiDatabase database, Supplier<UserApi> users) {
        this.database = requireNonNull(database, "database is null");
        this.users = requireNonNull(users, "users is null");
    }

    @Override
    public SyncStream stream() {
        return SyncStream.ACCOUNT_DATA;
    }

    @Override
    public long currentPosition(StoredPositions stored) {
        return stored.accountData();
    }

    @Override
    public Mono<Long> contribute(SyncContext context) {
        long position = context.position(SyncStream.ACCOUNT_DATA);
        if (context.unchanged(SyncStream.ACCOUNT_DATA)) {
            return Mono.just(position); // nothing changed since: no query
        }
        SyncFilter filter = context.request().filter();
        return Mono.zip(entries(context, position), context.joinedRooms())
                .doOnNext(loaded -> {
                    AccountDataSections sections =
                            AccountDataSections.of(loaded.getT1(), filter.accountData(), filter.roomAccountData());
                    SyncResponse response = context.response();
                    if (!sections.global().values().isEmpty()) {
                        response.put("account_data", events(sections.global()));
                    }
                    sections.rooms().forEach((roomId, events) -> {
                        if (loaded.getT2().contains(roomId)) {
                            response.joined(roomId).put("account_data", events(events));
                        }
                    });
                })
                .thenReturn(position);
    }

    private Mono<List<AccountDataEntry>> entries(SyncContext context, long position) {
        UserId user = context.request().device().userId();
        if (context.snapshot()) {
            return users.get().queryAccountData(user);
        }
        return database.accountDataChanges(
                        user.toString(), context.since(SyncStream.ACCOUNT_DATA).orElseThrow(), position)
                .flatMapMany(Flux::fromIterable)
                .flatMapSequential(
                        change -> users.get()
                                .queryAccountData(user, change.roomId().map(RoomId::parse), change.type()),
                        CONCURRENCY)
                .flatMapIterable(found -> found.map(List::of).orElse(List.of()))
                .collectList();
    }

    private static JsonObject events(JsonArray events) {
        return new JsonObjectBuilder().put("events", events).build();
    }
}
