package dev.lattice.keyserver.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.keyserver.TestingDevice;
import dev.lattice.keyserver.TestingStorage;
import dev.lattice.keyserver.storage.KeyserverDatabase;
import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Cross-signing keys and signatures against a real PostgreSQL: what is accepted, what is refused, what is shown. */
class CrossSigningIT {
    private static KeyserverDatabase devices;
    private static CrossSigning crossSigning;

    @BeforeAll
    static void start() {
        TestingStorage storage = TestingStorage.migrated((topic, key, payload) -> Mono.empty());
        devices = storage.database();
        crossSigning = storage.crossSigning();
    }

    /** An Ed25519 key whose key ID is its own public key, as cross-signing keys are named. */
    private static SigningKey crossSigningKey() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        String publicKey =
                SigningKey.fromSeed(KeyId.parse("ed25519:x"), seed).verifyKey().publicKeyBase64();
        return SigningKey.fromSeed(KeyId.parse("ed25519:" + publicKey), seed);
    }

    private static JsonObject key(UserId user, String usage, SigningKey key) {
        String publicKey = key.verifyKey().publicKeyBase64();
        return JsonObject.EMPTY
                .with("user_id", JsonString.of(user.value()))
                .with("usage", new JsonArray(List.of(JsonString.of(usage))))
                .with("keys", JsonObject.EMPTY.with("ed25519:" + publicKey, JsonString.of(publicKey)));
    }

    private static UserId newUser() {
        return UserId.parse("@cs" + UUID.randomUUID().toString().substring(0, 8) + ":test.lattice");
    }

    private static void assertRefused(Mono<?> call, ErrorCode code) {
        assertThatThrownBy(call::block)
                .isInstanceOfSatisfying(
                        MatrixException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
    }

    @Test
    void keysMustBeTheUsersWithTheirUsageAndSignedByTheMasterKey() {
        UserId user = newUser();
        SigningKey master = crossSigningKey();
        SigningKey selfSigning = crossSigningKey();
        JsonObject masterKey = key(user, "master", master);
        JsonObject unsigned = key(user, "self_signing", selfSigning);

        assertRefused(
                crossSigning.upload(
                        user,
                        JsonObject.EMPTY.with("self_signing_key", JsonSigning.sign(unsigned, user.value(), master))),
                ErrorCode.INVALID_PARAM); // no master key yet
        assertRefused(
                crossSigning.upload(
                        user, JsonObject.EMPTY.with("master_key", masterKey).with("self_signing_key", unsigned)),
                ErrorCode.INVALID_SIGNATURE);
        assertRefused(
                crossSigning.upload(user, JsonObject.EMPTY.with("master_key", key(newUser(), "master", master))),
                ErrorCode.INVALID_PARAM);
        assertRefused(
                crossSigning.upload(user, JsonObject.EMPTY.with("master_key", key(user, "self_signing", master))),
                ErrorCode.INVALID_PARAM);
        assertThat(crossSigning.keys(user).block()).isEmpty();

        crossSigning
                .upload(
                        user,
                        JsonObject.EMPTY
                                .with("master_key", masterKey)
                                .with("self_signing_key", JsonSigning.sign(unsigned, user.value(), master)))
                .block();
        assertThat(crossSigning.keys(user).block()).containsOnlyKeys("master", "self_signing");
        // A later user-signing key is checked against the stored master key.
        SigningKey userSigning = crossSigningKey();
        crossSigning
                .upload(
                        user,
                        JsonObject.EMPTY.with(
                                "user_signing_key",
                                JsonSigning.sign(key(user, "user_signing", userSigning), user.value(), master)))
                .block();
        assertThat(crossSigning.keys(user).block()).containsOnlyKeys("master", "self_signing", "user_signing");
    }

    @Test
    void signaturesOfOwnDevicesAreCheckedStoredAndShownInQueries() {
        UserId user = newUser();
        TestingDevice phone = new TestingDevice(user, DeviceId.parse("PHONE"));
        JsonObject deviceKeys = phone.deviceKeys();
        devices.store(
                        user,
                        phone.device,
                        KeyUpload.check(user, phone.device, JsonObject.EMPTY.with("device_keys", deviceKeys)),
                        0)
                .block();
        SigningKey master = crossSigningKey();
        SigningKey selfSigning = crossSigningKey();
        crossSigning
                .upload(
                        user,
                        JsonObject.EMPTY
                                .with("master_key", key(user, "master", master))
                                .with(
                                        "self_signing_key",
                                        JsonSigning.sign(key(user, "self_signing", selfSigning), user.value(), master)))
                .block();

        JsonObject bySelfSigning = JsonSigning.sign(deviceKeys, user.value(), selfSigning);
        JsonObject byStranger = JsonSigning.sign(deviceKeys, user.value(), crossSigningKey());
        JsonObject answer = crossSigning
                .uploadSignatures(
                        user,
                        JsonObject.EMPTY.with(
                                user.value(),
                                JsonObject.EMPTY.with("PHONE", bySelfSigning).with("LAPTOP", bySelfSigning)))
                .block();
        assertThat(answer.getObject("failures")
                        .orElseThrow()
                        .getObject(user.value())
                        .orElseThrow()
                        .getObject("LAPTOP")
                        .orElseThrow()
                        .getString("errcode"))
                .contains("M_NOT_FOUND");
        JsonObject refused = crossSigning
                .uploadSignatures(user, JsonObject.EMPTY.with(user.value(), JsonObject.EMPTY.with("PHONE", byStranger)))
                .block();
        assertThat(refused.getObject("failures")
                        .orElseThrow()
                        .getObject(user.value())
                        .orElseThrow()
                        .getObject("PHONE")
                        .orElseThrow()
                        .getString("errcode"))
                .contains("M_INVALID_SIGNATURE");

        CrossSigning.QueryAdditions shown = crossSigning
                .forQuery(java.util.Optional.of(user), List.of(user))
                .block();
        JsonObject merged = CrossSigning.withSignatures(user, "PHONE", deviceKeys, shown.deviceSignatures());
        assertThat(JsonSigning.signaturesOf(merged, user.value()))
                .containsKey(selfSigning.keyId().toString())
                .doesNotContainKey("ed25519:stranger");
        assertThat(JsonSigning.verify(merged, user.value(), selfSigning.verifyKey())
                        .isValid())
                .isTrue();
        assertThat(shown.masterKeys()).containsOnlyKeys(user.value());
        assertThat(CanonicalJson.encodeToString(shown.userSigningKeys().values().stream()
                        .findFirst()
                        .map(Object::toString)
                        .map(JsonString::of)
                        .orElse(JsonString.of(""))))
                .isEqualTo("\"\"");
        assertThat(Optional.ofNullable(shown.selfSigningKeys().get(user.value())))
                .isPresent();
    }
}
