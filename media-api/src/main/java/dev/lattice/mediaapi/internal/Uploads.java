package dev.lattice.mediaapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.mediaapi.storage.LocalMedia;
import dev.lattice.mediaapi.storage.MediaApiDatabase;
import dev.lattice.mediaapi.storage.MediaStore;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.ratelimit.TokenBucketLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.util.MimeTypeUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /_matrix/media/v3/upload}: streams the body into the {@link MediaStore} and records the media. The
 * size limit is checked twice: against {@code Content-Length} before a byte is read, and while streaming (chunked
 * bodies have no length, and a length can lie). The row is inserted only once the store reports the content durable,
 * so a 200 means the media survives a crash; a failed or refused upload leaves neither a row nor a file.
 */
public final class Uploads {
    private final String serverName;
    private final MediaApiDatabase database;
    private final MediaStore store;
    private final long maxUploadSize;
    private final boolean markAuthenticated;
    private final TokenBucketLimiter rate;
    private final long userQuota;
    private final Consumer<MediaFile> afterUpload;
    private final Clock clock;

    /**
     * @param markAuthenticated whether new uploads are hidden from the deprecated unauthenticated endpoints
     * @param rate how often one user may upload or create media IDs (keyed by user ID)
     * @param userQuota the most bytes one user's uploads may hold in all; 0 for no quota
     * @param afterUpload told of each upload once it is stored and recorded (thumbnails made ahead)
     */
    public Uploads(
            String serverName,
            MediaApiDatabase database,
            MediaStore store,
            long maxUploadSize,
            boolean markAuthenticated,
            TokenBucketLimiter rate,
            long userQuota,
            Consumer<MediaFile> afterUpload,
            Clock clock) {
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.database = requireNonNull(database, "database is null");
        this.store = requireNonNull(store, "store is null");
        this.maxUploadSize = maxUploadSize;
        this.markAuthenticated = markAuthenticated;
        this.rate = requireNonNull(rate, "rate is null");
        this.userQuota = userQuota;
        this.afterUpload = requireNonNull(afterUpload, "afterUpload is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * An upload as the handler decoded it.
     *
     * @param contentType the request's Content-Type, if it had one
     * @param fileName the {@code filename} query parameter, if given and not empty
     * @param contentLength the request's Content-Length, if it had one (not for chunked bodies)
     * @param body the request body, not yet read
     */
    public record Upload(
            Optional<String> contentType,
            Optional<String> fileName,
            OptionalLong contentLength,
            Flux<DataBuffer> body) {
        public Upload {
            requireNonNull(contentType, "contentType is null");
            requireNonNull(fileName, "fileName is null");
            requireNonNull(contentLength, "contentLength is null");
            requireNonNull(body, "body is null");
        }
    }

    /** Stores the upload; the {@code mxc://} URI of the new media. */
    public Mono<String> upload(AuthenticatedDevice device, Upload upload) {
        return Mono.defer(() -> {
            checkRate(device);
            return store(device, MediaIds.generate(), upload, false);
        });
    }

    /** 429 {@code M_LIMIT_EXCEEDED} with {@code retry_after_ms} when the user's bucket is empty. */
    private void checkRate(AuthenticatedDevice device) {
        OptionalLong retryAfter = rate.tryAcquire(device.userId().toString());
        if (retryAfter.isPresent()) {
            throw MatrixException.limitExceeded("Too many uploads", retryAfter.getAsLong());
        }
    }

    /** Streams the content and records it under {@code mediaId}; {@code pending}: completing a created ID. */
    private Mono<String> store(AuthenticatedDevice device, String mediaId, Upload upload, boolean pending) {
        if (upload.contentLength().isPresent() && upload.contentLength().getAsLong() > maxUploadSize) {
            return Mono.error(tooLarge());
        }
        String contentType = upload.contentType().map(Uploads::contentType).orElse("application/octet-stream");
        Optional<String> fileName = upload.fileName().map(Uploads::fileName);
        return allowance(device, upload)
                .flatMap(limit -> store.write(upload.body(), limit)
                        .onErrorMap(
                                MediaStore.TooLargeException.class,
                                e -> limit < maxUploadSize ? overQuota() : tooLarge()))
                .flatMap(stored -> {
                    LocalMedia media = new LocalMedia(
                            mediaId,
                            device.userId().toString(),
                            contentType,
                            fileName,
                            stored.size(),
                            stored.sha256(),
                            clock.millis(),
                            markAuthenticated);
                    return (pending ? database.completePendingMedia(media) : database.insertLocalMedia(media))
                            .then(Mono.fromRunnable(() -> afterUpload.accept(MediaFile.local(serverName, media))));
                })
                .thenReturn("mxc://" + serverName + "/" + mediaId);
    }

    /**
     * How many bytes this upload may have: the size limit, or less when the user's quota has less left; an upload
     * whose declared length already passes the quota is 403 {@code M_FORBIDDEN} before its body is read. Two
     * uploads at once may together pass the quota by at most one upload: the check is not a lock.
     */
    private Mono<Long> allowance(AuthenticatedDevice device, Upload upload) {
        if (userQuota <= 0) {
            return Mono.just(maxUploadSize);
        }
        return database.bytesOfLocalMediaOf(device.userId().toString()).flatMap(used -> {
            long left = userQuota - used;
            if (left <= 0
                    || upload.contentLength().isPresent()
                            && upload.contentLength().getAsLong() > left) {
                return Mono.error(overQuota());
            }
            return Mono.just(Math.min(maxUploadSize, left));
        });
    }

    private MatrixException overQuota() {
        return new MatrixException(
                ErrorCode.FORBIDDEN, "This upload would pass your media quota of " + userQuota + " bytes");
    }

    /** How long a created media ID waits for its content (Synapse's default: a day). */
    static final Duration UNUSED_EXPIRY = Duration.ofDays(1);
    /** How many created media IDs a user may have waiting (Synapse's default). */
    static final int MAX_PENDING = 30;

    /**
     * {@code POST /_matrix/media/v1/create}: a media ID for a later upload by the same user; {@code content_uri} and
     * {@code unused_expires_at}. More than {@value #MAX_PENDING} waiting IDs: 429 {@code M_LIMIT_EXCEEDED}.
     */
    public Mono<Map<String, Object>> create(AuthenticatedDevice device) {
        checkRate(device);
        long now = clock.millis();
        String user = device.userId().toString();
        return database.countPendingMediaOf(user, now).flatMap(pending -> {
            if (pending >= MAX_PENDING) {
                return Mono.error(
                        new MatrixException(ErrorCode.LIMIT_EXCEEDED, "Too many media IDs waiting for their upload"));
            }
            String mediaId = MediaIds.generate();
            long expires = now + UNUSED_EXPIRY.toMillis();
            return database.insertPendingMedia(mediaId, user, now, expires)
                    .thenReturn(Map.<String, Object>of(
                            "content_uri", "mxc://" + serverName + "/" + mediaId, "unused_expires_at", expires));
        });
    }

    /**
     * {@code PUT /_matrix/media/v3/upload/{serverName}/{mediaId}}: the content of a created media ID, by its creator
     * (403 {@code M_FORBIDDEN} for anyone else); once only (409 {@code M_CANNOT_OVERWRITE_MEDIA}); an unknown or
     * expired ID 404 {@code M_NOT_FOUND}.
     */
    public Mono<Void> uploadTo(AuthenticatedDevice device, String server, String mediaId, Upload upload) {
        checkRate(device);
        if (!server.equals(serverName) || !MediaIds.isValid(mediaId)) {
            return Mono.error(new MatrixException(ErrorCode.NOT_FOUND, "Unknown media ID"));
        }
        long now = clock.millis();
        return database.localMedia(mediaId).flatMap(existing -> {
            if (existing.isPresent()) {
                return Mono.error(
                        new MatrixException(ErrorCode.CANNOT_OVERWRITE_MEDIA, "The media already has its content"));
            }
            return database.pendingUploader(mediaId, now).flatMap(uploader -> {
                if (uploader.isEmpty()) {
                    return Mono.error(new MatrixException(ErrorCode.NOT_FOUND, "Unknown or expired media ID"));
                }
                if (!uploader.get().equals(device.userId().toString())) {
                    return Mono.error(new MatrixException(ErrorCode.FORBIDDEN, "You did not create this media ID"));
                }
                return store(device, mediaId, upload, true).then();
            });
        });
    }

    /** The largest upload accepted, for {@code m.upload.size}. */
    public long maxUploadSize() {
        return maxUploadSize;
    }

    private MatrixException tooLarge() {
        return new MatrixException(ErrorCode.TOO_LARGE, "Cannot upload files larger than " + maxUploadSize + " bytes");
    }

    /**
     * The Content-Type to store and serve back verbatim. Visible ASCII (and spaces) only, since it becomes a response
     * header again; otherwise 400 ({@code // NOTSPEC:} the spec does not say; Synapse refuses non-ASCII too). A value
     * that is not a MIME type at all ({@code type/subtype}) is stored as {@code application/octet-stream}, which the
     * spec counts as "reasonably close" for an obviously wrong type, and which clients can parse.
     */
    static String contentType(String value) {
        String trimmed = value.trim();
        if (trimmed.isEmpty()) {
            return "application/octet-stream";
        }
        if (trimmed.length() > 255 || !trimmed.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Content-Type must be printable ASCII, at most 255");
        }
        try {
            MimeTypeUtils.parseMimeType(trimmed);
        } catch (InvalidMimeTypeException e) {
            return "application/octet-stream";
        }
        return trimmed;
    }

    /**
     * The filename to store: any Unicode except control characters (PostgreSQL text cannot hold NUL, and no real
     * filename has them), at most 255 characters as on common filesystems. // NOTSPEC: the spec sets no limit.
     */
    static String fileName(String value) {
        if (value.length() > 255 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new MatrixException(
                    ErrorCode.INVALID_PARAM, "filename must be at most 255 characters, without control characters");
        }
        return value;
    }
}
