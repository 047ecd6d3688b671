package dev.lattice.keyserver.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.Topics;
import dev.lattice.api.keyserver.DeviceKeyCounts;
import dev.lattice.api.keyserver.DeviceListChange;
import dev.lattice.keyserver.TestingDevice;
import dev.lattice.keyserver.TestingStorage;
import dev.lattice.keyserver.internal.CrossSigning;
import dev.lattice.keyserver.internal.Keys;
import dev.lattice.keyserver.storage.KeyserverDatabase;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.KnownRoutes;
import dev.lattice.runtime.http.MatrixErrorHandler;
import dev.lattice.runtime.http.MatrixRouter;
import dev.lattice.testing.TestingUserApi;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** The key endpoints through their routes, against a real PostgreSQL. */
class KeyRoutesIT {
    private static final String SERVER = "test.lattice";
    private static final String KEYS = "/_matrix/client/v3/keys/";
    private static final TestingUserApi USERS = new TestingUserApi();
    private static KeyserverDatabase database;
    private static CrossSigning crossSigning;

    private record Published(String topic, String key, byte[] payload) {}

    private static final List<Published> PUBLISHED = new CopyOnWriteArrayList<>();
    private static WebTestClient client;

    @BeforeAll
    static void start() {
        // An outbox that publishes into PUBLISHED: what keyserver.output would carry.
        TestingStorage storage = TestingStorage.migrated(
                (topic, key, payload) -> Mono.fromRunnable(() -> PUBLISHED.add(new Published(topic, key, payload))));
        database = storage.database();
        crossSigning = storage.crossSigning();
        KnownRoutes known = new KnownRoutes();
        var routes = new KeyRoutes(
                        new AccessTokens(() -> USERS, Clock.systemUTC()),
                        new JsonBodies(JsonMapper.builder().build()),
                        new Keys(
                                database,
                                crossSigning,
                                ServerName.parse(SERVER),
                                () -> null,
                                () -> null,
                                () -> null,
                                Clock.systemUTC()),
                        crossSigning)
                .routes(new MatrixRouter(known));
        client = WebTestClient.bindToRouterFunction(routes)
                .handlerStrategies(HandlerStrategies.builder()
                        .exceptionHandler(new MatrixErrorHandler(known))
                        .build())
                .configureClient()
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    private static TestingDevice newDevice() {
        return new TestingDevice(
                UserId.parse("@u" + UUID.randomUUID().toString().substring(0, 8) + ":" + SERVER),
                DeviceId.parse(
                        "D" + UUID.randomUUID().toString().substring(0, 6).toUpperCase()));
    }

    private static JsonObject post(String endpoint, String token, String body, int status) {
        byte[] answer = client.post()
                .uri(KEYS + endpoint)
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body.getBytes(StandardCharsets.UTF_8))
                .exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectBody()
                .returnResult()
                .getResponseBody();
        return CanonicalJson.parseObject(answer);
    }

    private static JsonObject post(String endpoint, String token, JsonObject body, int status) {
        return post(endpoint, token, CanonicalJson.encodeToString(body), status);
    }

    private static JsonObject oneTimeKeys(TestingDevice device, int from, int count) {
        JsonObject keys = JsonObject.EMPTY;
        for (int i = from; i < from + count; i++) {
            keys = keys.with("signed_curve25519:K" + i, device.signedKey());
        }
        return keys;
    }

    private static JsonObject query(String token, TestingDevice device) {
        return post("query", token, "{\"device_keys\": {\"" + device.user.value() + "\": []}}", 200);
    }

    private static JsonObject claimBody(TestingDevice device) {
        return JsonObject.EMPTY.with(
                "one_time_keys",
                JsonObject.EMPTY.with(
                        device.user.value(),
                        JsonObject.EMPTY.with(device.device.value(), JsonString.of("signed_curve25519"))));
    }

