package dev.lattice.keyserver.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What another server answers is kept only where it is about what was asked of it. */
class KeysTest {
    private static final UserId BOB = UserId.parse("@bob:remote.test");
    private static final UserId CAROL = UserId.parse("@carol:remote.test");

    @Test
    void aServersKeysAreKeptOnlyForTheAskedUsersAndDevicesTheyName() {
        JsonObject answer = CanonicalJson.parseObject("""
                {"device_keys": {
                   "@bob:remote.test": {
                     "PHONE": {"user_id": "@bob:remote.test", "device_id": "PHONE", "keys": {}},
                     "LAPTOP": {"user_id": "@bob:remote.test", "device_id": "LAPTOP", "keys": {}},
                     "FORGED": {"user_id": "@bob:remote.test", "device_id": "OTHER", "keys": {}}},
                   "@carol:remote.test": {
                     "TABLET": {"user_id": "@alice:here.test", "device_id": "TABLET", "keys": {}}},
                   "@mallory:remote.test": {
                     "X": {"user_id": "@mallory:remote.test", "device_id": "X", "keys": {}}}},
                 "master_keys": {
                   "@bob:remote.test": {"user_id": "@bob:remote.test", "usage": ["master"], "keys": {}},
                   "@carol:remote.test": {"user_id": "@bob:remote.test", "usage": ["master"], "keys": {}}},
                 "self_signing_keys": {"@mallory:remote.test": {"user_id": "@mallory:remote.test"}}}""");

        JsonObject kept = Keys.keysFromServer(Map.of(BOB, List.of(), CAROL, List.of()), answer)
                .toJson(Keys.DEVICE_KEYS, Keys.MASTER_KEYS, Keys.SELF_SIGNING_KEYS);

        assertThat(kept.getObject("device_keys").orElseThrow().members().keySet())
                .containsExactly("@bob:remote.test", "@carol:remote.test");
        assertThat(kept.getObject("device_keys")
                        .flatMap(users -> users.getObject("@bob:remote.test"))
                        .orElseThrow()
                        .members()
                        .keySet())
                .containsExactly("LAPTOP", "PHONE");
        assertThat(kept.getObject("device_keys")
                        .flatMap(users -> users.getObject("@carol:remote.test"))
                        .orElseThrow()
                        .members())
                .isEmpty();
        assertThat(kept.getObject("master_keys").orElseThrow().members().keySet())
                .containsExactly("@bob:remote.test");
        assertThat(kept.getObject("self_signing_keys").orElseThrow().members()).isEmpty();

        JsonObject onlyPhone = Keys.keysFromServer(Map.of(BOB, List.of(DeviceId.parse("PHONE"))), answer)
                .toJson(Keys.DEVICE_KEYS);
        assertThat(onlyPhone
                        .getObject("device_keys")
                        .flatMap(users -> users.getObject("@bob:remote.test"))
                        .orElseThrow()
                        .members()
                        .keySet())
                .containsExactly("PHONE");
    }

    @Test
    void aServersClaimAnswerGivesOneKeyPerClaimedDeviceOnly() {
        JsonObject answer = CanonicalJson.parseObject("""
                {"one_time_keys": {
                   "@bob:remote.test": {
                     "PHONE": {"signed_curve25519:AAA": {"key": "k"}},
                     "LAPTOP": {"signed_curve25519:BBB": {"key": "k"}},
                     "TWO": {"signed_curve25519:C": {"key": "k"}, "signed_curve25519:D": {"key": "k"}}}}}""");
        List<Keys.Claim> claims = List.of(
                new Keys.Claim(BOB, DeviceId.parse("PHONE"), "signed_curve25519"),
                new Keys.Claim(BOB, DeviceId.parse("TWO"), "signed_curve25519"),
                new Keys.Claim(CAROL, DeviceId.parse("TABLET"), "signed_curve25519"));

        JsonObject kept = Keys.claimsFromServer(claims, answer).toJson(Keys.ONE_TIME_KEYS);

        assertThat(kept.getObject("one_time_keys").orElseThrow().members().keySet())
                .containsExactly("@bob:remote.test");
        assertThat(kept.getObject("one_time_keys")
                        .flatMap(users -> users.getObject("@bob:remote.test"))
                        .orElseThrow()
                        .members()
                        .keySet())
                .containsExactly("PHONE");
    }

    @Test
    void theTimeoutForOtherServersIsTheRequestsWithinAMinute() {
        assertThat(Keys.remoteTimeout(JsonObject.EMPTY)).isEqualTo(Duration.ofSeconds(10));
        assertThat(Keys.remoteTimeout(CanonicalJson.parseObject("{\"timeout\": 2500}")))
                .isEqualTo(Duration.ofMillis(2500));
        assertThat(Keys.remoteTimeout(CanonicalJson.parseObject("{\"timeout\": 99999999}")))
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(Keys.remoteTimeout(CanonicalJson.parseObject("{\"timeout\": -5}")))
                .isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> Keys.remoteTimeout(CanonicalJson.parseObject("{\"timeout\": \"soon\"}")))
                .isInstanceOf(MatrixException.class)
                .hasMessageContaining("timeout");
    }
}
