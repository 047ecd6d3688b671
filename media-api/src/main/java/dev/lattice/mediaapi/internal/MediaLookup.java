package dev.lattice.mediaapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.mediaapi.storage.LocalMedia;
import dev.lattice.mediaapi.storage.MediaApiDatabase;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Duration;
import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Resolves {@code (serverName, mediaId)} from a download or thumbnail request to media, ours or cached, or fails with the
 * spec's errors. The checks come before any storage access: the server name must be valid (400
 * {@code M_INVALID_PARAM}, as Synapse's {@code parse_and_validate_server_name}) and the media ID must use only the
 * spec's characters. Other servers' media comes from {@link RemoteMediaCache}.
 */
public final class MediaLookup {
    private final String ourServerName;
    private final MediaApiDatabase database;
    private final RemoteMediaCache remote;

    public MediaLookup(String ourServerName, MediaApiDatabase database, RemoteMediaCache remote) {
        this.ourServerName = requireNonNull(ourServerName, "ourServerName is null");
        this.database = requireNonNull(database, "database is null");
        this.remote = requireNonNull(remote, "remote is null");
    }

    /**
     * The media, or 404 {@code M_NOT_FOUND} (unknown here or on its server, invalid ID, or frozen for this access);
     * other servers' media is fetched on first use, with the errors of {@link RemoteMediaCache#find}. Media created
     * for an asynchronous upload but without content yet is waited for up to {@code wait} (the request's
     * {@code timeout_ms}), then 504 {@code M_NOT_YET_UPLOADED}.
     */
    public Mono<MediaFile> find(String serverName, String mediaId, Access access, Duration wait) {
        ServerName server;
        try {
            server = ServerName.parse(serverName);
        } catch (IllegalArgumentException e) {
            return Mono.error(new MatrixException(ErrorCode.INVALID_PARAM, "Invalid server name: " + serverName));
        }
        if (!MediaIds.isValid(mediaId)) {
            // An ID with other characters cannot exist here; answered like any unknown ID.
            return Mono.error(notFound());
        }
        if (!serverName.equals(ourServerName)) {
            if (access == Access.UNAUTHENTICATED) {
                // The deprecated endpoints never fetch: other servers' media only through authenticated ones.
                return Mono.error(notFound());
            }
            return remote.find(server, mediaId).map(MediaFile::remote);
        }
        return database.localMedia(mediaId)
                .flatMap(found -> found.isPresent() ? Mono.just(found) : awaitPending(mediaId, wait))
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        return Mono.error(notFound());
                    }
                    if (found.get().quarantined()) {
                        return Mono.error(notFound());
                    }
                    if (access == Access.UNAUTHENTICATED && found.get().authenticated()) {
                        // The spec's freeze of the deprecated endpoints, as Synapse with enable_authenticated_media.
                        return Mono.error(notFound());
                    }
                    return Mono.just(MediaFile.local(ourServerName, found.get()));
                });
    }

    /**
     * A media ID created for an asynchronous upload whose content has not come yet: waits for it up to {@code wait},
     * then 504 {@code M_NOT_YET_UPLOADED}; an ID never created stays unknown (empty).
     */
    private Mono<Optional<LocalMedia>> awaitPending(String mediaId, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        return database.pendingUploader(mediaId, System.currentTimeMillis()).flatMap(pending -> {
            if (pending.isEmpty()) {
                return Mono.just(Optional.<LocalMedia>empty());
            }
            return Mono.defer(() -> database.localMedia(mediaId))
                    .flatMap(found ->
                            found.isPresent() ? Mono.just(found) : Mono.<Optional<LocalMedia>>error(new NotYet()))
                    .retryWhen(Retry.fixedDelay(Long.MAX_VALUE, POLL)
                            .filter(e -> e instanceof NotYet && System.nanoTime() < deadline))
                    .onErrorMap(
                            e -> e instanceof NotYet || e.getCause() instanceof NotYet,
                            e -> new MatrixException(
                                    ErrorCode.NOT_YET_UPLOADED, "The media has not been uploaded yet"));
        });
    }

    /** How long a download waits for a created media ID's content when it does not say: the spec's default. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(20);

    /**
     * The longest wait a request may ask for: the spec asks servers to impose a maximum; a minute, as Synapse's
     * {@code MAXIMUM_ALLOWED_MAX_TIMEOUT_MS}.
     */
    public static final Duration MAX_WAIT = Duration.ofMinutes(1);

    private static final Duration POLL = Duration.ofMillis(250);

    /** Still waiting for the content. */
    private static final class NotYet extends RuntimeException {
        NotYet() {
            super(null, null, false, false);
        }
    }

    static MatrixException notFound() {
        return new MatrixException(ErrorCode.NOT_FOUND, "Media not found");
    }
}
