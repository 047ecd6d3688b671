package dev.lattice.allinone;

import dev.lattice.allinone.LatticeMain.CommandLineException;
import dev.lattice.api.clientapi.SharedSecretMac;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.io.Console;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

/**
 * {@code lattice register-user --user NAME [--password PW] [--admin] [--url URL] [--config FILE]}: creates an account
 * on a running server through the shared-secret admin registration, as Synapse's {@code register_new_matrix_user}
 * does, so it works the same against the all-in-one process and a split deployment. The secret is
 * {@code lattice.client-api.registration.shared-secret}, from the config file or the environment.
 */
final class RegisterUserCommand {
    private static final String PATH = "/_synapse/admin/v1/register";

    static void run(String[] args) {
        String user = LatticeMain.option(args, "--user");
        if (user == null) {
            throw new CommandLineException("register-user needs --user NAME");
        }
        boolean admin = java.util.Arrays.asList(args).contains("--admin");
        StandardEnvironment environment = environment(LatticeMain.option(args, "--config"));
        Binder binder = Binder.get(environment);
        String secret = binder.bind("lattice.client-api.registration.shared-secret", String.class)
                .orElse("");
        if (secret.isBlank()) {
            throw new CommandLineException("no shared secret: set lattice.client-api.registration.shared-secret in "
                    + "lattice.yaml (generate-config writes one) or LATTICE_CLIENTAPI_REGISTRATION_SHAREDSECRET");
        }
        String url = baseUrl(args, binder);
        String password = LatticeMain.option(args, "--password");
        if (password == null) {
            password = askPassword();
        }
        System.out.println("registered " + register(url, secret, user, password, admin));
    }

    /** {@code --url}, else the client listener of the configuration on localhost. */
    static String baseUrl(String[] args, Binder binder) {
        String url = LatticeMain.option(args, "--url");
        return url != null
                ? url
                : "http://localhost:"
                        + binder.bind("lattice.client.port", Integer.class).orElse(8008);
    }

    static StandardEnvironment environment(String configOption) {
        StandardEnvironment environment = new StandardEnvironment();
        Path config = Path.of(
                configOption != null ? configOption : System.getenv().getOrDefault("LATTICE_CONFIG", "lattice.yaml"));
        if (Files.exists(config)) {
            try {
                for (PropertySource<?> source :
                        new YamlPropertySourceLoader().load(config.toString(), new FileSystemResource(config))) {
                    environment.getPropertySources().addLast(source);
                }
            } catch (IOException | RuntimeException e) {
                throw new CommandLineException("cannot read the configuration " + config + ": " + e.getMessage());
            }
        }
        return environment;
    }

    private static String askPassword() {
        Console console = System.console();
        if (console == null) {
            throw new CommandLineException("register-user needs --password when not run in a terminal");
        }
        char[] first = console.readPassword("Password: ");
        char[] second = console.readPassword("Again: ");
        if (first == null || !java.util.Arrays.equals(first, second)) {
            throw new CommandLineException("the passwords do not match");
        }
        return new String(first);
    }

    /** The two-step exchange: a fresh nonce, then the account with the MAC over it. Returns the new user ID. */
    static String register(String baseUrl, String secret, String user, String password, boolean admin) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        JsonObject nonceAnswer =
                send(http, HttpRequest.newBuilder(URI.create(baseUrl + PATH)).GET());
        String nonce = nonceAnswer
                .getString("nonce")
                .orElseThrow(() -> new CommandLineException("the server sent no nonce: " + nonceAnswer));
        JsonObject body = JsonObject.of(Map.of(
                "nonce", JsonString.of(nonce),
                "username", JsonString.of(user),
                "password", JsonString.of(password),
                "admin", JsonBool.of(admin),
                "mac", JsonString.of(SharedSecretMac.compute(secret, nonce, user, password, admin, null))));
        JsonObject created = send(
                http,
                HttpRequest.newBuilder(URI.create(baseUrl + PATH))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(CanonicalJson.encode(body))));
        return created.getString("user_id")
                .orElseThrow(() -> new CommandLineException("unexpected answer: " + created));
    }

    static JsonObject send(HttpClient http, HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response =
                    http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonObject answer = CanonicalJson.parseObject(response.body());
            if (response.statusCode() != 200) {
                throw new CommandLineException("the server refused: " + response.statusCode() + " "
                        + answer.getString("errcode").orElse("") + " "
                        + answer.getString("error").orElse(""));
            }
            return answer;
        } catch (IOException e) {
            throw new CommandLineException("cannot reach the server: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandLineException("interrupted");
        } catch (RuntimeException e) {
            if (e instanceof CommandLineException) {
                throw e;
            }
            throw new CommandLineException("the server answered something unexpected: " + e.getMessage());
        }
    }

    private RegisterUserCommand() {}
}
