package dev.lattice.clientapi.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AccessTokensRevoked;
import dev.lattice.api.clientapi.DevicesDeleted;
import dev.lattice.api.clientapi.Pusher;
import dev.lattice.clientapi.producers.ClientApiOutputProducer;
import dev.lattice.clientapi.storage.postgres.AccessTokensTable;
import dev.lattice.clientapi.storage.postgres.AccountDataTable;
import dev.lattice.clientapi.storage.postgres.AccountsTable;
import dev.lattice.clientapi.storage.postgres.AdminNoncesTable;
import dev.lattice.clientapi.storage.postgres.DehydratedDevicesTable;
import dev.lattice.clientapi.storage.postgres.DevicesTable;
import dev.lattice.clientapi.storage.postgres.FiltersTable;
import dev.lattice.clientapi.storage.postgres.ForgottenRoomsTable;
import dev.lattice.clientapi.storage.postgres.OpenIdTokensTable;
import dev.lattice.clientapi.storage.postgres.ProfilesTable;
import dev.lattice.clientapi.storage.postgres.RefreshTokensTable;
import dev.lattice.clientapi.storage.postgres.RoomAliasesTable;
import dev.lattice.clientapi.storage.postgres.RoomDirectoryTable;
import dev.lattice.clientapi.storage.postgres.UiaSessionsTable;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.runtime.db.RememberedBetweenWrites;
import dev.lattice.runtime.outbox.Outbox;
import dev.lattice.runtime.outbox.OutboxWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The client-api's storage operations. Anything that touches more than one row or table runs in one transaction,
 * so an operation either happens entirely or not at all, and is committed before the caller answers 2xx.
 */
public final class ClientApiDatabase {
    private final TransactionalOperator transactions;
    private final Outbox outbox;
    private final ServerName serverName;
    private final DatabaseClient client;
    private final AccountsTable accounts;
    private final DevicesTable devices;
    private final AccessTokensTable accessTokens;
    private final RefreshTokensTable refreshTokens;
    private final ProfilesTable profiles;
    private final AccountDataTable accountData;
    private final FiltersTable filters;
    private final RoomAliasesTable roomAliases;
    private final RoomDirectoryTable roomDirectory;
    private final ForgottenRoomsTable forgottenRooms;
    private final UiaSessionsTable uiaSessions;
    private final AdminNoncesTable adminNonces;
    private final DehydratedDevicesTable dehydratedDevices;
    private final OpenIdTokensTable openIdTokens;
    private final AccessTokenCache tokenCache = new AccessTokenCache();
    /**
     * With {@code onlyProcess}: whether each user has a pusher, as last read, standing while no write of pushers
     * began or ended since ({@link #setPusher}, {@link #deletePusher}: the only writes of {@code clientapi.pushers}).
     * The syncapi asks this of a room's members for every event that notifies them.
     */
    private final RememberedBetweenWrites<String, Boolean> hasPusher;

    /** The most users whether they have a pusher is remembered of; beyond, all are forgotten. */
    private static final int MAX_REMEMBERED_PUSHER_USERS = 100_000;

    /**
     * @param client must use the connection factory {@code transactions} manages, so statements join its transactions
     * @param outbox the clientapi schema's outbox, on the same connection factory
     * @param serverName this server's name, for the user IDs of the records it announces
     */
    public ClientApiDatabase(
            DatabaseClient client, TransactionalOperator transactions, Outbox outbox, ServerName serverName) {
        this(client, transactions, outbox, serverName, false);
    }

