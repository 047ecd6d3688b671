package dev.lattice.roomserver.internal.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SizedBatchesTest {

    @Test
    void eventsAreCutIntoBatchesInOrderEachUnderTheLimit() {
        String quarter = "a".repeat(SizedBatches.MAX_CHARS / 4);
        String oversized = "b".repeat(SizedBatches.MAX_CHARS + 1);
        List<String> pdus = List.of(quarter, quarter, quarter, quarter, "c", oversized, quarter);

        List<List<String>> batches = SizedBatches.of(pdus, String::length, SizedBatches.MAX_CHARS);

        assertThat(batches)
                .as("four quarters fill one batch, the next event starts another; a longer event goes alone")
                .containsExactly(
                        List.of(quarter, quarter, quarter, quarter),
                        List.of("c"),
                        List.of(oversized),
                        List.of(quarter));
        assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(pdus);
    }

    @Test
    void nothingMakesNoBatch() {
        assertThat(SizedBatches.of(List.<String>of(), String::length, 10)).isEmpty();
    }
}
