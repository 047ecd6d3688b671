package dev.lattice.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar lattice-load.jar …}: see {@link LoadOptions#USAGE}; {@code java -jar lattice-load.jar initial-sync …}
 * runs {@link InitialSyncBench} instead. Prints progress, a table and, last, the
 * JSON line. Exit code 0 for a clean run, 1 when a send failed or a message did not arrive exactly once, 2 for a
 * wrong command line or a failed setup.
 */
public final class LoadMain {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("media")) {
            MediaBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("initial-sync")) {
            InitialSyncBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("sliding-sync")) {
            SlidingSyncBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("memory")) {
            // memory PID...: one JSON line, the PSS and RSS of these processes and their descendants, each once
            List<Long> roots = java.util.Arrays.stream(args, 1, args.length)
                    .map(Long::valueOf)
                    .toList();
            ProcessMemory.Sample sample = new ProcessMemory(Path.of("/proc")).sample(roots);
            System.out.printf(
                    "{\"pss_mb\":%d,\"rss_mb\":%d,\"processes\":%d}%n",
                    sample.pssKb() / 1024, sample.rssKb() / 1024, sample.processes());
            return;
        }
        if (java.util.Arrays.asList(args).contains("--help")) {
            System.out.print(LoadOptions.USAGE);
            return;
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(
                    args,
                    System.getenv(),
                    HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
        } catch (IllegalArgumentException e) {
            System.err.println("lattice-load: " + e.getMessage());
            System.err.print(LoadOptions.USAGE);
            System.exit(2);
            return;
        }
        JsonMapper json = JsonMapper.builder().build();
        LoadReport report;
        try {
            report = new LoadRun(options, new MatrixClient(options.baseUrl(), json), json, System.out).run();
        } catch (IllegalStateException e) {
            System.err.println("lattice-load: " + e.getMessage());
            System.exit(2);
            return;
        }
        String line = report.jsonLine(json);
        System.out.print(report.table());
        System.out.println(line);
        if (options.jsonFile().isPresent()) {
            try {
                Files.writeString(Path.of(options.jsonFile().get()), line + "\n");
            } catch (IOException e) {
                System.err.println(
                        "lattice-load: cannot write " + options.jsonFile().get() + ": " + e);
            }
        }
        // the sync loops are still parked in long-polls: do not wait for them
        System.exit(report.clean() ? 0 : 1);
    }

    private LoadMain() {}
}