    /**
     * @param client must use the connection factory {@code transactions} manages, so statements join its transactions
     * @param outbox the clientapi schema's outbox, on the same connection factory
     * @param serverName this server's name, for the user IDs of the records it announces
     * @param onlyProcess whether this is the only process serving the client-api (the all-in-one), so the only writer
     *     of its pushers: whether each user has one is then remembered between writes of pushers
     */
    public ClientApiDatabase(
            DatabaseClient client,
            TransactionalOperator transactions,
            Outbox outbox,
            ServerName serverName,
            boolean onlyProcess) {
        this.hasPusher = RememberedBetweenWrites.of(onlyProcess, MAX_REMEMBERED_PUSHER_USERS);
        this.transactions = requireNonNull(transactions, "transactions is null");
        this.outbox = requireNonNull(outbox, "outbox is null");
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.client = requireNonNull(client, "client is null");
        this.accounts = new AccountsTable(client);
        this.devices = new DevicesTable(client);
        this.accessTokens = new AccessTokensTable(client);
        this.refreshTokens = new RefreshTokensTable(client);
        this.profiles = new ProfilesTable(client);
        this.accountData = new AccountDataTable(client);
        this.filters = new FiltersTable(client);
        this.roomAliases = new RoomAliasesTable(client);
        this.roomDirectory = new RoomDirectoryTable(client);
        this.forgottenRooms = new ForgottenRoomsTable(client);
        this.uiaSessions = new UiaSessionsTable(client);
        this.adminNonces = new AdminNoncesTable(client);
        this.dehydratedDevices = new DehydratedDevicesTable(client);
        this.openIdTokens = new OpenIdTokensTable(client);
    }

    // accounts

    /**
     * Creates an account with its profile and, if {@code session} is given, its first device and tokens. Emits
     * false (and changes nothing) when the localpart is taken.
     */
    public Mono<Boolean> createAccount(
            String localpart, String passwordHash, boolean isAdmin, String displayname, NewSession session, long now) {
        return transactions.transactional(accounts.insert(localpart, passwordHash, isAdmin, now)
                .flatMap(created -> !created
                        ? Mono.just(false)
                        : profiles.insert(localpart, displayname)
                                .then(session == null ? Mono.empty() : insertSession(localpart, session, now))
                                .thenReturn(true)));
    }

    public Mono<StoredAccount> account(String localpart) {
        return accounts.select(localpart);
    }

    /**
     * Sets a new password hash and, when {@code keepDeviceId} is non-null, deletes every other device (and its
     * tokens). Emits false when the account is not active.
     */
    public Mono<Boolean> changePassword(
            String localpart, String passwordHash, boolean logoutDevices, String keepDeviceId) {
        return revokingTokens((writer, revoked) -> accounts.updatePassword(localpart, passwordHash)
                .flatMap(updated -> !updated || !logoutDevices
                        ? Mono.just(updated)
                        : devices.deleteAllBut(localpart, keepDeviceId)
                                .flatMap(deleted -> announceDeleted(writer, revoked, localpart, deleted))
                                .thenReturn(true)));
    }

    /** Deactivates an account: no password, no devices or tokens, an empty profile; the localpart stays taken. */
    public Mono<Boolean> deactivate(String localpart, long now) {
        return revokingTokens((writer, revoked) -> accounts.deactivate(localpart, now)
                .flatMap(done -> !done
                        ? Mono.just(false)
                        : devices.deleteAll(localpart)
                                .flatMap(deleted -> announceDeleted(writer, revoked, localpart, deleted))
                                .then(profiles.updateDisplayname(localpart, null))
                                .then(profiles.updateAvatarUrl(localpart, null))
                                .thenReturn(true)));
    }

    // devices and tokens

    /** Creates (or refreshes) a device and stores its new tokens. */
    public Mono<Void> startSession(String localpart, NewSession session, long now) {
        return transactions.transactional(insertSession(localpart, session, now));
    }

    private Mono<Void> insertSession(String localpart, NewSession session, long now) {
        return devices.upsert(localpart, session.deviceId(), session.displayName(), session.ip(), now)
                .then(insertTokens(localpart, session.deviceId(), session.tokens(), null, now));
    }

    private Mono<Void> insertTokens(
            String localpart, String deviceId, NewTokens tokens, byte[] previousRefresh, long now) {
        Mono<Void> refresh = tokens.refreshHash() == null
                ? Mono.empty()
                : refreshTokens.insert(tokens.refreshHash(), localpart, deviceId, previousRefresh, now);
        return refresh.then(accessTokens.insert(
                tokens.accessHash(), localpart, deviceId, tokens.refreshHash(), tokens.expiresTs(), now));
    }

