package dev.lattice.mediaapi.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worked examples of the S3 API reference, "Signature Calculations for the Authorization Header: Transferring
 * Payload in a Single Chunk (AWS Signature Version 4)", with its example credentials.
 */
class SigV4Test {
    private static final SigV4 EXAMPLE =
            new SigV4("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1");
    private static final Instant MAY_24_2013 = Instant.parse("2013-05-24T00:00:00Z");

    @Test
    void getObjectExample() {
        Map<String, String> headers = EXAMPLE.sign(
                "GET",
                "/test.txt",
                Map.of("Host", "examplebucket.s3.amazonaws.com", "Range", "bytes=0-9"),
                SigV4.EMPTY_PAYLOAD,
                MAY_24_2013);

        assertThat(headers)
                .containsEntry("x-amz-date", "20130524T000000Z")
                .containsEntry("x-amz-content-sha256", SigV4.EMPTY_PAYLOAD)
                .containsEntry(
                        "Authorization",
                        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    }

    @Test
    void putObjectExampleEncodesThePath() {
        String path = SigV4.encodePath("/test$file.text");
        Map<String, String> headers = EXAMPLE.sign(
                "PUT",
                path,
                Map.of(
                        "Host", "examplebucket.s3.amazonaws.com",
                        "Date", "Fri, 24 May 2013 00:00:00 GMT",
                        "x-amz-storage-class", "REDUCED_REDUNDANCY"),
                "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072", // "Welcome to Amazon S3."
                MAY_24_2013);

        assertThat(path).isEqualTo("/test%24file.text");
        assertThat(headers.get("Authorization"))
                .endsWith("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                        + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
    }

    @Test
    void encodePathKeepsOnlyUnreservedCharactersAndSlashes() {
        assertThat(SigV4.encodePath("/bucket/media/a b+c~d_é")).isEqualTo("/bucket/media/a%20b%2Bc~d_%C3%A9");
    }

    @Test
    void toStringNeverShowsTheSecret() {
        assertThat(EXAMPLE.toString()).doesNotContain("wJalrXUtnFEMI");
    }
}
