package dev.lattice.mediaapi.internal;

import static dev.lattice.mediaapi.internal.ThumbnailSize.Method.CROP;
import static dev.lattice.mediaapi.internal.ThumbnailSize.Method.SCALE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
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

    @Test
    void configuredSizesParseSortAndSelectLikeTheStandardOnes() {
        var sizes = ThumbnailSize.parseAll(List.of("1024x768-scale", " 48x48-crop", "48x48-crop", "240x240-crop"));

        assertThat(sizes)
                .containsExactly(
                        new ThumbnailSize(48, 48, CROP),
                        new ThumbnailSize(240, 240, CROP),
                        new ThumbnailSize(1024, 768, SCALE));
        assertThat(ThumbnailSize.select(sizes, 96, 96, CROP)).isEqualTo(new ThumbnailSize(240, 240, CROP));
        assertThat(ThumbnailSize.select(sizes, 320, 240, SCALE)).isEqualTo(new ThumbnailSize(1024, 768, SCALE));
        assertThat(ThumbnailSize.select(sizes, 5000, 5000, CROP)).isEqualTo(new ThumbnailSize(1024, 768, SCALE));
        assertThat(ThumbnailSize.STANDARD.stream().map(ThumbnailSize::toString))
                .containsExactly("32x32-crop", "96x96-crop", "320x240-scale", "640x480-scale", "800x600-scale");
    }

    @Test
    void badSizesAreRefused() {
        for (String bad : List.of("320x240", "0x10-crop", "10x5000-scale", "axb-crop", "320x240-stretch", "")) {
            assertThatThrownBy(() -> ThumbnailSize.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ThumbnailSize.parseAll(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
