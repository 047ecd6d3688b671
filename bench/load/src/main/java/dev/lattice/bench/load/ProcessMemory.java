package dev.lattice.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The memory of process trees on the same Linux machine (a server under test, its PostgreSQL), read from
 * {@code /proc/<pid>/smaps_rollup}: the resident set (RSS, every page the processes map, shared pages once per
 * process) and the proportional set (PSS, each shared page divided among the processes sharing it, so a sum over
 * processes counts every page once). A root counts together with all its descendants, found afresh at each sample
 * (PostgreSQL's backends come and go). Elsewhere than Linux, or for a vanished process, it reads 0.
 */
final class ProcessMemory {
    /** Kilobytes summed over a process tree, and how many processes it held. */
    record Sample(long rssKb, long pssKb, int processes) {
        Sample plus(Sample other) {
            return new Sample(rssKb + other.rssKb, pssKb + other.pssKb, processes + other.processes);
        }
    }

    private final Path proc;

    ProcessMemory(Path proc) {
        this.proc = proc;
    }

    /** The memory of {@code root} and its descendants now. */
    Sample sample(long root) {
        return sample(List.of(root));
    }

    /** The memory of these roots and their descendants now, a process under two roots counted once. */
    Sample sample(List<Long> roots) {
        long rss = 0;
        long pss = 0;
        int processes = 0;
        Map<Long, Long> parents = parents();
        Set<Long> pids = new LinkedHashSet<>();
        roots.forEach(root -> pids.addAll(tree(parents, root)));
        for (long pid : pids) {
            String rollup = read(proc.resolve(Long.toString(pid)).resolve("smaps_rollup"));
            if (rollup != null) {
                rss += kilobytes(rollup, "Rss:");
                pss += kilobytes(rollup, "Pss:");
                processes++;
            }
        }
        return new Sample(rss, pss, processes);
    }

    /** Every process's parent, from {@code /proc/<pid>/stat}. */
    private Map<Long, Long> parents() {
        Map<Long, Long> parents = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path entry : entries) {
                String stat = read(entry.resolve("stat"));
                if (stat != null) {
                    parents.put(Long.parseLong(entry.getFileName().toString()), ProcessCpu.parentPid(stat));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: the root alone
        }
        return parents;
    }

    /** {@code root} and every process below it, root first. */
    static Set<Long> tree(Map<Long, Long> parents, long root) {
        Map<Long, List<Long>> children = new HashMap<>();
        parents.forEach((pid, parent) ->
                children.computeIfAbsent(parent, p -> new ArrayList<>()).add(pid));
        Set<Long> tree = new LinkedHashSet<>();
        Deque<Long> queue = new ArrayDeque<>(List.of(root));
        while (!queue.isEmpty()) {
            long pid = queue.removeFirst();
            if (tree.add(pid)) {
                queue.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return tree;
    }

    /** The value in kB of the {@code field} line ("Pss:") of a {@code smaps_rollup}, 0 when absent. */
    static long kilobytes(String rollup, String field) {
        for (String line : rollup.split("\n")) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
