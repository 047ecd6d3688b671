package dev.lattice.bench.load;

import static java.util.Objects.requireNonNull;

import dev.lattice.bench.load.DeliveryLedger.Tally;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The outcome of a run, as a table for people and one JSON line for scripts.
 *
 * @param options what was asked
 * @param tally the exactly-once account and the latencies
 * @param syncs {@code /sync} answers the observers received
 * @param syncErrors {@code /sync} requests that failed
 * @param gapFills limited timelines whose gap was read with {@code /messages}
 * @param drainSeconds from the last send to the last delivery (or the end of {@code --drain})
 * @param toolCpuCores the tool's own CPU use over the measured window, in cores
 * @param serverCpuCores the {@code --watch-pids} processes' CPU use over the measured window; NaN without them
 */
public record LoadReport(
        LoadOptions options,
        Tally tally,
        long syncs,
        long syncErrors,
        long gapFills,
        double drainSeconds,
        double toolCpuCores,
        double serverCpuCores) {

    public LoadReport {
        requireNonNull(options, "options is null");
        requireNonNull(tally, "tally is null");
    }

    /** Acknowledged sends in the measured window per second of it. */
    public double throughput() {
        return tally.measured() / (options.duration().toNanos() / 1e9);
    }

    /** Whether the run is clean: every send answered 200 and every message reached every observer exactly once. */
    public boolean clean() {
        return tally.exactlyOnce()
                && tally.failedSends() == 0
                && tally.skippedSends() == 0
                && tally.unacknowledgedSeen() == 0;
    }

    public String table() {
        StringBuilder out = new StringBuilder();
        String mode = options.closedLoop()
                ? "max (closed loop, " + options.concurrency() + " senders)"
                : String.format(
                        Locale.ROOT,
                        "rate %.1f msg/s (open loop)",
                        options.rate().getAsDouble());
        row(out, "mode", mode);
        row(
                out,
                "users / rooms / members",
                options.users() + " / " + options.layout().rooms() + " / "
                        + options.layout().membersPerRoom());
        row(
                out,
                "warm-up + measured",
                options.warmup().toSeconds() + " s + " + options.duration().toSeconds() + " s");
        row(
                out,
                "throughput",
                String.format(
                        Locale.ROOT,
                        "%.1f msg/s (%d acknowledged in the measured window)",
                        throughput(),
                        tally.measured()));
        row(out, "sent (acknowledged)", Long.toString(tally.acknowledged()));
        row(out, "failed / skipped sends", tally.failedSends() + " / " + tally.skippedSends());
        row(out, "deliveries seen / expected", tally.delivered() + " / " + tally.expectedDeliveries());
        row(out, "missing / duplicates", tally.missing() + " / " + tally.duplicates());
        row(out, "wrong event ID / seen unacked", tally.wrongEventId() + " / " + tally.unacknowledgedSeen());
        row(out, "send→sync latency (ms)", latency(tally.syncLatency()));
        row(out, "PUT send latency (ms)", latency(tally.sendLatency()));
        row(out, "seen before PUT returned", Long.toString(tally.seenBeforeAck()));
        row(out, "syncs / errors / gap fills", syncs + " / " + syncErrors + " / " + gapFills);
        row(out, "drain after last send", String.format(Locale.ROOT, "%.1f s", drainSeconds));
        row(
                out,
                "CPU: load tool / server",
                String.format(
                        Locale.ROOT,
                        "%.2f / %.2f cores (of %d)",
                        toolCpuCores,
                        serverCpuCores,
                        Runtime.getRuntime().availableProcessors()));
        row(out, "exactly once", clean() ? "yes" : "NO");
        return out.toString();
    }

    public String jsonLine(JsonMapper json) {
        ObjectNode line = json.createObjectNode();
        line.put("mode", options.closedLoop() ? "max" : "rate");
        if (options.closedLoop()) {
            line.put("concurrency", options.concurrency());
        } else {
            line.put("target_rate", options.rate().getAsDouble());
        }
        line.put("users", options.users())
                .put("rooms", options.layout().rooms())
                .put("members", options.layout().membersPerRoom())
                .put("warmup_s", options.warmup().toSeconds())
                .put("duration_s", options.duration().toSeconds())
                .put("throughput", round(throughput()))
                .put("sent", tally.acknowledged())
                .put("measured", tally.measured())
                .put("failed", tally.failedSends())
                .put("skipped", tally.skippedSends())
                .put("expected", tally.expectedDeliveries())
                .put("seen", tally.delivered())
                .put("missing", tally.missing())
                .put("duplicates", tally.duplicates())
                .put("wrong_event_id", tally.wrongEventId())
                .put("unacknowledged_seen", tally.unacknowledgedSeen())
                .put("seen_before_ack", tally.seenBeforeAck())
                .put("syncs", syncs)
                .put("sync_errors", syncErrors)
                .put("gap_fills", gapFills)
                .put("drain_s", round(drainSeconds))
                .put("exactly_once", clean());
        cores(line, "tool_cpu_cores", toolCpuCores);
        cores(line, "server_cpu_cores", serverCpuCores);
        line.set("latency_ms", percentiles(json, tally.syncLatency()));
        line.set("send_ms", percentiles(json, tally.sendLatency()));
        return json.writeValueAsString(line);
    }

    private static void cores(ObjectNode line, String name, double cores) {
        if (Double.isNaN(cores)) {
            line.putNull(name);
        } else {
            line.put(name, round(cores));
        }
    }

    private static ObjectNode percentiles(JsonMapper json, Percentiles p) {
        return json.createObjectNode()
                .put("count", p.count())
                .put("p50", millis(p.p50()))
                .put("p90", millis(p.p90()))
                .put("p99", millis(p.p99()))
                .put("max", millis(p.max()));
    }

    private static String latency(Percentiles p) {
        return String.format(
                Locale.ROOT,
                "p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  (n=%d)",
                millis(p.p50()),
                millis(p.p90()),
                millis(p.p99()),
                millis(p.max()),
                p.count());
    }

    private static double millis(long nanos) {
        return round(nanos / 1e6);
    }

    private static double round(double value) {
        return Double.isNaN(value) ? value : Math.round(value * 100) / 100.0;
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "  %-30s %s%n", name, value));
    }
}