    @Test
    void uploadedKeysAreQueriedAndCounted() {
        TestingDevice phone = newDevice();
        String token = USERS.login(phone.user, phone.device);
        JsonObject deviceKeys = phone.deviceKeys();
        JsonObject answer = post(
                "upload",
                token,
                JsonObject.EMPTY.with("device_keys", deviceKeys).with("one_time_keys", oneTimeKeys(phone, 0, 5)),
                200);
        assertThat(answer.getObject("one_time_key_counts").orElseThrow().getInteger("signed_curve25519"))
                .contains(5L);
        // An empty upload answers the counts too (clients poll them this way).
        assertThat(post("upload", token, "{}", 200)
                        .getObject("one_time_key_counts")
                        .orElseThrow()
                        .getInteger("signed_curve25519"))
                .contains(5L);

        TestingDevice bob = newDevice();
        String bobs = USERS.login(bob.user, bob.device);
        JsonObject result = query(bobs, phone);
        assertThat(result.getObject("device_keys")
                        .flatMap(users -> users.getObject(phone.user.value()))
                        .flatMap(devices -> devices.getObject(phone.device.value())))
                .contains(deviceKeys);
        assertThat(result.getObject("failures")).contains(JsonObject.EMPTY);
        // A user of another server: listed in failures, not an error.
        JsonObject remote = post("query", bobs, "{\"device_keys\": {\"@x:elsewhere.example\": []}}", 200);
        assertThat(remote.getObject("failures").orElseThrow().get("elsewhere.example"))
                .isPresent();
    }

    @Test
    void newOrChangedDeviceKeysAreAnnouncedOnKeyserverOutputOnce() {
        TestingDevice phone = newDevice();
        String token = USERS.login(phone.user, phone.device);
        JsonObject deviceKeys = phone.deviceKeys();
        post("upload", token, JsonObject.EMPTY.with("device_keys", deviceKeys), 200);
        assertThat(announced(phone)).hasSize(1);
        DeviceListChange change = BusJson.decode(announced(phone).getFirst().payload(), DeviceListChange.class);
        assertThat(change.userId()).isEqualTo(phone.user);
        assertThat(change.deviceId()).contains(phone.device);
        assertThat(change.deleted()).isFalse();
        // The same keys again (clients re-upload) announce nothing; one-time keys alone neither.
        post("upload", token, JsonObject.EMPTY.with("device_keys", deviceKeys), 200);
        post("upload", token, JsonObject.EMPTY.with("one_time_keys", oneTimeKeys(phone, 0, 2)), 200);
        assertThat(announced(phone)).hasSize(1);
    }

    private static List<Published> announced(TestingDevice device) {
        return PUBLISHED.stream()
                .filter(record -> record.topic().equals(Topics.KEYSERVER_OUTPUT)
                        && record.key().equals(device.user.toString()))
                .toList();
    }

