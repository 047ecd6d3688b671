package dev.lattice.keyserver.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.keyserver.TestingDevice;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import org.junit.jupiter.api.Test;

class KeyUploadTest {
    private static final UserId ALICE = UserId.parse("@alice:test.lattice");
    private static final DeviceId PHONE = DeviceId.parse("PHONE");
    private final TestingDevice phone = new TestingDevice(ALICE, PHONE);

    @Test
    void selfSignedDeviceKeysAndSignedKeysAreAccepted() {
        JsonObject body = JsonObject.EMPTY
                .with("device_keys", phone.deviceKeys())
                .with(
                        "one_time_keys",
                        JsonObject.EMPTY
                                .with("signed_curve25519:AAAAAQ", phone.signedKey())
                                .with("signed_curve25519:AAAAAg", phone.signedKey()))
                .with("fallback_keys", JsonObject.EMPTY.with("signed_curve25519:AAAAAw", phone.signedKey()));
        KeyUpload upload = KeyUpload.check(ALICE, PHONE, body);
        assertThat(upload.deviceKeys()).isPresent();
        assertThat(upload.oneTimeKeys())
                .extracting(KeyUpload.Key::algorithm, KeyUpload.Key::keyId)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("signed_curve25519", "AAAAAQ"),
                        org.assertj.core.groups.Tuple.tuple("signed_curve25519", "AAAAAg"));
        assertThat(upload.fallbackKeys())
                .singleElement()
                .extracting(KeyUpload.Key::keyId)
                .isEqualTo("AAAAAw");
    }

    @Test
    void deviceKeysMustBeTheUploadersAndSelfSigned() {
        assertInvalid(JsonObject.EMPTY.with("device_keys", phone.deviceKeys()), ALICE, DeviceId.parse("LAPTOP"));
        assertInvalid(
                JsonObject.EMPTY.with("device_keys", phone.deviceKeys()), UserId.parse("@bob:test.lattice"), PHONE);
        JsonObject tampered = phone.deviceKeys().with("device_display_name", JsonString.of("not signed"));
        assertInvalid(JsonObject.EMPTY.with("device_keys", tampered), ALICE, PHONE);
        JsonObject unsigned = phone.deviceKeys().without("signatures");
        assertInvalid(JsonObject.EMPTY.with("device_keys", unsigned), ALICE, PHONE);
        // Signed by another device's key, though for this device ID.
        JsonObject foreign = new TestingDevice(ALICE, PHONE).deviceKeys();
        JsonObject mixed = phone.deviceKeys()
                .with("signatures", foreign.getObject("signatures").orElseThrow());
        assertInvalid(JsonObject.EMPTY.with("device_keys", mixed), ALICE, PHONE);
    }

    @Test
    void signedKeysMustCarryTheDevicesSignatureAndWellFormedIds() {
        TestingDevice other = new TestingDevice(ALICE, PHONE);
        assertInvalid(
                JsonObject.EMPTY
                        .with("device_keys", phone.deviceKeys())
                        .with("one_time_keys", JsonObject.EMPTY.with("signed_curve25519:A", other.signedKey())),
                ALICE,
                PHONE);
        assertInvalid(
                JsonObject.EMPTY.with("one_time_keys", JsonObject.EMPTY.with("no-colon", phone.signedKey())),
                ALICE,
                PHONE);
        assertInvalid(
                JsonObject.EMPTY.with(
                        "one_time_keys", JsonObject.EMPTY.with("signed_curve25519:A", JsonString.of("bare"))),
                ALICE,
                PHONE);
        assertThatThrownBy(
                        () -> KeyUpload.check(ALICE, PHONE, JsonObject.EMPTY.with("one_time_keys", JsonString.of("x"))))
                .isInstanceOfSatisfying(
                        MatrixException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_JSON));
    }

    private static void assertInvalid(JsonObject body, UserId user, DeviceId device) {
        assertThatThrownBy(() -> KeyUpload.check(user, device, body))
                .isInstanceOfSatisfying(
                        MatrixException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAM));
    }
}