    /**
     * The owner of an access token, from the cache of lookups when it holds it. Its first use also revokes the refresh
     * token its own refresh token replaced (the spec's rotation rule), which is a write only on that first use, and
     * announced ({@link AccessTokensRevoked}) so other instances drop the tokens that went with it.
     */
    public Mono<StoredAccessToken> accessToken(byte[] accessHash) {
        return Mono.defer(() -> {
            Optional<StoredAccessToken> cached = tokenCache.get(accessHash);
            if (cached.isPresent()) {
                return Mono.just(cached.get());
            }
            long generation = tokenCache.generation();
            return accessTokens.select(accessHash).flatMap(token -> {
                if (token.previousRefreshHash() == null) {
                    tokenCache.put(accessHash, token, generation);
                    return Mono.just(token);
                }
                return revokingTokens((writer, revoked) -> refreshTokens
                                .clearPrevious(token.refreshHash())
                                .then(refreshTokens.delete(token.previousRefreshHash()))
                                .then(announceRevoked(writer, revoked, token.localpart(), token.deviceId())))
                        .thenReturn(token);
            });
        });
    }

    /**
     * Rotates a refresh token: revokes the access token issued with it, the token it replaced, and any successors
     * from an earlier refresh whose answer the client never saw; stores the new pair, which replaces it. Emits the
     * owner, or nothing when the refresh token is unknown or revoked.
     */
    public Mono<StoredRefreshToken> refresh(byte[] refreshHash, NewTokens tokens, long now) {
        return revokingTokens((writer, revoked) -> refreshTokens
                .selectForUpdate(refreshHash)
                .flatMap(owner -> {
                    Mono<Long> older =
                            owner.previousHash() == null ? Mono.just(0L) : refreshTokens.delete(owner.previousHash());
                    return older.then(refreshTokens.deleteSuccessors(refreshHash))
                            .then(accessTokens.deleteByRefreshToken(refreshHash))
                            .then(announceRevoked(writer, revoked, owner.localpart(), owner.deviceId()))
                            .then(insertTokens(owner.localpart(), owner.deviceId(), tokens, refreshHash, now))
                            .thenReturn(owner);
                }));
    }

    /** Drops every cached token of these devices: another instance revoked them (its announcement arrived). */
    public void forgetAccessTokens(String localpart, List<String> deviceIds) {
        tokenCache.forget(localpart, deviceIds);
    }

    /**
     * Runs work that revokes access tokens in one outbox transaction. The devices it notes in {@link RevokedDevices}
     * lose their cached tokens when it ends, before its caller hears of it: a client told "logged out" finds its
     * token refused at once by this instance. On failure too, since the commit may have happened; dropping is safe.
     */
    private <T> Mono<T> revokingTokens(BiFunction<OutboxWriter, RevokedDevices, Mono<T>> work) {
        return Mono.defer(() -> {
            RevokedDevices revoked = new RevokedDevices();
            return outbox.inTransaction(writer -> work.apply(writer, revoked))
                    .doOnTerminate(() -> revoked.forgetIn(tokenCache))
                    .doOnCancel(() -> revoked.forgetIn(tokenCache));
        });
    }

    /** The devices whose tokens a transaction revoked. */
    private static final class RevokedDevices {
        private final List<Map.Entry<String, List<String>>> devices = new ArrayList<>();

        synchronized void add(String localpart, List<String> deviceIds) {
            devices.add(Map.entry(localpart, List.copyOf(deviceIds)));
        }

        synchronized void forgetIn(AccessTokenCache cache) {
            devices.forEach(device -> cache.forget(device.getKey(), device.getValue()));
        }
    }

