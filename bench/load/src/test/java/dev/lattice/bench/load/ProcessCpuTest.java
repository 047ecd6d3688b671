package dev.lattice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCpuTest {
    // a real /proc/<pid>/stat line, with a command name holding a space and a parenthesis
    private static final String STAT = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 123 0 0 0 250 75 0 0 20 0 "
            + "40 0 1000 5000000 3000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 17 1 0 0 0 0 0";

    @Test
    void readsUserAndSystemTicksAndTheParent() {
        assertThat(ProcessCpu.cpuTicks(STAT)).isEqualTo(325);
        assertThat(ProcessCpu.parentPid(STAT)).isEqualTo(1);
    }

    @Test
    void aWatchedProcessCountsWithItsDirectChildren(@TempDir Path proc) throws Exception {
        stat(proc, 10, 1, 100, 50); // watched: 1.5 s
        stat(proc, 11, 10, 20, 10); // its child: 0.3 s
        stat(proc, 12, 11, 1000, 0); // a grandchild: not counted
        stat(proc, 13, 1, 1000, 0); // unrelated

        assertThat(new ProcessCpu(proc).seconds(List.of(10L))).isEqualTo(1.8);
        assertThat(new ProcessCpu(proc).seconds(List.of(99L)))
                .as("a vanished process reads 0")
                .isZero();
    }

    private static void stat(Path proc, long pid, long parent, long user, long system) throws Exception {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(
                dir.resolve("stat"),
                pid + " (p) S " + parent + " 0 0 0 -1 0 0 0 0 0 " + user + " " + system + " 0 0 20 0 1 0 0 0 0");
    }
}
