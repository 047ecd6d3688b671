package dev.lattice.mediaapi.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Content-Disposition: inline only for the spec's safe types, filenames per RFC 6266 / RFC 5987. */
class MediaHeadersTest {

    @Test
    void onlyTheSafeListIsInline() {
        assertThat(MediaHeaders.contentDisposition("image/png", Optional.empty()))
                .isEqualTo("inline");
        assertThat(MediaHeaders.contentDisposition("Text/Plain; charset=utf-8", Optional.empty()))
                .isEqualTo("inline");
        assertThat(MediaHeaders.contentDisposition("image/svg+xml", Optional.empty()))
                .isEqualTo("attachment");
        assertThat(MediaHeaders.contentDisposition("text/html", Optional.empty()))
                .isEqualTo("attachment");
        assertThat(MediaHeaders.contentDisposition("application/octet-stream", Optional.empty()))
                .isEqualTo("attachment");
    }

    @Test
    void tokensStayBareAndEverythingElseIsPercentEncodedUtf8() {
        assertThat(MediaHeaders.contentDisposition("image/png", Optional.of("cat.png")))
                .isEqualTo("inline; filename=cat.png");
        assertThat(MediaHeaders.contentDisposition("image/png", Optional.of("my cat.png")))
                .isEqualTo("inline; filename*=utf-8''my%20cat.png");
        assertThat(MediaHeaders.contentDisposition("text/plain", Optional.of("naïve \"quote\";x=1.txt")))
                .isEqualTo("inline; filename*=utf-8''na%C3%AFve%20%22quote%22%3Bx%3D1.txt");
        assertThat(MediaHeaders.contentDisposition("application/zip", Optional.of("日本.zip")))
                .isEqualTo("attachment; filename*=utf-8''%E6%97%A5%E6%9C%AC.zip");
        assertThat(MediaHeaders.contentDisposition("image/png", Optional.of("")))
                .isEqualTo("inline");
    }
}
