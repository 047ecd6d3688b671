package dev.lattice.mediaapi.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link MediaStore} on the local filesystem, under one root directory:
 *
 * <pre>
 * root/content/ab/cd/abcd…(64 hex digits)   one file per distinct content
 * root/tmp/&lt;random&gt;                          uploads in progress
 * </pre>
 *
 * Each write goes to a fresh file in {@code tmp}, is flushed with {@code fsync}, then renamed atomically into
 * {@code content} (same filesystem, so the rename is atomic) and the directory entry is flushed too: a reader sees
 * either no file or the whole file, and a crash leaves at worst a stray file in {@code tmp}, removed at the next start. File I/O blocks, so it
 * runs on {@link Schedulers#boundedElastic()}, never on the event loop.
 */
public final class LocalMediaStore implements MediaStore {
    private static final Logger log = LoggerFactory.getLogger(LocalMediaStore.class);
    private static final int READ_CHUNK = 64 * 1024;

    private final Path content;
    private final Path tmp;

    public LocalMediaStore(Path root) {
        requireNonNull(root, "root is null");
        this.content = root.resolve("content");
        this.tmp = root.resolve("tmp");
        try {
            Files.createDirectories(content);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the media directory " + root, e);
        }
        SpooledContent.removeStale(tmp, Instant.now());
    }

    @Override
    public Mono<StoredContent> write(Flux<DataBuffer> body, long maxBytes) {
        return SpooledContent.spool(
                tmp,
                body,
                maxBytes,
                spool -> Mono.fromCallable(() -> commit(spool)).subscribeOn(Schedulers.boundedElastic()));
    }

    @Override
    public Flux<DataBuffer> read(String sha256) {
        return Flux.defer(() -> {
            Path file = path(sha256);
            if (!Files.isRegularFile(file)) {
                return Flux.error(new NoSuchFileException(sha256));
            }
            return DataBufferUtils.read(file, DefaultDataBufferFactory.sharedInstance, READ_CHUNK);
        });
    }

    @Override
    public Mono<Void> delete(String sha256) {
        return Mono.fromCallable(() -> Files.deleteIfExists(path(sha256)))
                .subscribeOn(Schedulers.boundedElastic())
                .then();
    }

    @Override
    public InputStream open(String sha256) throws IOException {
        return Files.newInputStream(path(sha256));
    }

    /** The file of a hash; the name is checked to be a hash, so no other path can come out of here. */
    Path path(String sha256) {
        if (!MediaStore.isSha256(sha256)) {
            throw new IllegalArgumentException("not a SHA-256: " + sha256);
        }
        return content.resolve(sha256.substring(0, 2))
                .resolve(sha256.substring(2, 4))
                .resolve(sha256);
    }

    /** Flushes the spooled file to disk and moves it to its content address (keeping an existing identical file). */
    private StoredContent commit(SpooledContent spool) throws IOException {
        StoredContent stored = spool.finish(true);
        Path target = path(stored.sha256());
        Files.createDirectories(target.getParent());
        if (!Files.exists(target)) { // else deduplicated: the same bytes are already stored, the spool is dropped
            try {
                Files.move(spool.file(), target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the media directory must be one filesystem: " + content, e);
            }
            syncDirectory(target.getParent());
        }
        return stored;
    }

    /** Makes a rename durable: flushes the directory entry (POSIX; a no-op where directories cannot be opened). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            log.debug("cannot fsync directory {}", dir, e);
        }
    }
}
