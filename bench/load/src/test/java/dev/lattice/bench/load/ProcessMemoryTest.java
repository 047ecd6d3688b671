package dev.lattice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessMemoryTest {
    // the start of a real /proc/<pid>/smaps_rollup
    private static final String ROLLUP = "55d0c0a00000-7ffd3a5fe000 ---p 00000000 00:00 0    [rollup]\n"
            + "Rss:              524288 kB\n"
            + "Pss:              400000 kB\n"
            + "Pss_Dirty:        390000 kB\n"
            + "Shared_Clean:      10000 kB\n";

    @Test
    void readsRssAndPssInKilobytes() {
        assertThat(ProcessMemory.kilobytes(ROLLUP, "Rss:")).isEqualTo(524288);
        assertThat(ProcessMemory.kilobytes(ROLLUP, "Pss:")).isEqualTo(400000);
        assertThat(ProcessMemory.kilobytes(ROLLUP, "Swap:")).isZero();
    }

    @Test
    void aTreeHoldsEveryDescendant() {
        assertThat(ProcessMemory.tree(Map.of(10L, 1L, 11L, 10L, 12L, 11L, 13L, 1L), 10))
                .containsExactly(10L, 11L, 12L);
    }

    @Test
    void aRootCountsWithAllItsDescendants(@TempDir Path proc) throws Exception {
        process(proc, 10, 1, 1000, 800); // the root
        process(proc, 11, 10, 100, 50); // its child
        process(proc, 12, 11, 10, 5); // a grandchild: counted too
        process(proc, 13, 1, 99999, 99999); // unrelated

        assertThat(new ProcessMemory(proc).sample(10)).isEqualTo(new ProcessMemory.Sample(1110, 855, 3));
        assertThat(new ProcessMemory(proc).sample(99))
                .as("a vanished process reads 0")
                .isEqualTo(new ProcessMemory.Sample(0, 0, 0));
    }

    @Test
    void aProcessUnderTwoRootsCountsOnce(@TempDir Path proc) throws Exception {
        process(proc, 10, 1, 1000, 800); // a server
        process(proc, 11, 10, 100, 50); // its PostgreSQL, started by it
        process(proc, 20, 1, 10, 5); // another root

        assertThat(new ProcessMemory(proc).sample(List.of(10L, 11L, 20L)))
                .isEqualTo(new ProcessMemory.Sample(1110, 855, 3));
    }

    private static void process(Path proc, long pid, long parent, long rss, long pss) throws Exception {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (p) S " + parent + " 0 0 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 0 0 0");
        Files.writeString(dir.resolve("smaps_rollup"), "Rss: " + rss + " kB\nPss: " + pss + " kB\n");
    }
}
