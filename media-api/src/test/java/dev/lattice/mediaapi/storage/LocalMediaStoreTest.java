package dev.lattice.mediaapi.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;

/** The filesystem store: content addressing, streaming limits, and nothing left behind by a refused write. */
class LocalMediaStoreTest {
    @TempDir
    Path root;

    private static Flux<DataBuffer> chunks(int count, int size, AtomicInteger emitted) {
        return Flux.range(0, count).map(i -> {
            emitted.incrementAndGet();
            byte[] bytes = new byte[size];
            bytes[0] = i.byteValue();
            return DefaultDataBufferFactory.sharedInstance.wrap(bytes);
        });
    }

    private long files(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void contentIsStoredUnderItsSha256AndReadBack() throws Exception {
        LocalMediaStore store = new LocalMediaStore(root);
        byte[] bytes = "hello, media".getBytes();
        MediaStore.StoredContent stored = store.write(bytes).block();

        String expected =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(stored).isEqualTo(new MediaStore.StoredContent(expected, bytes.length));
        assertThat(store.path(expected))
                .isEqualTo(root.resolve("content")
                        .resolve(expected.substring(0, 2))
                        .resolve(expected.substring(2, 4))
                        .resolve(expected));
        assertThat(StoreContents.readAll(store.read(expected))).isEqualTo(bytes);
        try (InputStream in = store.open(expected)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        // The same bytes again: one file.
        assertThat(store.write(bytes).block()).isEqualTo(stored);
        assertThat(files(root)).isEqualTo(1);
    }

    @Test
    void aBodyOverTheLimitStopsStreamingAtTheLimitAndLeavesNothing() throws IOException {
        LocalMediaStore store = new LocalMediaStore(root);
        AtomicInteger emitted = new AtomicInteger();

        assertThatThrownBy(() -> store.write(chunks(100, 1000, emitted), 2500).block())
                .isInstanceOf(MediaStore.TooLargeException.class);
        // The third chunk crosses 2500 bytes; beyond the few read ahead, the rest of the body is never asked for.
        assertThat(emitted.get()).isLessThanOrEqualTo(3 + 2 * SpooledContent.READ_AHEAD);
        assertThat(files(root)).isZero();
    }

    @Test
    void aBodyOfExactlyTheLimitIsStored() throws IOException {
        LocalMediaStore store = new LocalMediaStore(root);
        MediaStore.StoredContent stored =
                store.write(chunks(3, 1000, new AtomicInteger()), 3000).block();
        assertThat(stored.size()).isEqualTo(3000);
        assertThat(files(root.resolve("tmp"))).isZero();
        assertThat(files(root.resolve("content"))).isOne();
    }

    @Test
    void missingContentIsNoSuchFileAndOnlyHashesBecomePaths() {
        LocalMediaStore store = new LocalMediaStore(root);
        assertThatThrownBy(() -> store.read("ab".repeat(32)).blockFirst())
                .hasCauseInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.path("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.path("AB".repeat(32))).isInstanceOf(IllegalArgumentException.class);
    }
}
