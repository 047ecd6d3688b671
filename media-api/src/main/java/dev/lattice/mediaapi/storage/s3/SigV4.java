package dev.lattice.mediaapi.storage.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for S3 requests, with the payload hash in {@code x-amz-content-sha256} (S3's "single chunk"
 * variant). Pure: no I/O, the clock passed in. Spec: "Authenticating Requests (AWS Signature Version 4)" in the S3
 * API reference; {@code SigV4Test} checks it against that page's worked examples.
 *
 * @param accessKey the access key ID
 * @param secretKey the secret access key
 * @param region the signing region ({@code us-east-1} for most S3-compatible servers)
 */
public record SigV4(String accessKey, String secretKey, String region) {
    /** SHA-256 of no bytes: the payload hash of GET, HEAD and DELETE. */
    public static final String EMPTY_PAYLOAD = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String SERVICE = "s3";

    public SigV4 {
        requireNonNull(accessKey, "accessKey is null");
        requireNonNull(secretKey, "secretKey is null");
        requireNonNull(region, "region is null");
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "SigV4[accessKey=" + accessKey + ", region=" + region + "]";
    }

    /**
     * The headers to send for a request (beyond those in {@code headers}): {@code x-amz-date},
     * {@code x-amz-content-sha256} and {@code Authorization}.
     *
     * @param method the HTTP method
     * @param path the request path as sent, already percent-encoded ({@link #encodePath})
     * @param headers the headers to sign, {@code host} among them, exactly as they are sent
     * @param payloadSha256 the body's SHA-256 in lowercase hex ({@link #EMPTY_PAYLOAD} without one)
     * @param now the request time
     */
    public Map<String, String> sign(
            String method, String path, Map<String, String> headers, String payloadSha256, Instant now) {
        String amzDate = AMZ_DATE.format(now);
        SortedMap<String, String> signed = new TreeMap<>();
        headers.forEach((name, value) -> signed.put(name.toLowerCase(Locale.ROOT), value.strip()));
        signed.put("x-amz-content-sha256", payloadSha256);
        signed.put("x-amz-date", amzDate);
        if (!signed.containsKey("host")) {
            throw new IllegalArgumentException("the host header must be signed");
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        signed.forEach((name, value) ->
                canonicalHeaders.append(name).append(':').append(value).append('\n'));
        String signedHeaders = String.join(";", signed.keySet());
        // No query parameters: the store's requests have none, so the canonical query string is empty.
        String canonicalRequest =
                String.join("\n", method, path, "", canonicalHeaders.toString(), signedHeaders, payloadSha256);
        String date = amzDate.substring(0, 8);
        String scope = date + "/" + region + "/" + SERVICE + "/aws4_request";
        String stringToSign = String.join("\n", "AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, SERVICE);
        key = hmac(key, "aws4_request");
        String signature = HexFormat.of().formatHex(hmac(key, stringToSign));
        return Map.of(
                "x-amz-date",
                amzDate,
                "x-amz-content-sha256",
                payloadSha256,
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope + ",SignedHeaders=" + signedHeaders
                        + ",Signature=" + signature);
    }

    /**
     * Percent-encodes a path as S3 expects in both the request and its canonical form: every byte of its UTF-8
     * except the unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) and {@code /}.
     */
    public static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "-._~/".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return out.toString();
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }
}
