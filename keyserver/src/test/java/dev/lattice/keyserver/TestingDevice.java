package dev.lattice.keyserver;

import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.UnpaddedBase64;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.security.SecureRandom;
import java.util.List;

/**
 * A client device with a real Ed25519 identity key, producing what a client uploads: self-signed device keys and
 * signed one-time keys, as the Olm library would (the curve25519 keys are random bytes: the server never uses them).
 */
public final class TestingDevice {
    private static final SecureRandom RANDOM = new SecureRandom();

    public final UserId user;
    public final DeviceId device;
    public final SigningKey identity;

    public TestingDevice(UserId user, DeviceId device) {
        this.user = user;
        this.device = device;
        byte[] seed = new byte[32];
        RANDOM.nextBytes(seed);
        this.identity = SigningKey.fromSeed(KeyId.ed25519(device.value()), seed);
    }

    /** The {@code device_keys} object, signed by the device's identity key. */
    public JsonObject deviceKeys() {
        JsonObject keys = JsonObject.EMPTY
                .with("user_id", JsonString.of(user.value()))
                .with("device_id", JsonString.of(device.value()))
                .with(
                        "algorithms",
                        new JsonArray(List.of(
                                JsonString.of("m.olm.v1.curve25519-aes-sha2"), JsonString.of("m.megolm.v1.aes-sha2"))))
                .with(
                        "keys",
                        JsonObject.EMPTY
                                .with("curve25519:" + device.value(), JsonString.of(randomKey()))
                                .with(
                                        "ed25519:" + device.value(),
                                        JsonString.of(identity.verifyKey().publicKeyBase64())));
        return JsonSigning.sign(keys, user.value(), identity);
    }

    /** A {@code signed_curve25519} one-time (or fallback) key object, signed by the device. */
    public JsonObject signedKey() {
        return JsonSigning.sign(JsonObject.EMPTY.with("key", JsonString.of(randomKey())), user.value(), identity);
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return UnpaddedBase64.encode(key);
    }
}