    /** Enqueues {@link AccessTokensRevoked} for a device that keeps existing, and notes its tokens as revoked. */
    private Mono<Void> announceRevoked(OutboxWriter writer, RevokedDevices revoked, String localpart, String deviceId) {
        revoked.add(localpart, List.of(deviceId));
        return ClientApiOutputProducer.enqueue(
                writer, AccessTokensRevoked.of(UserId.of(localpart, serverName), DeviceId.parse(deviceId)));
    }

    public Flux<StoredDevice> devices(String localpart) {
        return devices.selectAll(localpart);
    }

    public Mono<StoredDevice> device(String localpart, String deviceId) {
        return devices.select(localpart, deviceId);
    }

    public Mono<Boolean> renameDevice(String localpart, String deviceId, String displayName) {
        return devices.updateDisplayName(localpart, deviceId, displayName);
    }

    /**
     * Deletes the listed devices (unknown ones are ignored) with their tokens, announcing {@link DevicesDeleted} in
     * the same transaction; returns how many were deleted.
     */
    public Mono<Long> deleteDevices(String localpart, String... deviceIds) {
        return revokingTokens((writer, revoked) -> devices.delete(localpart, deviceIds)
                .flatMap(deleted ->
                        announceDeleted(writer, revoked, localpart, deleted).thenReturn((long) deleted.size())));
    }

    /** Deletes every device of the user, announcing {@link DevicesDeleted}; returns how many were deleted. */
    public Mono<Long> deleteAllDevices(String localpart) {
        return revokingTokens((writer, revoked) -> devices.deleteAll(localpart)
                .flatMap(deleted ->
                        announceDeleted(writer, revoked, localpart, deleted).thenReturn((long) deleted.size())));
    }

    // OpenID tokens

    public Mono<Void> storeOpenIdToken(byte[] hash, String localpart, long expiresTs, long now) {
        return openIdTokens.insert(hash, localpart, expiresTs, now);
    }

    /** The localpart whose unexpired OpenID token has this hash; empty if none. */
    public Mono<String> openIdTokenOwner(byte[] hash, long now) {
        return openIdTokens.select(hash, now);
    }

    // dehydrated devices (MSC3814)

    /**
     * Makes {@code deviceId} the user's dehydrated device: a device row without tokens, and its data. The previous
     * dehydrated device, if another, is deleted (announced as {@link DevicesDeleted}), in the same transaction.
     */
    public Mono<Void> replaceDehydratedDevice(
            String localpart, String deviceId, String displayName, String deviceDataJson, long now) {
        return revokingTokens((writer, revoked) -> dehydratedDevices
                .selectForUpdate(localpart)
                .filter(old -> !old.deviceId().equals(deviceId))
                .flatMap(old -> devices.delete(localpart, new String[] {old.deviceId()})
                        .flatMap(deleted -> announceDeleted(writer, revoked, localpart, deleted)))
                .then(devices.upsert(localpart, deviceId, displayName, null, now))
                .then(dehydratedDevices.upsert(localpart, deviceId, deviceDataJson, now)));
    }

    /** The user's dehydrated device; empty if there is none. */
    public Mono<StoredDehydratedDevice> dehydratedDevice(String localpart) {
        return dehydratedDevices.select(localpart);
    }

    /** Deletes the user's dehydrated device (announced as {@link DevicesDeleted}); its ID, empty if there was none. */
    public Mono<String> deleteDehydratedDevice(String localpart) {
        return revokingTokens((writer, revoked) -> dehydratedDevices
                .selectForUpdate(localpart)
                .flatMap(old -> devices.delete(localpart, new String[] {old.deviceId()})
                        .flatMap(deleted -> announceDeleted(writer, revoked, localpart, deleted))
                        .thenReturn(old.deviceId())));
    }

    /** Enqueues {@link DevicesDeleted} for the devices deleted, if any, and notes their tokens as revoked. */
    private Mono<Void> announceDeleted(
            OutboxWriter writer, RevokedDevices revoked, String localpart, List<String> deleted) {
        if (deleted.isEmpty()) {
            return Mono.empty();
        }
        revoked.add(localpart, deleted);
        return ClientApiOutputProducer.enqueue(
                writer,
                DevicesDeleted.of(
                        UserId.of(localpart, serverName),
                        deleted.stream().map(DeviceId::parse).toList()));
    }

