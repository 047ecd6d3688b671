package dev.lattice.mediaapi.internal;

import static dev.lattice.mediaapi.internal.ThumbnailSize.Method.CROP;
import static dev.lattice.mediaapi.internal.ThumbnailSize.Method.SCALE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.mediaapi.internal.ThumbnailImages.Plan;
import org.junit.jupiter.api.Test;

/** The geometry of thumbnails: fit for scale, cover-then-centre for crop, never larger than the original. */
class ThumbnailPlanTest {

    @Test
    void scaleFitsInsideTheBoxKeepingTheAspectRatio() {
        assertThat(Plan.of(1000, 500, new ThumbnailSize(320, 240, SCALE)))
                .isEqualTo(new Plan(320, 160, 0, 0, 320, 160));
        assertThat(Plan.of(500, 1000, new ThumbnailSize(320, 240, SCALE)))
                .isEqualTo(new Plan(120, 240, 0, 0, 120, 240));
        assertThat(Plan.of(10000, 1, new ThumbnailSize(320, 240, SCALE))).isEqualTo(new Plan(320, 1, 0, 0, 320, 1));
    }

    @Test
    void cropCoversTheBoxAndCutsTheMiddle() {
        assertThat(Plan.of(1000, 500, new ThumbnailSize(96, 96, CROP))).isEqualTo(new Plan(192, 96, 48, 0, 96, 96));
        assertThat(Plan.of(500, 1000, new ThumbnailSize(32, 32, CROP))).isEqualTo(new Plan(32, 64, 0, 16, 32, 32));
    }

    @Test
    void neverUpscales() {
        assertThat(Plan.of(20, 10, new ThumbnailSize(320, 240, SCALE))).isEqualTo(new Plan(20, 10, 0, 0, 20, 10));
        assertThat(Plan.of(20, 10, new ThumbnailSize(32, 32, CROP))).isEqualTo(new Plan(20, 10, 0, 0, 20, 10));
        // Wider than the box but not tall enough to cover it: cut to the box's width, keep the height.
        assertThat(Plan.of(100, 20, new ThumbnailSize(96, 96, CROP))).isEqualTo(new Plan(100, 20, 2, 0, 96, 20));
    }

    @Test
    void largeImagesAreDecodedSubsampledButNeverBelowTwiceTheOutput() {
        Plan plan = Plan.of(8000, 6000, new ThumbnailSize(320, 240, SCALE));
        assertThat(plan.subsampling(8000, 6000)).isEqualTo(12);
        assertThat(Plan.of(600, 400, new ThumbnailSize(320, 240, SCALE)).subsampling(600, 400))
                .isEqualTo(1);
    }
}
