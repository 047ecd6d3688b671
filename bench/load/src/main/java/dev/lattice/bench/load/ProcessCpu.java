package dev.lattice.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time of other processes on the same Linux machine (the server under test and its PostgreSQL), read from
 * {@code /proc/<pid>/stat}, so a report can say whether the server or the tool used the cores. A watched process
 * counts together with its direct children (PostgreSQL's backends are children of the postmaster). Elsewhere than
 * Linux, or for a vanished process, it reads 0.
 */
final class ProcessCpu {
    /** USER_HZ: the unit of {@code /proc} CPU times, 100 on every mainstream Linux architecture. */
    static final double TICKS_PER_SECOND = 100.0;

    private final Path proc;

    ProcessCpu(Path proc) {
        this.proc = proc;
    }

    /** CPU seconds used so far by {@code pids} and their direct children. */
    double seconds(List<Long> pids) {
        long ticks = 0;
        for (long pid : pids) {
            ticks += ticks(pid);
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path entry : entries) {
                String stat = read(entry.resolve("stat"));
                if (stat != null && pids.contains(parentPid(stat))) {
                    ticks += cpuTicks(stat);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: nothing to add
        }
        return ticks / TICKS_PER_SECOND;
    }

    private long ticks(long pid) {
        String stat = read(proc.resolve(Long.toString(pid)).resolve("stat"));
        return stat == null ? 0 : cpuTicks(stat);
    }

    /** utime + stime (fields 14 and 15) of a {@code /proc/<pid>/stat} line. */
    static long cpuTicks(String stat) {
        String[] fields = afterCommand(stat);
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The parent PID (field 4) of a {@code /proc/<pid>/stat} line. */
    static long parentPid(String stat) {
        return Long.parseLong(afterCommand(stat)[1]);
    }

    /** The fields after the command name, which is in parentheses and may itself hold spaces and parentheses. */
    private static String[] afterCommand(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
