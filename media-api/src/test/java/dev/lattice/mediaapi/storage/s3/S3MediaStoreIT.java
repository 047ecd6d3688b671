package dev.lattice.mediaapi.storage.s3;

import static dev.lattice.mediaapi.storage.StoreContents.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.mediaapi.storage.MediaStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;

/** {@link S3MediaStore} against a real S3-compatible server (moto, signatures checked: {@link MotoS3}). */
class S3MediaStoreIT {
    private static MotoS3 moto;
    private static Path spool;
    private static S3MediaStore store;

    @BeforeAll
    static void start() throws Exception {
        moto = MotoS3.start();
        spool = Files.createTempDirectory("s3-spool");
        store = moto.newStore("media", "lattice/", spool);
    }

    @AfterAll
    static void stop() {
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void writesStreamedContentUnderItsHashAndReadsItBack() throws Exception {
        byte[] bytes = randomBytes(3 * 1024 * 1024 + 17);

        MediaStore.StoredContent stored =
                store.write(chunks(bytes, 64 * 1024), bytes.length).block();

        assertThat(stored).isEqualTo(new MediaStore.StoredContent(sha256(bytes), bytes.length));
        assertThat(readAll(store.read(stored.sha256()))).isEqualTo(bytes);
        try (InputStream in = store.open(stored.sha256())) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        assertThat(spoolFiles())
                .as("the spool file is gone once the object is stored")
                .isZero();
    }

    @Test
    void identicalContentIsStoredOnceAndDeletedOnce() throws Exception {
        byte[] bytes = randomBytes(1000);
        MediaStore.StoredContent first = store.write(bytes).block();
        MediaStore.StoredContent second =
                store.write(chunks(bytes, 10), bytes.length).block();
        assertThat(second).isEqualTo(first);

        store.delete(first.sha256()).block();

        assertThatThrownBy(() -> readAll(store.read(first.sha256()))).hasRootCauseInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.open(first.sha256())).isInstanceOf(NoSuchFileException.class);
        store.delete(first.sha256()).block(); // deleting what is gone is no error
    }

    @Test
    void aBodyOverTheLimitStoresNothing() throws Exception {
        byte[] bytes = randomBytes(5000);

        assertThatThrownBy(() -> store.write(chunks(bytes, 1000), 4999).block())
                .isInstanceOf(MediaStore.TooLargeException.class);

        assertThatThrownBy(() -> readAll(store.read(sha256(bytes)))).hasRootCauseInstanceOf(NoSuchFileException.class);
        assertThat(spoolFiles()).isZero();
    }

    @Test
    void unknownContentIsNoSuchFile() {
        String unknown = sha256(new byte[] {42});
        assertThatThrownBy(() -> readAll(store.read(unknown))).hasRootCauseInstanceOf(NoSuchFileException.class);
    }

    @Test
    void checkBucketAcceptsTheBucketAndRefusesAMissingOneOrAWrongSecret() throws Exception {
        store.checkBucket().block();

        S3MediaStore missing = new S3MediaStore(
                new S3MediaStore.S3Location(moto.endpoint(), "no-such-bucket", "", true),
                moto.signer(),
                spool,
                Clock.systemUTC());
        assertThatThrownBy(() -> missing.checkBucket().block()).hasMessageContaining("no such bucket");

        SigV4 wrongSecret = new SigV4(moto.signer().accessKey(), "not-the-secret", "us-east-1");
        S3MediaStore forged = new S3MediaStore(
                new S3MediaStore.S3Location(moto.endpoint(), "media", "lattice/", true),
                wrongSecret,
                spool,
                Clock.systemUTC());
        assertThatThrownBy(() -> forged.checkBucket().block()).hasMessageContaining("HTTP 403");
        byte[] bytes = randomBytes(100);
        assertThatThrownBy(() -> forged.write(bytes).block()).hasMessageContaining("403");
        assertThatThrownBy(() -> readAll(store.read(sha256(bytes)))).hasRootCauseInstanceOf(NoSuchFileException.class);
    }

    private static long spoolFiles() throws IOException {
        try (Stream<Path> files = Files.list(spool)) {
            return files.count();
        }
    }

    static Flux<DataBuffer> chunks(byte[] bytes, int size) {
        return Flux.range(0, (bytes.length + size - 1) / size)
                .map(i -> DefaultDataBufferFactory.sharedInstance.wrap(
                        java.util.Arrays.copyOfRange(bytes, i * size, Math.min(bytes.length, (i + 1) * size))));
    }

    static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
