package dev.lattice.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import org.junit.jupiter.api.Test;

/** The appendix's cryptographic test vectors (seed, server "domain", key ID "ed25519:1"). */
class JsonSigningTest {
    static final String SEED = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";
    static final SigningKey KEY = SigningKey.fromSeed(KeyId.parse("ed25519:1"), UnpaddedBase64.decode(SEED));

    @Test
    void signsTheEmptyObjectAsTheSpecSays() {
        JsonObject signed = JsonSigning.sign(JsonObject.EMPTY, "domain", KEY);
        assertThat(CanonicalJson.encodeToString(signed))
                .isEqualTo(
                        "{\"signatures\":{\"domain\":{\"ed25519:1\":"
                                + "\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}");
        assertThat(JsonSigning.verify(signed, "domain", KEY.verifyKey())).isEqualTo(SignatureCheck.VALID);
    }

    @Test
    void signsTheObjectWithDataAsTheSpecSays() {
        JsonObject signed =
                JsonSigning.sign(CanonicalJson.parseObject("{\"one\": 1, \"two\": \"Two\"}"), "domain", KEY);
        assertThat(signed).isEqualTo(CanonicalJson.parseObject("""
                {
                    "one": 1,
                    "signatures": {
                        "domain": {
                            "ed25519:1": "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw"
                        }
                    },
                    "two": "Two"
                }"""));
    }

    @Test
    void keepsUnsignedAndOtherSignaturesOutOfTheSignedBytes() {
        JsonObject withExtras = CanonicalJson.parseObject("{\"one\":1,\"two\":\"Two\",\"unsigned\":{\"age_ts\":5},"
                + "\"signatures\":{\"other.example\":{\"ed25519:x\":\"abc\"}}}");
        JsonObject signed = JsonSigning.sign(withExtras, "domain", KEY);
        assertThat(JsonSigning.signaturesOf(signed, "domain"))
                .containsEntry(
                        "ed25519:1",
                        "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw");
        assertThat(JsonSigning.signaturesOf(signed, "other.example")).containsEntry("ed25519:x", "abc");
        assertThat(signed.getObject("unsigned")).isPresent();
    }

    @Test
    void detectsTampering() {
        JsonObject signed = JsonSigning.sign(CanonicalJson.parseObject("{\"one\":1,\"two\":\"Two\"}"), "domain", KEY);
        JsonObject tampered = signed.with("two", JsonString.of("Three"));
        assertThat(JsonSigning.verify(tampered, "domain", KEY.verifyKey())).isEqualTo(SignatureCheck.BAD_SIGNATURE);
        // Changing unsigned does not break the signature.
        assertThat(JsonSigning.verify(signed.with("unsigned", JsonObject.EMPTY), "domain", KEY.verifyKey()))
                .isEqualTo(SignatureCheck.VALID);
    }

    @Test
    void reportsWhyACheckFailed() {
        JsonObject signed = JsonSigning.sign(JsonObject.EMPTY, "domain", KEY);
        VerifyKey other = SigningKey.generate("1").verifyKey();
        assertThat(JsonSigning.verify(signed, "domain", other)).isEqualTo(SignatureCheck.BAD_SIGNATURE);
        assertThat(JsonSigning.verify(signed, "elsewhere", KEY.verifyKey())).isEqualTo(SignatureCheck.MISSING_ENTITY);
        assertThat(JsonSigning.verify(JsonObject.EMPTY, "domain", KEY.verifyKey()))
                .isEqualTo(SignatureCheck.NO_SIGNATURES);
        VerifyKey key2 = new VerifyKey(KeyId.parse("ed25519:2"), KEY.verifyKey().publicKey());
        assertThat(JsonSigning.verify(signed, "domain", key2)).isEqualTo(SignatureCheck.MISSING_KEY_ID);
        JsonObject garbled = JsonSigning.withSignature(JsonObject.EMPTY, "domain", "ed25519:1", "!!notbase64");
        assertThat(JsonSigning.verify(garbled, "domain", KEY.verifyKey()))
                .isEqualTo(SignatureCheck.MALFORMED_SIGNATURE);
        JsonObject shortSig = JsonSigning.withSignature(JsonObject.EMPTY, "domain", "ed25519:1", "AAAA");
        assertThat(JsonSigning.verify(shortSig, "domain", KEY.verifyKey()))
                .isEqualTo(SignatureCheck.MALFORMED_SIGNATURE);
    }

    @Test
    void keyFileLinesRoundTrip() {
        SigningKey key = SigningKey.fromKeyFileLine("ed25519 1 " + SEED);
        assertThat(key.keyId()).isEqualTo(KeyId.parse("ed25519:1"));
        // The appendix's seed has non-zero trailing bits ("...XA1"); the canonical encoding of the same 32 bytes ends
        // in "...XA0".
        assertThat(key.toKeyFileLine()).isEqualTo("ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA0");
        assertThat(key.verifyKey()).isEqualTo(KEY.verifyKey());
        SigningKey fresh = SigningKey.generate("a_bcDE");
        assertThat(SigningKey.fromKeyFileLine(fresh.toKeyFileLine()).verifyKey())
                .isEqualTo(fresh.verifyKey());
        assertThat(fresh.toString()).doesNotContain(fresh.toKeyFileLine().split(" ")[2]);
        assertThatThrownBy(() -> SigningKey.fromKeyFileLine("ed25519 1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unpaddedBase64MatchesTheAppendix() {
        assertThat(UnpaddedBase64.encode("".getBytes())).isEmpty();
        assertThat(UnpaddedBase64.encode("f".getBytes())).isEqualTo("Zg");
        assertThat(UnpaddedBase64.encode("fo".getBytes())).isEqualTo("Zm8");
        assertThat(UnpaddedBase64.encode("foo".getBytes())).isEqualTo("Zm9v");
        assertThat(UnpaddedBase64.encode("foob".getBytes())).isEqualTo("Zm9vYg");
        assertThat(UnpaddedBase64.encode("fooba".getBytes())).isEqualTo("Zm9vYmE");
        assertThat(UnpaddedBase64.encode("foobar".getBytes())).isEqualTo("Zm9vYmFy");
        assertThat(UnpaddedBase64.decode("Zm9vYg==")).isEqualTo("foob".getBytes());
        assertThat(UnpaddedBase64.decode("Zm9vYg")).isEqualTo("foob".getBytes());
        assertThat(UnpaddedBase64.encodeUrlSafe(new byte[] {(byte) 0xfb, (byte) 0xff}))
                .isEqualTo("-_8");
        assertThat(UnpaddedBase64.decodeUrlSafe("-_8")).isEqualTo(new byte[] {(byte) 0xfb, (byte) 0xff});
    }
}