    // profiles

    public Mono<StoredProfile> profile(String localpart) {
        return profiles.select(localpart);
    }

    public Mono<Boolean> setDisplayname(String localpart, String displayname) {
        return profiles.updateDisplayname(localpart, displayname);
    }

    public Mono<Boolean> setAvatarUrl(String localpart, String avatarUrl) {
        return profiles.updateAvatarUrl(localpart, avatarUrl);
    }

    // account data and filters

    /**
     * Stores account data and, in the same transaction, runs {@code announce} with the outbox and the write's stream
     * position, to enqueue the records that announce it; they are published after the commit (see {@link Outbox}).
     * If {@code announce} fails, nothing is stored.
     *
     * @param roomId the room, or the empty string for global account data
     */
    public Mono<Long> putAccountData(
            String localpart,
            String roomId,
            String type,
            String contentJson,
            BiFunction<OutboxWriter, Long, Mono<Void>> announce) {
        return outbox.inTransaction(writer -> accountData
                .upsert(localpart, roomId, type, contentJson)
                .flatMap(streamId -> announce.apply(writer, streamId).thenReturn(streamId)));
    }

    /**
     * Replaces account data with {@code update} of what is stored (empty when nothing is), under a lock on that
     * piece, and announces the write in the same transaction. If {@code update} or {@code announce} fails, nothing
     * is stored.
     *
     * @param roomId the room, or the empty string for global account data
     */
    public Mono<Long> updateAccountData(
            String localpart,
            String roomId,
            String type,
            Function<Optional<String>, String> update,
            BiFunction<OutboxWriter, Long, Mono<Void>> announce) {
        return outbox.inTransaction(writer -> accountData
                .lock(localpart, roomId, type)
                .then(accountData
                        .select(localpart, roomId, type)
                        .map(Optional::of)
                        .defaultIfEmpty(Optional.empty()))
                .flatMap(current -> accountData.upsert(localpart, roomId, type, update.apply(current)))
                .flatMap(streamId -> announce.apply(writer, streamId).thenReturn(streamId)));
    }

    /** Runs {@code work} in one transaction with the outbox: its records are published after the commit. */
    public Mono<Void> inOutboxTransaction(Function<OutboxWriter, Mono<Void>> work) {
        return outbox.inTransaction(work);
    }

    /** @param roomId the room, or the empty string for global account data */
    public Mono<String> accountData(String localpart, String roomId, String type) {
        return accountData.select(localpart, roomId, type);
    }

    /**
     * The account data with the stream position of the write that stored it; empty when there is none.
     *
     * @param roomId the room, or the empty string for global account data
     */
    public Mono<AccountDataTable.Row> accountDataRow(String localpart, String roomId, String type) {
        return accountData.selectRow(localpart, roomId, type);
    }

    /** All of a user's account data, global (room ID the empty string) and per room, oldest write first. */
    public Mono<List<AccountDataTable.Row>> allAccountData(String localpart) {
        return accountData.selectAll(localpart);
    }

    public Mono<Long> createFilter(String localpart, String filterJson) {
        return filters.insert(localpart, filterJson);
    }

    public Mono<String> filter(String localpart, long filterId) {
        return filters.select(localpart, filterId);
    }

    // room aliases

    /** Stores a local alias; false if it is taken. */
    public Mono<Boolean> createRoomAlias(String alias, String roomId, String creator, long createdTs) {
        return roomAliases.insert(alias, roomId, creator, createdTs);
    }

    /** The room a local alias points at; empty if none. */
    public Mono<String> roomOfAlias(String alias) {
        return roomAliases.selectRoom(alias);
    }

    /** The creator of a local alias; empty if none. */
    public Mono<String> roomAliasCreator(String alias) {
        return roomAliases.selectCreator(alias);
    }

