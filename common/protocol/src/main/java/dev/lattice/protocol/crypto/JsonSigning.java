package dev.lattice.protocol.crypto;

import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.util.Map;
import java.util.TreeMap;

/**
 * <a href="https://spec.matrix.org/v1.19/appendices/#signing-json">Signing JSON</a>: signatures cover the canonical
 * encoding of the object without its {@code signatures} and {@code unsigned} members.
 *
 * <pre>{@code
 * JsonObject signed = JsonSigning.sign(object, "example.org", signingKey);
 * SignatureCheck check = JsonSigning.verify(signed, "example.org", verifyKey);
 * }</pre>
 */
public final class JsonSigning {
    private JsonSigning() {}

    /** The bytes a signature covers: the canonical JSON of {@code object} without {@code signatures}, {@code unsigned}. */
    public static byte[] signedBytes(JsonObject object) {
        return CanonicalJson.encode(object.without("signatures").without("unsigned"));
    }

    /**
     * Signs {@code object} as {@code entity} and returns a copy with the signature added under
     * {@code signatures[entity][keyId]}; other signatures and {@code unsigned} are kept.
     */
    public static JsonObject sign(JsonObject object, String entity, SigningKey key) {
        String signature = UnpaddedBase64.encode(key.sign(signedBytes(object)));
        return withSignature(object, entity, key.keyId().value(), signature);
    }

    /** A copy of {@code object} with {@code signature} set under {@code signatures[entity][keyId]}. */
    public static JsonObject withSignature(JsonObject object, String entity, String keyId, String signature) {
        JsonObject signatures = object.getObject("signatures").orElse(JsonObject.EMPTY);
        JsonObject forEntity = signatures.getObject(entity).orElse(JsonObject.EMPTY);
        return object.with("signatures", signatures.with(entity, forEntity.with(keyId, JsonString.of(signature))));
    }

    /**
     * The signatures of {@code entity} on {@code object}: key ID to base64 signature. Entries that are not strings are
     * left out.
     */
    public static Map<String, String> signaturesOf(JsonObject object, String entity) {
        Map<String, String> out = new TreeMap<>();
        object.getObject("signatures").flatMap(s -> s.getObject(entity)).ifPresent(forEntity -> {
            for (Map.Entry<String, CanonicalJsonValue> e : forEntity.members().entrySet()) {
                if (e.getValue() instanceof JsonString s) {
                    out.put(e.getKey(), s.value());
                }
            }
        });
        return out;
    }

    /** Checks {@code entity}'s signature by {@code key} on {@code object}. */
    public static SignatureCheck verify(JsonObject object, String entity, VerifyKey key) {
        return verify(object, signedBytes(object), entity, key);
    }

    /**
     * As {@link #verify(JsonObject, String, VerifyKey)}, with the signed bytes already computed (when several
     * signatures on one object are checked).
     */
    public static SignatureCheck verify(JsonObject object, byte[] signedBytes, String entity, VerifyKey key) {
        if (!(object.members().get("signatures") instanceof JsonObject signatures)) {
            return SignatureCheck.NO_SIGNATURES;
        }
        if (!(signatures.members().get(entity) instanceof JsonObject forEntity)) {
            return SignatureCheck.MISSING_ENTITY;
        }
        CanonicalJsonValue value = forEntity.members().get(key.keyId().value());
        if (value == null) {
            return SignatureCheck.MISSING_KEY_ID;
        }
        if (!(value instanceof JsonString encoded)) {
            return SignatureCheck.MALFORMED_SIGNATURE;
        }
        return verifySignature(signedBytes, encoded.value(), key);
    }

    /** Checks one base64 signature of {@code signedBytes}. */
    public static SignatureCheck verifySignature(byte[] signedBytes, String base64Signature, VerifyKey key) {
        byte[] signature;
        try {
            signature = UnpaddedBase64.decode(base64Signature);
        } catch (IllegalArgumentException e) {
            return SignatureCheck.MALFORMED_SIGNATURE;
        }
        if (signature.length != 64) {
            return SignatureCheck.MALFORMED_SIGNATURE;
        }
        return key.verify(signedBytes, signature) ? SignatureCheck.VALID : SignatureCheck.BAD_SIGNATURE;
    }
}
