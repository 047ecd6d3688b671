package dev.lattice.allinone;

import dev.lattice.allinone.LatticeMain.CommandLineException;
import dev.lattice.protocol.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * {@code lattice purge-media-cache --days N --token ADMIN_TOKEN [--url URL] [--config FILE]}: deletes other servers'
 * media cached more than N days ago (fetched again when someone asks for it), through the running server's admin API
 * ({@code POST /_synapse/admin/v1/purge_media_cache?before_ts=}), so it works the same against the all-in-one
 * process and a split deployment, and from cron. The token is a server administrator's access token.
 */
final class PurgeMediaCacheCommand {

    static void run(String[] args) {
        String days = LatticeMain.option(args, "--days");
        String token = LatticeMain.option(args, "--token");
        if (days == null || token == null) {
            throw new CommandLineException("purge-media-cache needs --days N and --token ADMIN_ACCESS_TOKEN");
        }
        long age;
        try {
            age = Long.parseLong(days);
        } catch (NumberFormatException e) {
            throw new CommandLineException("--days must be a whole number of days: " + days);
        }
        if (age < 0) {
            throw new CommandLineException("--days must not be negative");
        }
        Binder binder = Binder.get(RegisterUserCommand.environment(LatticeMain.option(args, "--config")));
        long beforeTs = System.currentTimeMillis() - Duration.ofDays(age).toMillis();
        URI uri = URI.create(RegisterUserCommand.baseUrl(args, binder)
                + "/_synapse/admin/v1/purge_media_cache?before_ts=" + beforeTs);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        JsonObject answer = RegisterUserCommand.send(
                http,
                HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.noBody()));
        System.out.println("deleted " + answer.getInteger("deleted").orElse(0L) + " cached media");
    }

    private PurgeMediaCacheCommand() {}
}
