package dev.lattice.mediaapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.mediaapi.storage.MediaApiDatabase;
import dev.lattice.mediaapi.storage.MediaStore;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a server administrator does with media, with Synapse's admin API semantics: quarantine (kept, served to
 * nobody, other servers included, and a quarantined remote medium is not fetched again), delete our media by ID or
 * by uploader, and purge other servers' media cached before a time. A content file is removed only once no row
 * names it any more (content is shared by identical uploads and by thumbnails of identical content), with the
 * thumbnails made of it.
 *
 * <p>Rows go first, files after: a crash in between leaves an unreferenced file, never a row without its file.
 */
public final class MediaAdmin {
    private static final Logger log = LoggerFactory.getLogger(MediaAdmin.class);

    private final String ourServerName;
    private final MediaApiDatabase database;
    private final MediaStore store;
    private final Clock clock;

    public MediaAdmin(String ourServerName, MediaApiDatabase database, MediaStore store, Clock clock) {
        this.ourServerName = requireNonNull(ourServerName, "ourServerName is null");
        this.database = requireNonNull(database, "database is null");
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Quarantines ({@code by} present) or releases {@code mxc://<serverName>/<mediaId>}; unknown media is a no-op. */
    public Mono<Void> setQuarantined(String serverName, String mediaId, Optional<UserId> by) {
        check(serverName, mediaId);
        log.info("media mxc://{}/{} {} by {}", serverName, mediaId, by.isPresent() ? "quarantined" : "released", by);
        return database.setQuarantined(serverName.equals(ourServerName), serverName, mediaId, by.map(UserId::toString))
                .then();
    }

    /** Quarantines everything {@code uploader} uploaded here; how many media. */
    public Mono<Long> quarantineMediaOf(UserId uploader, UserId by) {
        return database.quarantineMediaOf(uploader.toString(), by.toString());
    }

    /** Deletes our media {@code mediaId}: 404 {@code M_NOT_FOUND} when unknown, 400 for other servers' media. */
    public Mono<List<String>> delete(String serverName, String mediaId) {
        check(serverName, mediaId);
        if (!serverName.equals(ourServerName)) {
            return Mono.error(new MatrixException(ErrorCode.INVALID_PARAM, "Can only delete local media"));
        }
        return database.deleteLocalMedia(mediaId)
                .flatMap(deleted -> deleted.isEmpty()
                        ? Mono.error(MediaLookup.notFound())
                        : removeUnreferenced(List.of(deleted.get())).thenReturn(List.of(mediaId)));
    }

    /** Deletes everything {@code uploader} uploaded here; the media IDs. */
    public Mono<List<String>> deleteMediaOf(UserId uploader) {
        return database.deleteLocalMediaOf(uploader.toString())
                .flatMap(deleted -> removeUnreferenced(
                                deleted.stream().map(Map.Entry::getValue).toList())
                        .thenReturn(deleted.stream().map(Map.Entry::getKey).toList()));
    }

    /** Deletes other servers' media fetched before {@code beforeTs} (refetched when asked again); how many. */
    public Mono<Integer> purgeRemoteMediaBefore(long beforeTs) {
        return database.deleteRemoteMediaFetchedBefore(beforeTs)
                .flatMap(deleted -> removeUnreferenced(deleted).thenReturn(deleted.size()));
    }

    /** As {@link #purgeRemoteMediaBefore}, for media older than {@code age}. */
    public Mono<Integer> purgeRemoteMediaOlderThan(Duration age) {
        return purgeRemoteMediaBefore(clock.millis() - age.toMillis());
    }

    /** Removes each content no row names any more, with the thumbnails made of it and then their files. */
    private Mono<Void> removeUnreferenced(List<String> sha256s) {
        return Flux.fromIterable(sha256s.stream().distinct().toList())
                .concatMap(sha256 -> database.isContentReferenced(sha256)
                        .flatMap(referenced -> referenced
                                ? Mono.empty()
                                : database.deleteThumbnailsOf(sha256)
                                        .flatMapMany(Flux::fromIterable)
                                        .concatMap(thumbnail -> database.isContentReferenced(thumbnail)
                                                .flatMap(used -> used ? Mono.empty() : store.delete(thumbnail)))
                                        .then(store.delete(sha256))))
                .then();
    }

    private static void check(String serverName, String mediaId) {
        try {
            ServerName.parse(serverName);
        } catch (IllegalArgumentException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid server name: " + serverName);
        }
        if (!MediaIds.isValid(mediaId)) {
            throw MediaLookup.notFound();
        }
    }
}
