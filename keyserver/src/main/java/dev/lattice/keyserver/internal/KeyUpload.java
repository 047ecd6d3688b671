package dev.lattice.keyserver.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SignatureCheck;
import dev.lattice.protocol.crypto.UnpaddedBase64;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code POST /keys/upload} body, checked: what a device may store about itself. Pure: no storage, no clock.
 *
 * <p>Device keys must name the uploading user and device, list their algorithms, hold an {@code ed25519} and a
 * {@code curve25519} key for the device, and carry the device's own signature by that {@code ed25519} key, as the spec
 * requires ("Device keys ... MUST be signed by the device's ed25519 key"); otherwise 400 {@code M_INVALID_PARAM} and
 * nothing is stored. One-time and fallback keys are {@code <algorithm>:<key ID>} entries whose value is a key object
 * (for the signed algorithms, signed by the device) or, for unsigned algorithms, a base64 string.
 *
 * @param deviceKeys the device keys object as uploaded, if any
 * @param oneTimeKeys the one-time keys
 * @param fallbackKeys the fallback keys (at most one per algorithm)
 */
public record KeyUpload(Optional<JsonObject> deviceKeys, List<Key> oneTimeKeys, List<Key> fallbackKeys) {
    /** The most one-time keys one request may upload: clients upload 50 at a time (Element), far below this. */
    public static final int MAX_ONE_TIME_KEYS = 1000;

    public KeyUpload {
        requireNonNull(deviceKeys, "deviceKeys is null");
        oneTimeKeys = List.copyOf(oneTimeKeys);
        fallbackKeys = List.copyOf(fallbackKeys);
    }

    /**
     * One key of an {@code <algorithm>:<key ID>} map.
     *
     * @param algorithm e.g. {@code signed_curve25519}
     * @param keyId the part after the colon
     * @param json the value as canonical JSON
     */
    public record Key(String algorithm, String keyId, String json) {
        public Key {
            requireNonNull(algorithm, "algorithm is null");
            requireNonNull(keyId, "keyId is null");
            requireNonNull(json, "json is null");
        }
    }

    /** Checks {@code body} as uploaded by {@code user}'s device {@code device}. */
    public static KeyUpload check(UserId user, DeviceId device, JsonObject body) {
        Optional<JsonObject> deviceKeys = optionalObject(body, "device_keys");
        deviceKeys.ifPresent(keys -> checkDeviceKeys(user, device, keys));
        Optional<VerifyKey> signer = deviceKeys.map(keys -> ed25519Key(device, keys));
        List<Key> oneTimeKeys = keys(body, "one_time_keys", user, device, signer);
        if (oneTimeKeys.size() > MAX_ONE_TIME_KEYS) {
            throw invalid("At most " + MAX_ONE_TIME_KEYS + " one-time keys per request");
        }
        List<Key> fallbackKeys = keys(body, "fallback_keys", user, device, signer);
        if (fallbackKeys.stream().map(Key::algorithm).distinct().count() != fallbackKeys.size()) {
            throw invalid("At most one fallback key per algorithm");
        }
        return new KeyUpload(deviceKeys, oneTimeKeys, fallbackKeys);
    }

    private static void checkDeviceKeys(UserId user, DeviceId device, JsonObject keys) {
        if (!keys.getString("user_id").filter(user.value()::equals).isPresent()) {
            throw invalid("device_keys.user_id must be the uploading user, " + user);
        }
        if (!keys.getString("device_id").filter(device.value()::equals).isPresent()) {
            throw invalid("device_keys.device_id must be the uploading device, " + device);
        }
        JsonArray algorithms = keys.getArray("algorithms")
                .orElseThrow(() -> invalid("device_keys.algorithms must be a list of strings"));
        if (!algorithms.values().stream().allMatch(a -> a instanceof JsonString)) {
            throw invalid("device_keys.algorithms must be a list of strings");
        }
        JsonObject identity = keys.getObject("keys").orElseThrow(() -> invalid("device_keys.keys must be an object"));
        if (identity.getString("curve25519:" + device.value()).isEmpty()) {
            throw invalid("device_keys.keys must hold the device's curve25519 key");
        }
        VerifyKey signer = ed25519Key(device, keys);
        SignatureCheck check = JsonSigning.verify(keys, user.value(), signer);
        if (!check.isValid()) {
            throw invalid("device_keys must be signed by the device's own ed25519 key (" + check + ")");
        }
    }

    private static VerifyKey ed25519Key(DeviceId device, JsonObject keys) {
        String keyId = "ed25519:" + device.value();
        String base64 = keys.getObject("keys")
                .flatMap(k -> k.getString(keyId))
                .orElseThrow(() -> invalid("device_keys.keys must hold the device's ed25519 key"));
        try {
            return new VerifyKey(KeyId.parse(keyId), UnpaddedBase64.decode(base64));
        } catch (IllegalArgumentException e) { // also InvalidIdException, a malformed device ID in the key ID
            throw invalid("device_keys.keys." + keyId + " is not a base64 Ed25519 key");
        }
    }

    /**
     * The {@code <algorithm>:<key ID>} entries of {@code field}. Signed algorithms ({@code signed_*}) need an object
     * with a {@code key} and the device's signature, checked against the device keys of this upload when it has
     * them; NOTSPEC: without them (a later upload of keys alone) the signature is kept as given, as Synapse does.
     */
    private static List<Key> keys(
            JsonObject body, String field, UserId user, DeviceId device, Optional<VerifyKey> signer) {
        JsonObject map = optionalObject(body, field).orElse(JsonObject.EMPTY);
        List<Key> out = new ArrayList<>();
        for (Map.Entry<String, CanonicalJsonValue> entry : map.members().entrySet()) {
            int colon = entry.getKey().indexOf(':');
            if (colon <= 0 || colon == entry.getKey().length() - 1) {
                throw invalid(field + " keys must be <algorithm>:<key ID>, not " + entry.getKey());
            }
            String algorithm = entry.getKey().substring(0, colon);
            String keyId = entry.getKey().substring(colon + 1);
            CanonicalJsonValue value = entry.getValue();
            if (algorithm.startsWith("signed_")) {
                if (!(value instanceof JsonObject signed)
                        || signed.getString("key").isEmpty()) {
                    throw invalid(field + "." + entry.getKey() + " must be an object with a key");
                }
                signer.ifPresent(key -> {
                    if (!JsonSigning.verify(signed, user.value(), key).isValid()) {
                        throw invalid(field + "." + entry.getKey() + " is not signed by the device " + device);
                    }
                });
            } else if (!(value instanceof JsonString)) {
                throw invalid(field + "." + entry.getKey() + " must be a base64 string");
            }
            out.add(new Key(algorithm, keyId, CanonicalJson.encodeToString(value)));
        }
        return out;
    }

    private static Optional<JsonObject> optionalObject(JsonObject body, String field) {
        Optional<CanonicalJsonValue> value = body.get(field);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!(value.get() instanceof JsonObject object)) {
            throw new MatrixException(ErrorCode.BAD_JSON, field + " must be an object");
        }
        return Optional.of(object);
    }

    private static MatrixException invalid(String message) {
        return new MatrixException(ErrorCode.INVALID_PARAM, message);
    }
}
