package dev.lattice.allinone;

import dev.lattice.runtime.LatticeApplication;
import dev.lattice.runtime.StartupException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@code lattice} command line:
 *
 * <pre>
 * lattice run [--config FILE]                          start every service in this process
 * lattice generate-config --server-name NAME [--config FILE]
 *                                                      write a commented config and a fresh signing key
 * lattice register-user --user NAME [--password PW] [--admin] [--url URL] [--config FILE]
 *                                                      create an account on a running server
 * lattice purge-media-cache --days N --token ADMIN_TOKEN [--url URL] [--config FILE]
 *                                                      drop other servers' media cached more than N days ago
 * </pre>
 */
public final class LatticeMain {

    public static void main(String[] args) {
        String command = args.length > 0 ? args[0] : "run";
        String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
        try {
            switch (command) {
                case "run" -> run(rest);
                case "generate-config" -> ConfigGenerator.generate(rest);
                case "register-user" -> RegisterUserCommand.run(rest);
                case "purge-media-cache" -> PurgeMediaCacheCommand.run(rest);
                case "help", "--help", "-h" -> usage(0);
                default -> {
                    System.err.println("lattice: unknown command " + command);
                    usage(2);
                }
            }
        } catch (CommandLineException e) {
            System.err.println("lattice: " + e.getMessage());
            System.exit(2);
        } catch (StartupException e) {
            System.err.println("lattice: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void run(String[] args) {
        String config = option(args, "--config");
        if (config != null) {
            System.setProperty(
                    "LATTICE_CONFIG", Path.of(config).toAbsolutePath().toString());
        }
        AtomicReference<EmbeddedInfrastructure> infrastructure = new AtomicReference<>();
        AtomicReference<ConfigurableApplicationContext> context = new AtomicReference<>();
        // Our own shutdown order: the services first (consumers commit, pools drain), then the embedded servers.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            ConfigurableApplicationContext running = context.get();
                            if (running != null) {
                                running.close();
                            }
                            EmbeddedInfrastructure started = infrastructure.get();
                            if (started != null) {
                                started.close();
                            }
                        },
                        "lattice-shutdown"));

        SpringApplication application = new SpringApplication(AllInOneApplication.class);
        application.setRegisterShutdownHook(false);
        application.addListeners((ApplicationEnvironmentPreparedEvent event) ->
                infrastructure.set(EmbeddedInfrastructure.startIfNeeded(event.getEnvironment())));
        context.set(LatticeApplication.run(application, "lattice", args));
    }

    static String option(String[] args, String name) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(name)) {
                if (i + 1 >= args.length) {
                    throw new CommandLineException(name + " needs a value");
                }
                return args[i + 1];
            }
            if (args[i].startsWith(name + "=")) {
                return args[i].substring(name.length() + 1);
            }
        }
        return null;
    }

    private static void usage(int status) {
        System.out.println("""
                usage: lattice run [--config FILE]
                       lattice generate-config --server-name NAME [--config FILE]
                       lattice register-user --user NAME [--password PW] [--admin] [--url URL] [--config FILE]
                       lattice purge-media-cache --days N --token ADMIN_TOKEN [--url URL] [--config FILE]
                """);
        System.exit(status);
    }

    /** A command-line mistake, reported as one line with exit status 2. */
    static final class CommandLineException extends RuntimeException {
        CommandLineException(String message) {
            super(message);
        }
    }

    private LatticeMain() {}
}