    public Flux<String> roomAliases(String roomId) {
        return roomAliases.selectByRoom(roomId);
    }

    /** Deletes a local alias; false if there was none. */
    public Mono<Boolean> deleteRoomAlias(String alias) {
        return roomAliases.delete(alias);
    }

    // forgotten rooms

    public Mono<Void> forgetRoom(String localpart, String roomId, long forgottenTs) {
        return forgottenRooms.insert(localpart, roomId, forgottenTs);
    }

    /** Clears a forgotten room, when the user joins it again. */
    public Mono<Void> unforgetRoom(String localpart, String roomId) {
        return forgottenRooms.delete(localpart, roomId);
    }

    public Mono<Boolean> isRoomForgotten(String localpart, String roomId) {
        return forgottenRooms.exists(localpart, roomId);
    }

    /** The rooms a user forgot and has not joined again since. */
    public Mono<List<String>> forgottenRooms(String localpart) {
        return forgottenRooms.selectByUser(localpart);
    }

    // the public room directory

    public Mono<Void> publishRoom(String roomId, long publishedTs) {
        return roomDirectory.insert(roomId, publishedTs);
    }

    public Mono<Void> unpublishRoom(String roomId) {
        return roomDirectory.delete(roomId);
    }

    public Mono<Boolean> isRoomPublished(String roomId) {
        return roomDirectory.exists(roomId);
    }

    /** The published rooms, oldest publication first. */
    public Flux<String> publishedRooms() {
        return roomDirectory.selectAll();
    }

    // user-interactive authentication and admin nonces

    /** Starts a UIA session, first dropping sessions started before {@code expiredBefore}. */
    public Mono<Void> createUiaSession(
            String sessionId, String operation, String localpart, long now, long expiredBefore) {
        return uiaSessions.deleteExpired(expiredBefore).then(uiaSessions.insert(sessionId, operation, localpart, now));
    }

    public Mono<StoredUiaSession> uiaSession(String sessionId, long notBefore) {
        return uiaSessions.select(sessionId, notBefore);
    }

    public Mono<Void> completeUiaStage(String sessionId, String stage) {
        return uiaSessions.addCompleted(sessionId, stage);
    }

    public Mono<Void> deleteUiaSession(String sessionId) {
        return uiaSessions.delete(sessionId);
    }

    public Mono<Void> createAdminNonce(String nonce, long now, long expiredBefore) {
        return adminNonces.deleteExpired(expiredBefore).then(adminNonces.insert(nonce, now));
    }

    /** Uses up a nonce: true when it existed and had not expired. */
    public Mono<Boolean> takeAdminNonce(String nonce, long notBefore) {
        return adminNonces.take(nonce, notBefore);
    }

    /** Stores a report of an event (or, without one, of a room) for the administrators. */
    public Mono<Void> storeReport(
            String localpart,
            String roomId,
            Optional<String> eventId,
            Optional<String> reason,
            Optional<Long> score,
            long now) {
        var spec = client.sql("INSERT INTO clientapi.reports (room_id, event_id, localpart, reason, score, received_ts)"
                        + " VALUES (:room_id, :event_id, :localpart, :reason, :score, :now)")
                .bind("room_id", roomId)
                .bind("localpart", localpart)
                .bind("now", now);
        spec = eventId.isPresent() ? spec.bind("event_id", eventId.get()) : spec.bindNull("event_id", String.class);
        spec = reason.isPresent() ? spec.bind("reason", reason.get()) : spec.bindNull("reason", String.class);
        spec = score.isPresent() ? spec.bind("score", score.get()) : spec.bindNull("score", Long.class);
        return spec.then();
    }

