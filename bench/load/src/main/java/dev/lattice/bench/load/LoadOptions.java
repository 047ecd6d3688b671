package dev.lattice.bench.load;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The command line. One of {@code --rate} (open loop: messages are due at a fixed rate, for latency) or
 * {@code --max} (closed loop: {@code --concurrency} senders each send again as soon as the last answer came, for
 * throughput). See {@link #USAGE}.
 *
 * @param baseUrl the homeserver's client API, e.g. {@code http://127.0.0.1:8008}
 * @param sharedSecret the server's {@code registration.shared-secret}, for {@code /_synapse/admin/v1/register}
 * @param users how many users to register
 * @param layout who is in which room
 * @param rate messages per second across all rooms (open loop); empty for {@code --max}
 * @param concurrency senders of the closed loop
 * @param warmup how long to send before measuring
 * @param duration how long to measure
 * @param drain how long to wait after the last send for every message to reach every observer
 * @param maxInFlight open loop: sends waiting for an answer beyond which a due message is skipped (and counted)
 * @param timelineLimit the {@code room.timeline.limit} of the observers' sync filter
 * @param setupConcurrency parallel requests while registering users and filling rooms
 * @param runId tells this run's users and messages from any other on the same server
 * @param jsonFile where to write the result's JSON line as well, if anywhere
 * @param watchPids processes (with their direct children) whose CPU use over the measured window is reported
 */
public record LoadOptions(
        URI baseUrl,
        String sharedSecret,
        int users,
        RoomLayout layout,
        OptionalDouble rate,
        int concurrency,
        Duration warmup,
        Duration duration,
        Duration drain,
        int maxInFlight,
        int timelineLimit,
        int setupConcurrency,
        String runId,
        Optional<String> jsonFile,
        List<Long> watchPids) {

    public static final String USAGE = """
            usage: java -jar lattice-load.jar --base-url URL --shared-secret S (--rate MSG_PER_S | --max) [options]
              --help                  this list
              --base-url URL          client API of the server (default http://127.0.0.1:8008)
              --shared-secret S       registration shared secret (default: $LATTICE_CLIENTAPI_REGISTRATION_SHAREDSECRET)
              --users N               users to register (default 200)
              --rooms N               rooms to create (default 100)
              --members N             members per room, the sender included (default 2)
              --rate R                open loop: R messages/s across all rooms, due on a fixed schedule
              --max                   closed loop: find the sustained throughput
              --concurrency C         closed loop: senders, each waiting for its last answer (default 32)
              --warmup T              send without measuring first (default 10s)
              --duration T            measured time (default 60s)
              --drain T               after the last send, wait this long at most for deliveries (default 30s)
              --max-in-flight N       open loop: skip (and count) a due message when N sends await answers (default 2000)
              --timeline-limit N      observers' sync filter room.timeline.limit (default 50)
              --setup-concurrency N   parallel requests while registering and joining (default 8)
              --run-id ID             prefix of user names and tag of messages (default: random)
              --json FILE             also write the result's JSON line to FILE
              --watch-pids P,Q        report the CPU use of these processes and their children (Linux /proc)
            T is a number of seconds or a number with ms, s or m (500ms, 60s, 2m).
            """;

    private static final Set<String> FLAGS = Set.of("--max");

    public LoadOptions {
        requireNonNull(baseUrl, "baseUrl is null");
        requireNonNull(sharedSecret, "sharedSecret is null");
        requireNonNull(layout, "layout is null");
        requireNonNull(rate, "rate is null");
        requireNonNull(warmup, "warmup is null");
        requireNonNull(duration, "duration is null");
        requireNonNull(drain, "drain is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(jsonFile, "jsonFile is null");
        watchPids = List.copyOf(watchPids);
        if (sharedSecret.isEmpty()) {
            throw new IllegalArgumentException("--shared-secret (or LATTICE_CLIENTAPI_REGISTRATION_SHAREDSECRET) is "
                    + "needed to register users");
        }
        if (duration.isZero() || duration.isNegative() || warmup.isNegative() || drain.isNegative()) {
            throw new IllegalArgumentException("--duration must be positive, --warmup and --drain not negative");
        }
        if (concurrency < 1 || maxInFlight < 1 || setupConcurrency < 1 || timelineLimit < 1) {
            throw new IllegalArgumentException(
                    "--concurrency, --max-in-flight, --setup-concurrency and " + "--timeline-limit must be at least 1");
        }
        if (!runId.matches("[a-z0-9]{1,16}")) {
            throw new IllegalArgumentException("--run-id must be 1 to 16 of a-z and 0-9: " + runId);
        }
    }

    /** Whether this is the closed-loop throughput search. */
    public boolean closedLoop() {
        return rate.isEmpty();
    }

    /**
     * Reads the arguments; {@code environment} supplies the shared secret when {@code --shared-secret} is absent.
     *
     * @throws IllegalArgumentException with a message for the user on anything malformed, unknown or missing
     */
    public static LoadOptions parse(String[] args, Map<String, String> environment, String randomRunId) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + name);
            }
            if (FLAGS.contains(name)) {
                values.put(name, "true");
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            if (values.put(name, args[++i]) != null) {
                throw new IllegalArgumentException(name + " given twice");
            }
        }
        Set<String> known = Set.of(
                "--base-url",
                "--shared-secret",
                "--users",
                "--rooms",
                "--members",
                "--rate",
                "--max",
                "--concurrency",
                "--warmup",
                "--duration",
                "--drain",
                "--max-in-flight",
                "--timeline-limit",
                "--setup-concurrency",
                "--run-id",
                "--json",
                "--watch-pids");
        for (String name : values.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option: " + name);
            }
        }
        boolean max = values.containsKey("--max");
        if (max == values.containsKey("--rate")) {
            throw new IllegalArgumentException("give exactly one of --rate R and --max");
        }
        OptionalDouble rate = OptionalDouble.empty();
        if (!max) {
            double value = number(values, "--rate", "0");
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("--rate must be a positive number of messages per second");
            }
            rate = OptionalDouble.of(value);
        }
        int users = integer(values, "--users", 200);
        URI baseUrl;
        try {
            baseUrl = URI.create(stripSlash(values.getOrDefault("--base-url", "http://127.0.0.1:8008")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--base-url is not a URL: " + e.getMessage());
        }
        if (baseUrl.getScheme() == null || !baseUrl.getScheme().startsWith("http") || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("--base-url must be an http(s) URL: " + baseUrl);
        }
        return new LoadOptions(
                baseUrl,
                values.getOrDefault(
                        "--shared-secret", environment.getOrDefault("LATTICE_CLIENTAPI_REGISTRATION_SHAREDSECRET", "")),
                users,
                new RoomLayout(users, integer(values, "--rooms", 100), integer(values, "--members", 2)),
                rate,
                integer(values, "--concurrency", 32),
                duration(values, "--warmup", "10s"),
                duration(values, "--duration", "60s"),
                duration(values, "--drain", "30s"),
                integer(values, "--max-in-flight", 2000),
                integer(values, "--timeline-limit", 50),
                integer(values, "--setup-concurrency", 8),
                values.getOrDefault("--run-id", randomRunId),
                Optional.ofNullable(values.get("--json")),
                pids(values.getOrDefault("--watch-pids", "")));
    }

    /** {@code 90} (seconds), {@code 500ms}, {@code 60s}, {@code 2m}. */
    static Duration parseDuration(String text) {
        try {
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            if (text.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
            }
            if (text.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration (60, 60s, 500ms, 2m): " + text);
        }
    }

    private static List<Long> pids(String text) {
        List<Long> pids = new ArrayList<>();
        for (String pid : text.split(",")) {
            if (pid.isBlank()) {
                continue;
            }
            try {
                pids.add(Long.parseLong(pid.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--watch-pids must be process IDs separated by commas: " + text);
            }
        }
        return pids;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static Duration duration(Map<String, String> values, String name, String fallback) {
        try {
            return parseDuration(values.getOrDefault(name, fallback));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static int integer(Map<String, String> values, String name, int fallback) {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number: " + text);
        }
    }

    private static double number(Map<String, String> values, String name, String fallback) {
        String text = values.getOrDefault(name, fallback);
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number: " + text);
        }
    }
}
