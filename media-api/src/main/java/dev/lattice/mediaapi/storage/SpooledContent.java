package dev.lattice.mediaapi.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A body written to a fresh temporary file, hashed and counted as it goes: how every store learns the SHA-256 that
 * names the content before it puts the content under that name. Used by one subscriber at a time.
 */
public final class SpooledContent {
    private static final Logger log = LoggerFactory.getLogger(SpooledContent.class);
    /** Buffers read from the body ahead of the disk: at most this many socket reads (each up to 64 KiB) per upload. */
    static final int READ_AHEAD = 16;

    private final Path file;
    private final FileChannel channel;
    private final MessageDigest digest;
    private final long maxBytes;
    private long size;

    private SpooledContent(Path dir, long maxBytes) throws IOException {
        this.file = dir.resolve(UUID.randomUUID().toString());
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.maxBytes = maxBytes;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Writes {@code body} to a new file in {@code dir} (on {@link Schedulers#boundedElastic()}, never the event loop),
     * then runs {@code then} with the finished spool, and removes the file afterwards whatever happened (success,
     * error, cancellation), unless {@code then} moved it away. A body longer than {@code maxBytes} fails with
     * {@link MediaStore.TooLargeException} as soon as it crosses the limit.
     */
    public static <T> Mono<T> spool(
            Path dir, Flux<DataBuffer> body, long maxBytes, Function<SpooledContent, Mono<T>> then) {
        return Mono.usingWhen(
                        Mono.fromCallable(() -> new SpooledContent(dir, maxBytes))
                                .subscribeOn(Schedulers.boundedElastic()),
                        // One hop to a worker that drains the buffers as they come (not one hop per buffer), with
                        // a few buffers read ahead so that the socket is read while the disk is written.
                        spool -> body.publishOn(Schedulers.boundedElastic(), READ_AHEAD)
                                // Mapped to lengths: what then() drops must not be the buffers, released already.
                                .map(spool::append)
                                .then(Mono.defer(() -> then.apply(spool))),
                        spool -> Mono.fromRunnable(spool::discard).subscribeOn(Schedulers.boundedElastic()))
                .doOnDiscard(DataBuffer.class, DataBufferUtils::release);
    }

    /**
     * Removes files left in {@code dir} by a process that died mid-write (a kill or a crash never runs the cleanup of
     * {@link #spool}). Only files older than an hour go, so a spool dir that is by mistake shared loses no write in
     * progress.
     */
    public static void removeStale(Path dir, Instant now) {
        Instant cutoff = now.minus(Duration.ofHours(1));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            log.warn("cannot clear stale temporary media files in {}", dir, e);
        }
    }

    /** Appends one chunk and releases it; refuses it whole if it would cross the limit. Its length. */
    private int append(DataBuffer buffer) {
        try {
            int length = buffer.readableByteCount();
            if (size + length > maxBytes) {
                throw new MediaStore.TooLargeException(maxBytes);
            }
            try (DataBuffer.ByteBufferIterator chunks = buffer.readableByteBuffers()) {
                while (chunks.hasNext()) {
                    ByteBuffer chunk = chunks.next();
                    digest.update(chunk.duplicate());
                    while (chunk.hasRemaining()) {
                        channel.write(chunk);
                    }
                }
            }
            size += length;
            return length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /**
     * Closes the file, first flushing it to stable storage when {@code durable} (a store that keeps this very file
     * needs that; one that copies it elsewhere does not), and gives the content's hash and size. Blocks.
     */
    public MediaStore.StoredContent finish(boolean durable) throws IOException {
        if (durable) {
            channel.force(true);
        }
        channel.close();
        return new MediaStore.StoredContent(HexFormat.of().formatHex(digest.digest()), size);
    }

    /** The temporary file; after {@link #finish} it holds exactly the content. */
    public Path file() {
        return file;
    }

    /** Closes and removes the temporary file if it is still there (failure, cancellation, or after use). */
    private void discard() {
        try {
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot remove the temporary media file {}", file, e);
        }
    }
}