    @Test
    void aOneTimeKeyIdIsIdempotentForTheSameKeyAndRefusedForAnother() {
        TestingDevice phone = newDevice();
        String token = USERS.login(phone.user, phone.device);
        JsonObject keys = oneTimeKeys(phone, 0, 2);
        post(
                "upload",
                token,
                JsonObject.EMPTY.with("device_keys", phone.deviceKeys()).with("one_time_keys", keys),
                200);
        assertThat(post("upload", token, JsonObject.EMPTY.with("one_time_keys", keys), 200)
                        .getObject("one_time_key_counts")
                        .orElseThrow()
                        .getInteger("signed_curve25519"))
                .contains(2L);
        // K1 again with another key, beside a new K9: refused, and K9 is not stored either.
        JsonObject conflicting = oneTimeKeys(phone, 1, 1).with("signed_curve25519:K9", phone.signedKey());
        assertThat(post("upload", token, JsonObject.EMPTY.with("one_time_keys", conflicting), 400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");
        assertThat(database.deviceKeyCounts(phone.user, phone.device).block().oneTimeKeyCounts())
                .containsEntry("signed_curve25519", 2L);
    }

    @Test
    void badUploadsAreRefusedAndStoreNothing() {
        TestingDevice phone = newDevice();
        String token = USERS.login(phone.user, phone.device);
        // Device keys of another device, of another user, or badly signed.
        TestingDevice laptop = new TestingDevice(phone.user, DeviceId.parse("LAPTOP"));
        assertThat(post("upload", token, JsonObject.EMPTY.with("device_keys", laptop.deviceKeys()), 400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");
        JsonObject tampered = phone.deviceKeys().with("algorithms", JsonObject.EMPTY);
        assertThat(post("upload", token, JsonObject.EMPTY.with("device_keys", tampered), 400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");
        assertThat(post("upload", token, "{\"one_time_keys\": {\"signed_curve25519:A\": 1.5}}", 400)
                        .getString("errcode"))
                .contains("M_BAD_JSON");
        assertThat(post("upload", token, "not json", 400).getString("errcode")).contains("M_NOT_JSON");
        // Too many one-time keys in one request, and a signature that is not base64 (checked against the device keys
        // of the same upload, which are then not stored either).
        assertThat(post("upload", token, JsonObject.EMPTY.with("one_time_keys", oneTimeKeys(phone, 0, 1001)), 400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");
        JsonObject badBase64 = JsonObject.EMPTY.with(
                "signed_curve25519:B64",
                phone.signedKey()
                        .with(
                                "signatures",
                                CanonicalJson.parseObject("{\"" + phone.user.value() + "\": {\"ed25519:"
                                        + phone.device.value() + "\": \"!!not base64!!\"}}")));
        assertThat(post(
                                "upload",
                                token,
                                JsonObject.EMPTY
                                        .with("device_keys", phone.deviceKeys())
                                        .with("one_time_keys", badBase64),
                                400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");
        assertThat(database.deviceKeyCounts(phone.user, phone.device).block().oneTimeKeyCounts())
                .isEmpty();
        assertThat(post("upload", "no-such-token", "{}", 401).getString("errcode"))
                .contains("M_UNKNOWN_TOKEN");
        TestingDevice bob = newDevice();
        assertThat(query(USERS.login(bob.user, bob.device), phone)
                        .getObject("device_keys")
                        .flatMap(users -> users.getObject(phone.user.value())))
                .contains(JsonObject.EMPTY);
        assertThat(post("query", token, "{\"device_keys\": {\"not-a-user\": []}}", 400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");
        assertThat(post("claim", token, "{}", 400).getString("errcode")).contains("M_MISSING_PARAM");
    }

    @Test
    void aClaimTakesAKeyOnceAndThenTheFallbackKey() {
        TestingDevice phone = newDevice();
        String token = USERS.login(phone.user, phone.device);
        JsonObject fallback = phone.signedKey();
        post(
                "upload",
                token,
                JsonObject.EMPTY
                        .with("device_keys", phone.deviceKeys())
                        .with("one_time_keys", oneTimeKeys(phone, 0, 1))
                        .with("fallback_keys", JsonObject.EMPTY.with("signed_curve25519:FB", fallback)),
                200);
        // What /sync reports: one-time key counts and unused fallback keys.
        assertThat(database.deviceKeyCounts(phone.user, phone.device).block())
                .isEqualTo(new DeviceKeyCounts(Map.of("signed_curve25519", 1L), List.of("signed_curve25519")));
        TestingDevice bob = newDevice();
        String bobs = USERS.login(bob.user, bob.device);

        JsonObject first = claimed(post("claim", bobs, claimBody(phone), 200), phone);
        assertThat(first.members()).containsOnlyKeys("signed_curve25519:K0");
        JsonObject second = claimed(post("claim", bobs, claimBody(phone), 200), phone);
        assertThat(second).isEqualTo(JsonObject.EMPTY.with("signed_curve25519:FB", fallback));
        assertThat(database.deviceKeyCounts(phone.user, phone.device).block())
                .isEqualTo(new DeviceKeyCounts(Map.of(), List.of()));
        // The fallback key stays for later claims.
        assertThat(claimed(post("claim", bobs, claimBody(phone), 200), phone)).isEqualTo(second);
        // Counts read before an upload (remembered in the only process) do not outlive it.
        assertThat(database.deviceKeyCounts(phone.user, phone.device).block().oneTimeKeyCounts())
                .isEmpty();
        post("upload", token, JsonObject.EMPTY.with("one_time_keys", oneTimeKeys(phone, 5, 2)), 200);
        assertThat(database.deviceKeyCounts(phone.user, phone.device).block())
                .isEqualTo(new DeviceKeyCounts(Map.of("signed_curve25519", 2L), List.of()));
        // A device with no keys at all is left out of the answer.
        TestingDevice empty = newDevice();
        assertThat(post("claim", bobs, claimBody(empty), 200).getObject("one_time_keys"))
                .contains(JsonObject.EMPTY);
    }

    @Test
    void twentyConcurrentClaimsOfTenKeysGiveTenDistinctKeysAndTenFallbacks() throws Exception {
        TestingDevice phone = newDevice();
        String token = USERS.login(phone.user, phone.device);
        post(
                "upload",
                token,
                JsonObject.EMPTY
                        .with("device_keys", phone.deviceKeys())
                        .with("one_time_keys", oneTimeKeys(phone, 0, 10))
                        .with("fallback_keys", JsonObject.EMPTY.with("signed_curve25519:FB", phone.signedKey())),
                200);
        String claimer = USERS.login(newDevice().user, DeviceId.parse("CLAIMER"));
        List<Callable<String>> claims = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            claims.add(() -> claimed(post("claim", claimer, claimBody(phone), 200), phone)
                    .members()
                    .keySet()
                    .iterator()
                    .next());
        }
        List<String> keyIds = new java.util.ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            for (Future<String> claim : pool.invokeAll(claims)) {
                keyIds.add(claim.get());
            }
        }
        Set<String> oneTime = new HashSet<>(keyIds);
        oneTime.remove("signed_curve25519:FB");
        assertThat(oneTime).hasSize(10);
        assertThat(keyIds.stream().filter("signed_curve25519:FB"::equals)).hasSize(10);
        assertThat(database.deviceKeyCounts(phone.user, phone.device).block().oneTimeKeyCounts())
                .isEmpty();
    }

    @Test
    void aDeviceUploadingWhileOthersClaimLosesNoKeyAndNoKeyGoesTwice() throws Exception {
        TestingDevice phone = newDevice();
        String token = USERS.login(phone.user, phone.device);
        post("upload", token, JsonObject.EMPTY.with("device_keys", phone.deviceKeys()), 200);
        String claimer = USERS.login(newDevice().user, DeviceId.parse("CLAIMER"));
        List<Callable<List<String>>> work = new java.util.ArrayList<>();
        // the device uploads 10 batches of 10 keys while 10 claimers each claim 5 times
        work.add(() -> {
            for (int batch = 0; batch < 10; batch++) {
                post("upload", token, JsonObject.EMPTY.with("one_time_keys", oneTimeKeys(phone, batch * 10, 10)), 200);
            }
            return List.of();
        });
        for (int i = 0; i < 10; i++) {
            work.add(() -> {
                List<String> got = new java.util.ArrayList<>();
                for (int n = 0; n < 5; n++) {
                    JsonObject answer = post("claim", claimer, claimBody(phone), 200);
                    answer.getObject("one_time_keys")
                            .flatMap(users -> users.getObject(phone.user.value()))
                            .flatMap(devices -> devices.getObject(phone.device.value()))
                            .ifPresent(key -> got.addAll(key.members().keySet()));
                }
                return got;
            });
        }
        List<String> claimedIds = new java.util.ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(work.size())) {
            for (Future<List<String>> done : pool.invokeAll(work)) {
                claimedIds.addAll(done.get());
            }
        }
        assertThat(new HashSet<>(claimedIds)).hasSameSizeAs(claimedIds);
        long left = database.deviceKeyCounts(phone.user, phone.device)
                .block()
                .oneTimeKeyCounts()
                .getOrDefault("signed_curve25519", 0L);
        assertThat(claimedIds.size() + left).isEqualTo(100);
    }

    private static JsonObject claimed(JsonObject answer, TestingDevice device) {
        return answer.getObject("one_time_keys")
                .flatMap(users -> users.getObject(device.user.value()))
                .flatMap(devices -> devices.getObject(device.device.value()))
                .orElseThrow(() -> new AssertionError("no key claimed in " + answer));
    }
}
