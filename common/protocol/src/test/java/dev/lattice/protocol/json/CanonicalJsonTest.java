package dev.lattice.protocol.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.json.CanonicalJsonException.Reason;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalJsonTest {

    private static String canonical(String json) {
        return CanonicalJson.encodeToString(CanonicalJson.parse(json));
    }

    private static void assertRejected(String json, Reason reason) {
        assertThatThrownBy(() -> CanonicalJson.parse(json))
                .isInstanceOf(CanonicalJsonException.class)
                .extracting(e -> ((CanonicalJsonException) e).reason())
                .isEqualTo(reason);
    }

    private static void assertRejected(byte[] json, Reason reason) {
        assertThatThrownBy(() -> CanonicalJson.parse(json))
                .isInstanceOf(CanonicalJsonException.class)
                .extracting(e -> ((CanonicalJsonException) e).reason())
                .isEqualTo(reason);
    }

    // --- The appendix's canonical JSON examples -------------------------------------------------------------------

    @Test
    void specExamples() {
        assertThat(canonical("{}")).isEqualTo("{}");
        assertThat(canonical("{\n    \"one\": 1,\n    \"two\": \"Two\"\n}")).isEqualTo("{\"one\":1,\"two\":\"Two\"}");
        assertThat(canonical("{\n    \"b\": \"2\",\n    \"a\": \"1\"\n}")).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
        assertThat(canonical("{\"b\":\"2\",\"a\":\"1\"}")).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
        assertThat(canonical("""
                {
                    "auth": {
                        "success": true,
                        "mxid": "@john.doe:example.com",
                        "profile": {
                            "display_name": "John Doe",
                            "three_pids": [
                                {
                                    "medium": "email",
                                    "address": "john.doe@example.org"
                                },
                                {
                                    "medium": "msisdn",
                                    "address": "123456789"
                                }
                            ]
                        }
                    }
                }"""))
                .isEqualTo("{\"auth\":{\"mxid\":\"@john.doe:example.com\",\"profile\":{\"display_name\":\"John Doe\","
                        + "\"three_pids\":[{\"address\":\"john.doe@example.org\",\"medium\":\"email\"},"
                        + "{\"address\":\"123456789\",\"medium\":\"msisdn\"}]},\"success\":true}}");
        assertThat(canonical("{\n    \"a\": \"日本語\"\n}")).isEqualTo("{\"a\":\"日本語\"}");
        assertThat(canonical("{\n    \"本\": 2,\n    \"日\": 1\n}")).isEqualTo("{\"日\":1,\"本\":2}");
        assertThat(canonical("{\n    \"a\": \"\\u65E5\"\n}")).isEqualTo("{\"a\":\"日\"}");
        assertThat(canonical("{\n    \"a\": null\n}")).isEqualTo("{\"a\":null}");
    }

    @Test
    void specExampleWithNegativeZeroAndExponentIsEncodedFromValues() {
        // The appendix's last example feeds -0 and 1e10 through a lenient parser; ours refuses both on input
        // (strict canonical JSON, room version 6+), so the encoding half is checked from the equivalent values.
        assertRejected("{\"a\":-0,\"b\":1e10}", Reason.NEGATIVE_ZERO);
        JsonObject value = JsonObject.of(Map.of("b", JsonInteger.of(10_000_000_000L), "a", JsonInteger.of(0)));
        assertThat(CanonicalJson.encodeToString(value)).isEqualTo("{\"a\":0,\"b\":10000000000}");
    }

    // --- Encoding details ------------------------------------------------------------------------------------------

    @Test
    void escapesOnlyQuoteBackslashAndControlCharacters() {
        JsonString s = JsonString.of("\"\\\b\t\n\f\r\u0000\u0001\u001f\u007f/é€😀");
        assertThat(CanonicalJson.encodeToString(s))
                .isEqualTo("\"\\\"\\\\\\b\\t\\n\\f\\r\\u0000\\u0001\\u001f\u007f/é€😀\"");
    }

    @Test
    void keysSortByCodePointNotUtf16() {
        // U+FB01 sorts before U+1F600 by code point, but after it by UTF-16 code unit (0xD83D).
        JsonObject o = CanonicalJson.parseObject("{\"😀\":1,\"ﬁ\":2}");
        assertThat(CanonicalJson.encodeToString(o)).isEqualTo("{\"ﬁ\":2,\"😀\":1}");
    }

    @Test
    void integersAtTheLimits() {
        assertThat(canonical("[9007199254740991,-9007199254740991,0,-1,10]"))
                .isEqualTo("[9007199254740991,-9007199254740991,0,-1,10]");
    }

    @Test
    void encodingRefusesUnpairedSurrogates() {
        assertThatThrownBy(() -> CanonicalJson.encode(JsonString.of("a\uD800b")))
                .isInstanceOf(CanonicalJsonException.class)
                .extracting(e -> ((CanonicalJsonException) e).reason())
                .isEqualTo(Reason.INVALID_UTF8);
    }

    @Test
    void roundTripsEscapesAndUnicode() {
        String json = "{\"a\":\"\\ud83d\\ude00 \\/ \\u00e9 \\\" \\n\",\"b\":[true,false,null,{}],\"c\":[]}";
        assertThat(canonical(json)).isEqualTo("{\"a\":\"😀 / é \\\" \\n\",\"b\":[true,false,null,{}],\"c\":[]}");
    }

    // --- Parser rejections -----------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "[0.5]", "{\"a\":-1.25}", "1.", "0.0"})
    void rejectsFloats(String json) {
        assertRejected(json, Reason.FLOAT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e10", "1E3", "[2e-1]", "-5e0"})
    void rejectsExponents(String json) {
        assertRejected(json, Reason.EXPONENT);
    }

    @Test
    void rejectsNegativeZero() {
        assertRejected("-0", Reason.NEGATIVE_ZERO);
        assertRejected("{\"depth\":-0}", Reason.NEGATIVE_ZERO);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"9007199254740992", "-9007199254740992", "18446744073709551616", "123456789012345678901234567890"
            })
    void rejectsIntegersOutsideTheSafeRange(String json) {
        assertRejected(json, Reason.INTEGER_OUT_OF_RANGE);
    }

    @Test
    void rejectsDuplicateKeys() {
        assertRejected("{\"a\":1,\"a\":1}", Reason.DUPLICATE_KEY);
        assertRejected("{\"a\":{\"x\":1,\"y\":2,\"x\":3}}", Reason.DUPLICATE_KEY);
        // The same key spelt with an escape is still the same key.
        assertRejected("{\"a\":1,\"\\u0061\":2}", Reason.DUPLICATE_KEY);
    }

    @Test
    void boundsNesting() {
        String ok = "[".repeat(CanonicalJson.MAX_DEPTH) + "]".repeat(CanonicalJson.MAX_DEPTH);
        assertThat(CanonicalJson.parse(ok)).isInstanceOf(JsonArray.class);
        String deep = "[".repeat(CanonicalJson.MAX_DEPTH + 1) + "]".repeat(CanonicalJson.MAX_DEPTH + 1);
        assertRejected(deep, Reason.TOO_DEEP);
        assertRejected("{\"a\":".repeat(100_000), Reason.TOO_DEEP);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "C0 80", // overlong NUL
                "C1 BF", // overlong
                "E0 80 80", // overlong
                "ED A0 80", // UTF-8-encoded surrogate U+D800
                "F4 90 80 80", // above U+10FFFF
                "F5 80 80 80",
                "FF",
                "80", // invalid lead bytes, lone continuation
                "C3", // truncated
                "E2 82"
            })
    void rejectsInvalidUtf8InStrings(String hex) {
        byte[] bad = hexBytes(hex);
        byte[] json = new byte[bad.length + 2];
        json[0] = '"';
        System.arraycopy(bad, 0, json, 1, bad.length);
        json[json.length - 1] = '"';
        assertRejected(json, Reason.INVALID_UTF8);
    }

    @Test
    void rejectsUnpairedSurrogateEscapes() {
        assertRejected("\"\\ud800\"", Reason.INVALID_UTF8);
        assertRejected("\"\\udc00\"", Reason.INVALID_UTF8);
        assertRejected("\"\\ud800\\u0041\"", Reason.INVALID_UTF8);
        assertRejected("\"\\ud800x\"", Reason.INVALID_UTF8);
    }

    @Test
    void acceptsValidMultibyteUtf8() {
        assertThat(CanonicalJson.parse("\"é€😀\u007f\"".getBytes(UTF_8))).isEqualTo(JsonString.of("é€😀\u007f"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "{",
                "}",
                "[1,]",
                "[,1]",
                "{\"a\"}",
                "{\"a\":}",
                "{a:1}",
                "{\"a\":1,}",
                "01",
                "-",
                "+1",
                "tru",
                "nul",
                "True",
                "\"abc",
                "\"\\x\"",
                "\"\\u12\"",
                "\"\\u12g4\"",
                "\"a\tb\"",
                "\"a\nb\"",
                "'a'",
                "[1 2]",
                "{\"a\":1 \"b\":2}",
                "\uFEFF{}",
                "NaN",
                "Infinity",
                "-a"
            })
    void rejectsMalformedJson(String json) {
        assertRejected(json, Reason.SYNTAX);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}x", "{} {}", "1 2", "[]]", "nullnull", "\"a\"\"b\""})
    void rejectsTrailingData(String json) {
        assertRejected(json, Reason.TRAILING_DATA);
    }

    @Test
    void rejectsInputOverTheCallersLimit() {
        assertThatThrownBy(() -> CanonicalJson.parse(new byte[10], 9))
                .extracting(e -> ((CanonicalJsonException) e).reason())
                .isEqualTo(Reason.TOO_LARGE);
    }

    @Test
    void parseObjectRequiresAnObject() {
        assertThatThrownBy(() -> CanonicalJson.parseObject("[]"))
                .extracting(e -> ((CanonicalJsonException) e).reason())
                .isEqualTo(Reason.SYNTAX);
    }

    @Test
    void parseAcceptsWhitespaceEverywhere() {
        assertThat(canonical(" \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } } \n")).isEqualTo("{\"a\":[1,2],\"b\":{}}");
    }

    @Test
    void agreesWithJacksonOnWhatItAccepts() throws Exception {
        var mapper = new tools.jackson.databind.ObjectMapper();
        String json = "{\"type\":\"m.room.message\",\"content\":{\"body\":\"h\\u00e9llo \\ud83d\\ude00\",\"n\":[1,-2,"
                + "9007199254740991]},\"x\":null,\"t\":true}";
        Object viaJackson = mapper.readValue(json, Object.class);
        Object viaUs = mapper.readValue(CanonicalJson.encode(CanonicalJson.parse(json)), Object.class);
        assertThat(viaUs).isEqualTo(viaJackson);
    }

    static byte[] hexBytes(String hex) {
        String[] parts = hex.trim().split(" ");
        byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return out;
    }
}
