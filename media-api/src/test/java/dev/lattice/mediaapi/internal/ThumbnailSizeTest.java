package dev.lattice.mediaapi.internal;

import static dev.lattice.mediaapi.internal.ThumbnailSize.Method.CROP;
import static dev.lattice.mediaapi.internal.ThumbnailSize.Method.SCALE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Choosing the standard size: the smallest of the method at least as large as asked, as the spec says. */
class ThumbnailSizeTest {

    @Test
    void theSmallestStandardSizeOfTheMethodThatIsLargeEnough() {
        assertThat(ThumbnailSize.select(1, 1, CROP)).isEqualTo(new ThumbnailSize(32, 32, CROP));
        assertThat(ThumbnailSize.select(32, 32, CROP)).isEqualTo(new ThumbnailSize(32, 32, CROP));
        assertThat(ThumbnailSize.select(33, 20, CROP)).isEqualTo(new ThumbnailSize(96, 96, CROP));
        assertThat(ThumbnailSize.select(96, 96, SCALE)).isEqualTo(new ThumbnailSize(320, 240, SCALE));
        assertThat(ThumbnailSize.select(321, 100, SCALE)).isEqualTo(new ThumbnailSize(640, 480, SCALE));
        assertThat(ThumbnailSize.select(800, 600, SCALE)).isEqualTo(new ThumbnailSize(800, 600, SCALE));
    }

    @Test
    void aCropLargerThanEveryCropSizeGetsAScaleSizeThatIsLargeEnough() {
        assertThat(ThumbnailSize.select(200, 200, CROP)).isEqualTo(new ThumbnailSize(320, 240, SCALE));
        assertThat(ThumbnailSize.select(300, 250, CROP)).isEqualTo(new ThumbnailSize(640, 480, SCALE));
    }

    @Test
    void aRequestLargerThanEverySizeGetsTheLargest() {
        assertThat(ThumbnailSize.select(4000, 3000, SCALE)).isEqualTo(new ThumbnailSize(800, 600, SCALE));
        assertThat(ThumbnailSize.select(4000, 3000, CROP)).isEqualTo(new ThumbnailSize(800, 600, SCALE));
    }
}
