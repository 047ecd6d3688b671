package dev.lattice.runtime;

import dev.lattice.runtime.http.PortInUseException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts a Lattice process (one service, or all of them) with the defaults every process shares, and turns start-up
 * failures an operator can fix (a taken port, an unreadable config or key) into one clear line instead of a stack
 * trace.
 */
public final class LatticeApplication {

    /** Defaults under any {@code lattice.yaml} and environment variable. */
    public static Map<String, Object> defaults() {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("spring.config.import", "optional:file:${LATTICE_CONFIG:./lattice.yaml}");
        defaults.put("server.port", "${lattice.client.port:8008}");
        defaults.put("server.address", "${lattice.client.bind-address:0.0.0.0}");
        defaults.put("management.server.port", "${lattice.metrics.port:9008}");
        defaults.put("management.server.address", "${lattice.metrics.bind-address:127.0.0.1}");
        defaults.put("management.endpoints.web.base-path", "/");
        defaults.put("management.endpoints.web.exposure.include", "health,prometheus");
        defaults.put("management.endpoints.web.path-mapping.prometheus", "metrics");
        defaults.put("management.metrics.tags.application", "${spring.application.name:lattice}");
        defaults.put("spring.main.banner-mode", "off");
        // Reactor Netty's shared event loops wait 2 s for late tasks when they stop, after the listeners have
        // stopped taking requests: two of the few seconds a stop took (bench/RESULTS.md).
        defaults.put("spring.reactor.netty.shutdown-quiet-period", "0s");
        defaults.put("logging.level.org.apache.kafka", "WARN");
        defaults.put("logging.level.kafka", "WARN");
        defaults.put("logging.level.state.change.logger", "WARN");
        defaults.put("logging.level.org.flywaydb", "WARN");
        defaults.put("logging.level.io.zonky", "WARN");
        // Start-up failures are reported by run() as one line.
        defaults.put("logging.level.org.springframework.boot.SpringApplication", "OFF");
        defaults.put("logging.level.org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter", "OFF");
        return defaults;
    }

    /**
     * Runs {@code application} as the process {@code name} (its metrics tag); on failure prints
     * {@code lattice: <reason>} to stderr and exits with status 1.
     */
    public static ConfigurableApplicationContext run(SpringApplication application, String name, String[] args) {
        Map<String, Object> defaults = defaults();
        defaults.put("spring.application.name", name);
        application.setDefaultProperties(defaults);
        silenceFailureStackTraces();
        try {
            return application.run(args);
        } catch (RuntimeException e) {
            System.err.println("lattice: " + explain(e));
            System.exit(1);
            throw e;
        }
    }

    /**
     * A failure while the configuration is read comes before Spring Boot applies our log levels, so the logger that
     * would print its stack trace is switched off here; {@link #run} prints the one line instead.
     */
    private static void silenceFailureStackTraces() {
        for (String name : List.of(
                "org.springframework.boot.SpringApplication",
                "org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter")) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
                logger.setLevel(ch.qos.logback.classic.Level.OFF);
            }
        }
    }

    /** The operator-facing reason for a start-up failure. */
    public static String explain(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PortInUseException || cause instanceof StartupException) {
                return cause.getMessage();
            }
            if (cause instanceof BindException) {
                return "a port is already in use: " + cause.getMessage()
                        + " (set lattice.client.port / lattice.federation.port / lattice.metrics.port)";
            }
            if (cause instanceof NoSuchFileException || cause instanceof AccessDeniedException) {
                return "cannot read " + cause.getMessage();
            }
            if (cause instanceof org.springframework.boot.web.server.PortInUseException taken) {
                return "port " + taken.getPort()
                        + " is already in use (set lattice.client.port or lattice.metrics.port)";
            }
            if (cause.getClass().getName().contains("yaml")
                    || cause.getClass().getName().contains("Yaml")) {
                return "cannot read the configuration: " + firstLine(cause.getMessage());
            }
        }
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return firstLine(root.getMessage() != null ? root.getMessage() : root.toString());
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private LatticeApplication() {}
}
