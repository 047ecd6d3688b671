package dev.lattice.mediaapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.id.UserId;
import dev.lattice.runtime.LatticeApplication;
import dev.lattice.runtime.LatticeRuntimeConfiguration;
import dev.lattice.testing.TestInfra;
import dev.lattice.testing.TestingUserApi;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The media-api as its own process runs it, over real HTTP (Reactor Netty): a chunked upload streamed to disk and
 * downloaded back, and an over-limit Content-Length refused before the body is read.
 */
class MediaApiIT {
    private static final TestingUserApi USERS = new TestingUserApi();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern CONTENT_URI =
            Pattern.compile("\\{\"content_uri\":\"mxc://media\\.test/([A-Za-z0-9_-]+)\"}");

    private static ConfigurableApplicationContext context;
    private static Path dataDir;
    private static String base;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({LatticeRuntimeConfiguration.class, MediaApiConfiguration.class})
    static class MediaApiTestApplication {
        @Bean
        UserApi userApi() {
            return USERS;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("media-api-it");
        Map<String, Object> properties = new HashMap<>(LatticeApplication.defaults());
        properties.putAll(TestInfra.latticeProperties());
        properties.put("lattice.server-name", "media.test");
        properties.put("lattice.client.port", 0);
        properties.put("lattice.client.bind-address", "127.0.0.1");
        properties.put("lattice.metrics.port", 0);
        properties.put("lattice.federation.enabled", false);
        properties.put("lattice.data-dir", dataDir.toString());
        properties.put("lattice.kafka.topic-prefix", "media-api-it-" + UUID.randomUUID() + ".");
        properties.put("lattice.kafka.partitions", 1);
        properties.put("lattice.media.max-upload-size", "4MB");
        SpringApplication application = new SpringApplication(MediaApiTestApplication.class);
        application.setDefaultProperties(properties);
        context = application.run();
        base = "http://127.0.0.1:"
                + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void aChunkedUploadIsStoredUnderTheDataDirectoryAndDownloadsIdentically() throws Exception {
        String token = USERS.login(UserId.parse("@alice:media.test"));
        byte[] bytes = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(bytes);

        // An InputStream publisher has no known length: the JDK client sends it chunked.
        HttpResponse<String> uploaded = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/_matrix/media/v3/upload?filename=big.bin"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/x-custom")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
        Matcher matcher = CONTENT_URI.matcher(uploaded.body());
        assertThat(matcher.matches()).as(uploaded.body()).isTrue();

        HttpResponse<byte[]> downloaded = HTTP.send(
                HttpRequest.newBuilder(
                                URI.create(base + "/_matrix/client/v1/media/download/media.test/" + matcher.group(1)))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(downloaded.statusCode()).isEqualTo(200);
        assertThat(downloaded.body()).isEqualTo(bytes);
        assertThat(downloaded.headers().firstValue("Content-Type")).contains("application/x-custom");
        assertThat(downloaded.headers().firstValue("Content-Disposition")).contains("attachment; filename=big.bin");
        assertThat(downloaded.headers().firstValue("Content-Length")).contains(Integer.toString(bytes.length));
        String sha256 = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        Path file = dataDir.resolve("media/content")
                .resolve(sha256.substring(0, 2))
                .resolve(sha256.substring(2, 4))
                .resolve(sha256);
        assertThat(Files.size(file)).isEqualTo(bytes.length);
    }

    @Test
    void aContentTypeThatIsNotAMimeTypeIsServedAsOctetStream() throws Exception {
        String token = USERS.login(UserId.parse("@carol:media.test"));
        HttpResponse<String> uploaded = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/_matrix/media/v3/upload"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "not a type")
                        .POST(HttpRequest.BodyPublishers.ofString("hello"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher matcher = CONTENT_URI.matcher(uploaded.body());
        assertThat(matcher.matches()).as(uploaded.body()).isTrue();
        HttpResponse<String> downloaded = HTTP.send(
                HttpRequest.newBuilder(
                                URI.create(base + "/_matrix/client/v1/media/download/media.test/" + matcher.group(1)))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(downloaded.statusCode()).isEqualTo(200);
        assertThat(downloaded.body()).isEqualTo("hello");
        assertThat(downloaded.headers().firstValue("Content-Type")).contains("application/octet-stream");
    }

    @Test
    void aContentLengthOverTheLimitIs413() throws Exception {
        String token = USERS.login(UserId.parse("@bob:media.test"));
        HttpResponse<String> refused = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/_matrix/media/v3/upload"))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5 * 1024 * 1024]))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.body()).contains("\"errcode\":\"M_TOO_LARGE\"");
    }

    @Test
    void anAsynchronousUploadFillsACreatedMediaIdOnceByItsCreatorAndWaitingDownloadsGetIt() throws Exception {
        String dave = USERS.login(UserId.parse("@dave:media.test"));
        String erin = USERS.login(UserId.parse("@erin:media.test"));
        HttpResponse<String> created = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/_matrix/media/v1/create"))
                        .header("Authorization", "Bearer " + dave)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        Matcher matcher = Pattern.compile("\"content_uri\":\"mxc://media\\.test/([A-Za-z0-9_-]+)\"")
                .matcher(created.body());
        assertThat(matcher.find()).as(created.body()).isTrue();
        assertThat(created.body()).contains("\"unused_expires_at\":");
        String mediaId = matcher.group(1);
        URI target = URI.create(base + "/_matrix/media/v3/upload/media.test/" + mediaId);
        URI download = URI.create(base + "/_matrix/client/v1/media/download/media.test/" + mediaId);

        // Before the content: a download that will not wait is 504 M_NOT_YET_UPLOADED, a thumbnail too, and a
        // timeout_ms that is not a non-negative integer is 400.
        URI thumbnail = URI.create(base + "/_matrix/client/v1/media/thumbnail/media.test/" + mediaId);
        for (URI notYetThere : List.of(
                URI.create(download + "?timeout_ms=0"),
                URI.create(download + "?timeout_ms=300"),
                URI.create(thumbnail + "?width=32&height=32&timeout_ms=0"))) {
            HttpResponse<String> notYet = get(notYetThere, erin);
            assertThat(notYet.statusCode()).as(notYetThere.toString()).isEqualTo(504);
            assertThat(notYet.body()).contains("\"errcode\":\"M_NOT_YET_UPLOADED\"");
        }
        for (String bad : List.of("abc", "-1", "1.5")) {
            HttpResponse<String> refused = get(URI.create(download + "?timeout_ms=" + bad), erin);
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(refused.body()).contains("\"errcode\":\"M_INVALID_PARAM\"");
        }

        // A download started before the content arrives waits for it.
        var waiting = HTTP.sendAsync(
                HttpRequest.newBuilder(download)
                        .header("Authorization", "Bearer " + erin)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put(target, erin, "not mine").statusCode()).isEqualTo(403);
        HttpResponse<String> uploaded = put(target, dave, "later content");
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
        HttpResponse<String> again = put(target, dave, "other content");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("M_CANNOT_OVERWRITE_MEDIA");
        assertThat(waiting.get().statusCode()).isEqualTo(200);
        assertThat(waiting.get().body()).isEqualTo("later content");
        HttpResponse<String> unknown = put(URI.create(base + "/_matrix/media/v3/upload/media.test/nope"), dave, "x");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("M_NOT_FOUND");
    }

    private static HttpResponse<String> get(URI uri, String token) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> put(URI uri, String token, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "text/plain")
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
