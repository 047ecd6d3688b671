package dev.lattice.mediaapi.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class S3LocationTest {

    @Test
    void pathStylePutsTheBucketInThePath() {
        S3MediaStore.S3Location location =
                new S3MediaStore.S3Location(URI.create("http://minio:9000/"), "media", "lattice/", true);

        assertThat(location.uri("lattice/abc")).isEqualTo(URI.create("http://minio:9000/media/lattice/abc"));
        assertThat(location.uri("")).isEqualTo(URI.create("http://minio:9000/media/"));
    }

    @Test
    void virtualHostedStylePutsTheBucketInTheHost() {
        S3MediaStore.S3Location location =
                new S3MediaStore.S3Location(URI.create("https://s3.eu-west-1.amazonaws.com"), "media", "", false);

        assertThat(location.uri("abc")).isEqualTo(URI.create("https://media.s3.eu-west-1.amazonaws.com/abc"));
    }

    @Test
    void theHostHeaderCarriesOnlyAPortThatIsNotTheDefault() {
        assertThat(S3MediaStore.hostHeader(URI.create("http://127.0.0.1:9000/b")))
                .isEqualTo("127.0.0.1:9000");
        assertThat(S3MediaStore.hostHeader(URI.create("https://s3.amazonaws.com:443/b")))
                .isEqualTo("s3.amazonaws.com");
        assertThat(S3MediaStore.hostHeader(URI.create("http://minio/b"))).isEqualTo("minio");
    }

    @Test
    void refusesWhatIsNotAnEndpointOrABucket() {
        assertThatThrownBy(() -> new S3MediaStore.S3Location(URI.create("ftp://x"), "b", "", true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new S3MediaStore.S3Location(URI.create("http://x"), "a/b", "", true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
