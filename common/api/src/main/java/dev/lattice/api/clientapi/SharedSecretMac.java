package dev.lattice.api.clientapi;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The MAC of Synapse's shared-secret registration ({@code /_synapse/admin/v1/register}): HMAC-SHA1 keyed with the
 * shared secret over {@code nonce NUL username NUL password NUL ("admin" | "notadmin")}, plus
 * {@code NUL user_type} when a user type is given, as lowercase hex. Bridges and Complement compute exactly this;
 * client-api checks it and {@code lattice register-user} computes it, so it is part of the contract.
 */
public final class SharedSecretMac {

    /** The expected MAC, lowercase hex. */
    public static String compute(
            String sharedSecret, String nonce, String username, String password, boolean admin, String userType) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(sharedSecret.getBytes(UTF_8), "HmacSHA1"));
            mac.update(nonce.getBytes(UTF_8));
            mac.update((byte) 0);
            mac.update(username.getBytes(UTF_8));
            mac.update((byte) 0);
            mac.update(password.getBytes(UTF_8));
            mac.update((byte) 0);
            mac.update((admin ? "admin" : "notadmin").getBytes(UTF_8));
            if (userType != null) {
                mac.update((byte) 0);
                mac.update(userType.getBytes(UTF_8));
            }
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    /** Whether {@code given} is the right MAC, compared in constant time (case-insensitively, as hex). */
    public static boolean verify(
            String given,
            String sharedSecret,
            String nonce,
            String username,
            String password,
            boolean admin,
            String userType) {
        String expected = compute(sharedSecret, nonce, username, password, admin, userType);
        return MessageDigest.isEqual(
                expected.getBytes(UTF_8), given.toLowerCase(Locale.ROOT).getBytes(UTF_8));
    }

    private SharedSecretMac() {}
}