    /**
     * Adds or replaces the user's pusher of (app ID, pushkey); unless {@code append}, the same (app ID, pushkey) of
     * other users goes (the spec: a device pushes for one account only).
     */
    public Mono<Void> setPusher(String localpart, Pusher pusher, boolean append, long now) {
        Mono<Void> others = append
                ? Mono.empty()
                : client.sql("DELETE FROM clientapi.pushers WHERE app_id = :app_id AND pushkey = :pushkey"
                                + " AND localpart <> :localpart")
                        .bind("app_id", pusher.appId())
                        .bind("pushkey", pusher.pushkey())
                        .bind("localpart", localpart)
                        .then();
        var upsert = client.sql("INSERT INTO clientapi.pushers (localpart, app_id, pushkey, kind, app_display_name,"
                        + " device_display_name, profile_tag, lang, data, created_ts) VALUES (:localpart, :app_id,"
                        + " :pushkey, :kind, :app_display_name, :device_display_name, :profile_tag, :lang, :data, :now)"
                        + " ON CONFLICT (localpart, app_id, pushkey) DO UPDATE SET kind = excluded.kind,"
                        + " app_display_name = excluded.app_display_name,"
                        + " device_display_name = excluded.device_display_name, profile_tag = excluded.profile_tag,"
                        + " lang = excluded.lang, data = excluded.data")
                .bind("localpart", localpart)
                .bind("app_id", pusher.appId())
                .bind("pushkey", pusher.pushkey())
                .bind("kind", pusher.kind())
                .bind("app_display_name", pusher.appDisplayName())
                .bind("device_display_name", pusher.deviceDisplayName())
                .bind("lang", pusher.lang())
                .bind("data", pusher.dataJson())
                .bind("now", now);
        upsert = pusher.profileTag().isPresent()
                ? upsert.bind("profile_tag", pusher.profileTag().get())
                : upsert.bindNull("profile_tag", String.class);
        return hasPusher.writing(transactions.transactional(others.then(upsert.then())));
    }

    /** Deletes the user's pusher of (app ID, pushkey); nothing when there is none. */
    public Mono<Void> deletePusher(String localpart, String appId, String pushkey) {
        return hasPusher.writing(
                client.sql("DELETE FROM clientapi.pushers WHERE localpart = :localpart AND app_id = :app_id"
                                + " AND pushkey = :pushkey")
                        .bind("localpart", localpart)
                        .bind("app_id", appId)
                        .bind("pushkey", pushkey)
                        .then());
    }

    /** Those of {@code localparts} with at least one pusher. */
    public Mono<Set<String>> localpartsWithPushers(Collection<String> localparts) {
        if (localparts.isEmpty()) {
            return Mono.just(Set.of());
        }
        return hasPusher
                .getAll(localparts, this::readWhetherPushers)
                .map(known -> known.entrySet().stream()
                        .filter(Map.Entry::getValue)
                        .map(Map.Entry::getKey)
                        .collect(Collectors.toSet()));
    }

    /** Whether each of {@code localparts} has a pusher, in one statement. */
    private Mono<Map<String, Boolean>> readWhetherPushers(Set<String> localparts) {
        return client.sql("SELECT DISTINCT localpart FROM clientapi.pushers WHERE localpart = ANY(:localparts)")
                .bind("localparts", localparts.toArray(String[]::new))
                .map(row -> row.get("localpart", String.class))
                .all()
                .collect(Collectors.toSet())
                .map(with -> localparts.stream().collect(Collectors.toMap(localpart -> localpart, with::contains)));
    }

    /** The user's pushers, oldest first. */
    public Mono<List<Pusher>> pushers(String localpart) {
        return client.sql("SELECT app_id, pushkey, kind, app_display_name, device_display_name, profile_tag, lang,"
                        + " data FROM clientapi.pushers WHERE localpart = :localpart ORDER BY created_ts, app_id")
                .bind("localpart", localpart)
                .map(row -> new Pusher(
                        row.get("app_id", String.class),
                        row.get("pushkey", String.class),
                        row.get("kind", String.class),
                        row.get("app_display_name", String.class),
                        row.get("device_display_name", String.class),
                        Optional.ofNullable(row.get("profile_tag", String.class)),
                        row.get("lang", String.class),
                        row.get("data", String.class)))
                .all()
                .collectList();
    }
}
