package dev.lattice.runtime.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka (KRaft, combined broker + controller) running inside this JVM, with a persistent log
 * directory.
 *
 * <ul>
 *   <li>First start formats the log directory (random cluster id, kept in {@code meta.properties}); later starts
 *       reuse it, so topics, records and committed offsets survive restarts.</li>
 *   <li>Static quorum ({@code controller.quorum.voters}, kraft.version 0): nothing about the controller address is
 *       written at format time, so the ports may differ between starts (0 = pick free ports).</li>
 *   <li>Listeners on 127.0.0.1 only, PLAINTEXT. Replication factors and min ISR of the internal topics are 1.</li>
 * </ul>
 *
 * <p>Caveat: like a standalone broker, Kafka halts the JVM ({@code Exit.halt}) on some fatal metadata/storage
 * faults (for example a log directory that becomes unwritable). In the all-in-one server that takes the whole
 * process down, which is the intended "fail fast" behaviour for a single-node deployment.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String CLEAN_SHUTDOWN_MARKER = ".kafka_cleanshutdown";

    private final Path logDirectory;
    private final int port;
    private final int controllerPort;
    private final String clusterId;
    private final boolean formatted;
    private final KafkaRaftServer server;
    private volatile boolean closed;

    private EmbeddedKafka(Builder b) throws IOException {
        this.logDirectory = b.logDirectory.toAbsolutePath().normalize();
        Files.createDirectories(logDirectory);
        int[] free = LoopbackPorts.free(2);
        this.port = b.port == 0 ? free[0] : b.port;
        this.controllerPort = b.controllerPort != 0 ? b.controllerPort : free[1] == port ? free[0] : free[1];

        Path metaProperties = logDirectory.resolve("meta.properties");
        boolean uncleanPreviousStop = false;
        if (Files.exists(metaProperties)) {
            this.clusterId = readClusterId(metaProperties);
            this.formatted = false;
            // Kafka writes this marker on clean shutdown and deletes it while starting
            uncleanPreviousStop = !Files.exists(logDirectory.resolve(CLEAN_SHUTDOWN_MARKER));
        } else {
            this.clusterId = Uuid.randomUuid().toString();
            format(clusterId);
            this.formatted = true;
        }

        Map<String, Object> props = brokerProperties(b);
        if (uncleanPreviousStop
                && b.sessionTimeoutAfterCrash != null
                && !b.overrides.containsKey("broker.session.timeout.ms")) {
            // The controller remembers the killed broker's registration as live until its session times out and
            // rejects our registration (DuplicateBrokerRegistrationException) until then: 9 s by default.
            log.warn(
                    "Kafka in {} was not shut down cleanly (JVM killed?): recovering logs; broker session timeout "
                            + "is {} ms for this run",
                    logDirectory,
                    b.sessionTimeoutAfterCrash.toMillis());
            props.put("broker.session.timeout.ms", Long.toString(b.sessionTimeoutAfterCrash.toMillis()));
        }
        KafkaConfig config = new KafkaConfig(props, false); // false: don't log the ~300-line config dump

        // KafkaRaftServer's constructor checks meta.properties/cluster id and takes the log dir lock (.lock)
        this.server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup(); // returns once the broker is registered and unfenced
        } catch (RuntimeException e) {
            shutdownQuietly();
            throw new IOException("Kafka did not start in " + logDirectory + " on " + bootstrapServers(), e);
        }
    }

    public static Builder builder(Path logDirectory) {
        return new Builder(logDirectory);
    }

    private Map<String, Object> brokerProperties(Builder b) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put(
                "listeners",
                "PLAINTEXT://" + HOST + ":" + port + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDirectory.toString());
        p.put("num.partitions", Integer.toString(b.defaultPartitions));
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("auto.create.topics.enable", Boolean.toString(b.autoCreateTopics));
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", Integer.toString(b.offsetsTopicPartitions));
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", Integer.toString(b.offsetsTopicPartitions));
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // The log cleaner (compacting __consumer_offsets) keeps a dedupe map on the heap, 128 MB by default: most of
        // the idle process's live heap. 2 MB holds about 80,000 keys per cleaning pass (24 bytes each, 90 % full); a
        // server's consumer groups commit a few thousand (group, topic, partition) keys (bench/RESULTS.md, memory at
        // rest).
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        // Thread pools sized for one server on a few cores rather than a broker of a cluster (defaults: 8 request
        // handlers per plane, 3 network threads per listener, 10 background threads, 4 group coordinator threads):
        // 25 fewer threads, their stacks and buffers (bench/RESULTS.md, memory at rest).
        p.put("num.io.threads", "2");
        p.put("num.network.threads", "2");
        p.put("background.threads", "2");
        p.put("group.coordinator.threads", "2");
        p.put("broker.heartbeat.interval.ms", "500"); // default 2000; faster unfencing at startup
        p.put("broker.session.timeout.ms", "9000"); // Kafka's default
        p.putAll(b.overrides);
        return p;
    }

    private void format(String newClusterId) throws IOException {
        // the Formatter prints a line per directory to its PrintStream: route it to our logger
        PrintStream out = new PrintStream(new LineLogger(), true, StandardCharsets.UTF_8);
        try {
            new Formatter()
                    .setPrintStream(out)
                    .setNodeId(NODE_ID)
                    .setClusterId(newClusterId)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(logDirectory.toString())
                    .addDirectory(logDirectory.toString())
                    .run(); // release version = latest production; kraft.version 0 (static voters)
            log.info("Formatted Kafka log directory {} with cluster id {}", logDirectory, newClusterId);
        } catch (Exception e) {
            throw new IOException("Could not format Kafka storage in " + logDirectory, e);
        } finally {
            out.flush();
        }
    }

    private static String readClusterId(Path metaProperties) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(metaProperties)) {
            p.load(in);
        }
        String id = p.getProperty("cluster.id");
        if (id == null || id.isBlank()) {
            throw new IOException(metaProperties + " has no cluster.id");
        }
        String node = p.getProperty("node.id");
        if (node != null && !node.equals(Integer.toString(NODE_ID))) {
            throw new IOException(metaProperties + " belongs to node " + node + ", expected " + NODE_ID);
        }
        return id;
    }

    // ---------------------------------------------------------------- accessors

    /** {@code 127.0.0.1:PORT} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public String clusterId() {
        return clusterId;
    }

    public Path logDirectory() {
        return logDirectory;
    }

    /** True if this start formatted a fresh log directory. */
    public boolean formattedOnThisStart() {
        return formatted;
    }

    // ---------------------------------------------------------------- topics

    /** Creates the topic if missing (replication factor 1). Returns true if it was created now. */
    public boolean createTopic(String name, int partitions) {
        return createTopic(name, partitions, Map.of());
    }

    public boolean createTopic(String name, int partitions, Map<String, String> topicConfig) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(topicConfig)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw new IllegalStateException("Could not create topic " + name, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out creating topic " + name, e);
        }
    }

    /** A new Admin client for this broker; the caller closes it. */
    public Admin admin() {
        Map<String, Object> c = new HashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        c.put(AdminClientConfig.CLIENT_ID_CONFIG, "lattice-embedded-kafka-admin");
        return Admin.create(c);
    }

    // ---------------------------------------------------------------- lifecycle

    /** Controlled shutdown of broker then controller; blocks until done. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        log.info("Kafka stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private void shutdownQuietly() {
        try {
            closed = true;
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Kafka shutdown after a failed start also failed", e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", cluster=" + clusterId + ", logs=" + logDirectory + "]";
    }

    /** Sends each printed line to the log at INFO. */
    private static final class LineLogger extends OutputStream {
        private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

        @Override
        public void write(int b) {
            if (b == '\n') {
                flushLine();
            } else {
                buf.write(b);
            }
        }

        @Override
        public void flush() {
            flushLine();
        }

        private void flushLine() {
            if (buf.size() > 0) {
                log.debug("format: {}", buf.toString(StandardCharsets.UTF_8).stripTrailing());
                buf.reset();
            }
        }
    }

    // ---------------------------------------------------------------- builder

    public static final class Builder {
        private final Path logDirectory;
        private int port = 0;
        private int controllerPort = 0;
        private boolean autoCreateTopics = true;
        private int defaultPartitions = 1;
        private int offsetsTopicPartitions = 5;
        private Duration sessionTimeoutAfterCrash = Duration.ofSeconds(3);
        private final Map<String, Object> overrides = new LinkedHashMap<>();

        private Builder(Path logDirectory) {
            this.logDirectory = Objects.requireNonNull(logDirectory, "logDirectory");
        }

        /** PLAINTEXT listener port on 127.0.0.1; 0 (default) = a free port. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** Controller listener port on 127.0.0.1; 0 (default) = a free port. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        /** auto.create.topics.enable (default true). */
        public Builder autoCreateTopics(boolean enable) {
            this.autoCreateTopics = enable;
            return this;
        }

        /** num.partitions for auto-created topics (default 1). */
        public Builder defaultPartitions(int n) {
            this.defaultPartitions = n;
            return this;
        }

        /**
         * Partitions of __consumer_offsets and __transaction_state (Kafka's default is 50; 5 here, which makes the
         * first consumer-group use much faster). Only takes effect when those topics are first created.
         */
        public Builder offsetsTopicPartitions(int n) {
            this.offsetsTopicPartitions = n;
            return this;
        }

        /**
         * broker.session.timeout.ms for a start that follows an unclean stop (default 3 s; null = keep 9 s). A start
         * after SIGKILL waits this long for the old registration to expire; a shorter timeout also means a JVM
         * stall longer than it fences the broker for a moment during that run.
         */
        public Builder sessionTimeoutAfterCrash(Duration d) {
            this.sessionTimeoutAfterCrash = d;
            return this;
        }

        /** Any other broker setting, e.g. {@code log.retention.hours}. */
        public Builder brokerConfig(String key, Object value) {
            overrides.put(key, value);
            return this;
        }

        public EmbeddedKafka start() throws IOException {
            return new EmbeddedKafka(this);
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
            return port;
        }
    }
}
