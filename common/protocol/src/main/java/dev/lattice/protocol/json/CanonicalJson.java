package dev.lattice.protocol.json;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.lattice.protocol.json.CanonicalJsonException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The strict JSON parser and the byte-exact canonical encoder of the
 * <a href="https://spec.matrix.org/v1.19/appendices/#canonical-json">Canonical JSON</a> appendix.
 *
 * <p>The parser is hand-written rather than Jackson so that what it accepts is exactly what this class documents: two
 * servers that parse the same bytes differently split a room. It accepts JSON (RFC 8259) with insignificant
 * whitespace, and refuses, each with its own {@link Reason}:
 * <ul>
 *   <li>fractions ({@link Reason#FLOAT}), exponents ({@link Reason#EXPONENT}), {@code -0}
 *       ({@link Reason#NEGATIVE_ZERO}) and integers outside ±(2^53−1) ({@link Reason#INTEGER_OUT_OF_RANGE});</li>
 *   <li>the same key twice in one object ({@link Reason#DUPLICATE_KEY});</li>
 *   <li>bytes that are not well-formed UTF-8 (overlong forms, UTF-8-encoded surrogates, code points above
 *       U+10FFFF), and {@code \\u} escapes that leave a UTF-16 surrogate unpaired ({@link Reason#INVALID_UTF8}).
 *       An unpaired surrogate has no UTF-8 encoding, so the value could never be canonically encoded, hashed or
 *       signed; Synapse fails on it when encoding too;</li>
 *   <li>arrays and objects nested more than {@link #MAX_DEPTH} deep ({@link Reason#TOO_DEEP});</li>
 *   <li>anything but whitespace after the value ({@link Reason#TRAILING_DATA}); everything else malformed is
 *       {@link Reason#SYNTAX}, including a byte-order mark.</li>
 * </ul>
 *
 * <p>Usage:
 * <pre>{@code
 * CanonicalJsonValue value = CanonicalJson.parse(bytes);       // throws CanonicalJsonException
 * byte[] canonical = CanonicalJson.encode(value);              // what hashes and signatures cover
 * }</pre>
 */
public final class CanonicalJson {

    /**
     * The deepest nesting of arrays and objects accepted: the top-level value counts as depth 1. 128 is serde_json's
     * default recursion limit, so ruma-based servers already refuse anything deeper; events need far less
     * (power levels nest 3 deep).
     */
    public static final int MAX_DEPTH = 128;

    private static final byte[] HEX = "0123456789abcdef".getBytes(ISO_8859_1);
    private static final byte[] NULL = "null".getBytes(ISO_8859_1);
    private static final byte[] TRUE = "true".getBytes(ISO_8859_1);
    private static final byte[] FALSE = "false".getBytes(ISO_8859_1);
    /** Per ASCII byte: 0 = write as is, 1 = needs escaping. */
    private static final boolean[] ESCAPE = new boolean[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = true;
        }
        ESCAPE['"'] = true;
        ESCAPE['\\'] = true;
    }

    private CanonicalJson() {}

    /** Parses UTF-8 JSON bytes strictly. */
    public static CanonicalJsonValue parse(byte[] json) {
        return new Parser(json, 0, json.length).parseDocument();
    }

    /** Parses UTF-8 JSON bytes strictly, refusing input longer than {@code maxBytes} with {@link Reason#TOO_LARGE}. */
    public static CanonicalJsonValue parse(byte[] json, int maxBytes) {
        if (json.length > maxBytes) {
            throw new CanonicalJsonException(Reason.TOO_LARGE, json.length + " bytes is over the limit of " + maxBytes);
        }
        return parse(json);
    }

    /** Parses a JSON string strictly. A string holding an unpaired surrogate is {@link Reason#INVALID_UTF8}. */
    public static CanonicalJsonValue parse(String json) {
        return parse(utf8(json));
    }

    /** Parses bytes that must hold a JSON object; any other top-level value is {@link Reason#SYNTAX}. */
    public static JsonObject parseObject(byte[] json) {
        if (parse(json) instanceof JsonObject object) {
            return object;
        }
        throw new CanonicalJsonException(Reason.SYNTAX, "expected a JSON object at the top level");
    }

    /** Parses a string that must hold a JSON object. */
    public static JsonObject parseObject(String json) {
        return parseObject(utf8(json));
    }

    /**
     * Encodes {@code value} in canonical form: keys in code-point order, no whitespace, only {@code "}, {@code \}
     * and U+0000–U+001F escaped (as {@code \b \t \n \f \r} or {@code &#92;u00xx} in lower case), everything else raw
     * UTF-8.
     *
     * @throws CanonicalJsonException ({@link Reason#INVALID_UTF8}) if a string holds an unpaired surrogate
     */
    public static byte[] encode(CanonicalJsonValue value) {
        Sink sink = new Sink(256);
        sink.value(value);
        return sink.toByteArray();
    }

    /** {@link #encode} as a Java string. */
    public static String encodeToString(CanonicalJsonValue value) {
        return new String(encode(value), UTF_8);
    }

    /** The UTF-8 bytes of {@code s}, refusing unpaired surrogates rather than replacing them with {@code ?}. */
    static byte[] utf8(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    throw new CanonicalJsonException(Reason.INVALID_UTF8, "unpaired surrogate at index " + i);
                }
            }
        }
        return s.getBytes(UTF_8);
    }

    /** A growable byte buffer that writes canonical JSON. */
    private static final class Sink {
        private byte[] buf;
        private int len;

        Sink(int capacity) {
            buf = new byte[capacity];
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, len);
        }

        private void ensure(int extra) {
            if (len + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
            }
        }

        private void write(byte b) {
            ensure(1);
            buf[len++] = b;
        }

        private void write(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, len, bytes.length);
            len += bytes.length;
        }

        void value(CanonicalJsonValue value) {
            switch (value) {
                case JsonNull n -> write(NULL);
                case JsonBool b -> write(b.value() ? TRUE : FALSE);
                case JsonInteger i -> integer(i.value());
                case JsonString s -> string(s.value());
                case JsonArray a -> {
                    write((byte) '[');
                    List<CanonicalJsonValue> values = a.values();
                    for (int i = 0, n = values.size(); i < n; i++) {
                        if (i > 0) {
                            write((byte) ',');
                        }
                        value(values.get(i));
                    }
                    write((byte) ']');
                }
                case JsonObject o -> {
                    write((byte) '{');
                    boolean first = true;
                    // members() is a SortedMap in JsonObject.KEY_ORDER: iteration order is the canonical order.
                    for (var member : o.members().entrySet()) {
                        if (!first) {
                            write((byte) ',');
                        }
                        first = false;
                        string(member.getKey());
                        write((byte) ':');
                        value(member.getValue());
                    }
                    write((byte) '}');
                }
            }
        }

        private void integer(long v) {
            if (v == 0) {
                write((byte) '0');
                return;
            }
            ensure(20);
            if (v < 0) {
                buf[len++] = '-';
                v = -v; // safe: |v| <= 2^53-1
            }
            int digits = 0;
            for (long t = v; t > 0; t /= 10) {
                digits++;
            }
            int end = len + digits;
            for (int p = end - 1; p >= len; p--) {
                buf[p] = (byte) ('0' + (v % 10));
                v /= 10;
            }
            len = end;
        }

        private void string(String s) {
            int n = s.length();
            // Worst case: 6 bytes per char (a backslash-u escape); 3 bytes per UTF-16 unit covers all non-escaped
            // input.
            ensure(n * 3 + 2);
            byte[] b = buf;
            int p = len;
            b[p++] = '"';
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    if (!ESCAPE[c]) {
                        b[p++] = (byte) c;
                    } else {
                        len = p;
                        ensure((n - i) * 6 + 2);
                        b = buf;
                        p = escape(b, p, c);
                    }
                } else if (c < 0x800) {
                    b[p++] = (byte) (0xC0 | (c >> 6));
                    b[p++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    char low;
                    if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(low = s.charAt(i + 1))) {
                        int cp = Character.toCodePoint(c, low);
                        i++;
                        b[p++] = (byte) (0xF0 | (cp >> 18));
                        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                        b[p++] = (byte) (0x80 | (cp & 0x3F));
                    } else {
                        throw new CanonicalJsonException(
                                Reason.INVALID_UTF8, "string holds an unpaired surrogate at index " + i);
                    }
                } else {
                    b[p++] = (byte) (0xE0 | (c >> 12));
                    b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            b[p++] = '"';
            len = p;
        }

        private static int escape(byte[] b, int p, char c) {
            b[p++] = '\\';
            switch (c) {
                case '"' -> b[p++] = '"';
                case '\\' -> b[p++] = '\\';
                case '\b' -> b[p++] = 'b';
                case '\t' -> b[p++] = 't';
                case '\n' -> b[p++] = 'n';
                case '\f' -> b[p++] = 'f';
                case '\r' -> b[p++] = 'r';
                default -> {
                    b[p++] = 'u';
                    b[p++] = '0';
                    b[p++] = '0';
                    b[p++] = HEX[c >> 4];
                    b[p++] = HEX[c & 0xF];
                }
            }
            return p;
        }
    }

    /** A recursive-descent parser over UTF-8 bytes; depth is bounded, so recursion is too. */
    private static final class Parser {
        private final byte[] in;
        private final int end;
        private int pos;
        private char[] scratch;

        Parser(byte[] in, int start, int end) {
            this.in = in;
            this.pos = start;
            this.end = end;
        }

        CanonicalJsonValue parseDocument() {
            skipWhitespace();
            CanonicalJsonValue value = value(1);
            skipWhitespace();
            if (pos != end) {
                throw new CanonicalJsonException(
                        Reason.TRAILING_DATA, "unexpected data after the JSON value at byte " + pos);
            }
            return value;
        }

        private CanonicalJsonException syntax(String what) {
            return new CanonicalJsonException(Reason.SYNTAX, what + " at byte " + pos);
        }

        private void skipWhitespace() {
            while (pos < end) {
                byte b = in[pos];
                if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                    pos++;
                } else {
                    return;
                }
            }
        }

        private CanonicalJsonValue value(int depth) {
            if (pos >= end) {
                throw syntax("unexpected end of input");
            }
            byte b = in[pos];
            return switch (b) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> {
                    pos++;
                    yield new JsonString(string());
                }
                case 't' -> literal(TRUE, JsonBool.TRUE);
                case 'f' -> literal(FALSE, JsonBool.FALSE);
                case 'n' -> literal(NULL, JsonNull.INSTANCE);
                default -> {
                    if (b == '-' || (b >= '0' && b <= '9')) {
                        yield number();
                    }
                    throw syntax("unexpected character");
                }
            };
        }

        private CanonicalJsonValue literal(byte[] word, CanonicalJsonValue value) {
            if (end - pos < word.length) {
                throw syntax("unexpected end of input");
            }
            for (int i = 0; i < word.length; i++) {
                if (in[pos + i] != word[i]) {
                    throw syntax("invalid literal");
                }
            }
            pos += word.length;
            return value;
        }

        private void checkDepth(int depth) {
            if (depth > MAX_DEPTH) {
                throw new CanonicalJsonException(
                        Reason.TOO_DEEP, "nesting deeper than " + MAX_DEPTH + " at byte " + pos);
            }
        }

        private JsonObject object(int depth) {
            checkDepth(depth);
            pos++; // '{'
            TreeMap<String, CanonicalJsonValue> members = new TreeMap<>(JsonObject.KEY_ORDER);
            skipWhitespace();
            if (pos < end && in[pos] == '}') {
                pos++;
                return JsonObject.EMPTY;
            }
            while (true) {
                if (pos >= end || in[pos] != '"') {
                    throw syntax("expected a string key");
                }
                pos++;
                String key = string();
                skipWhitespace();
                if (pos >= end || in[pos] != ':') {
                    throw syntax("expected ':'");
                }
                pos++;
                skipWhitespace();
                CanonicalJsonValue value = value(depth + 1);
                if (members.put(key, value) != null) {
                    throw new CanonicalJsonException(
                            Reason.DUPLICATE_KEY, "duplicate key \"" + key + "\" before byte " + pos);
                }
                skipWhitespace();
                if (pos >= end) {
                    throw syntax("unterminated object");
                }
                byte b = in[pos++];
                if (b == '}') {
                    return new JsonObject(members);
                }
                if (b != ',') {
                    pos--;
                    throw syntax("expected ',' or '}'");
                }
                skipWhitespace();
            }
        }

        private JsonArray array(int depth) {
            checkDepth(depth);
            pos++; // '['
            skipWhitespace();
            if (pos < end && in[pos] == ']') {
                pos++;
                return JsonArray.EMPTY;
            }
            List<CanonicalJsonValue> values = new ArrayList<>();
            while (true) {
                values.add(value(depth + 1));
                skipWhitespace();
                if (pos >= end) {
                    throw syntax("unterminated array");
                }
                byte b = in[pos++];
                if (b == ']') {
                    return new JsonArray(values);
                }
                if (b != ',') {
                    pos--;
                    throw syntax("expected ',' or ']'");
                }
                skipWhitespace();
            }
        }

        private JsonInteger number() {
            int start = pos;
            boolean negative = false;
            if (in[pos] == '-') {
                negative = true;
                pos++;
            }
            int digitsStart = pos;
            while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
                pos++;
            }
            int digits = pos - digitsStart;
            if (digits == 0) {
                throw syntax("expected a digit");
            }
            if (pos < end) {
                byte b = in[pos];
                if (b == '.') {
                    throw new CanonicalJsonException(Reason.FLOAT, "fractional number at byte " + start);
                }
                if (b == 'e' || b == 'E') {
                    throw new CanonicalJsonException(Reason.EXPONENT, "number with an exponent at byte " + start);
                }
            }
            if (digits > 1 && in[digitsStart] == '0') {
                throw new CanonicalJsonException(Reason.SYNTAX, "leading zero at byte " + start);
            }
            if (digits > 16) {
                throw outOfRange(start);
            }
            long v = 0;
            for (int i = digitsStart; i < pos; i++) {
                v = v * 10 + (in[i] - '0');
            }
            if (v > CanonicalJsonValue.MAX_SAFE_INTEGER) {
                throw outOfRange(start);
            }
            if (negative) {
                if (v == 0) {
                    throw new CanonicalJsonException(Reason.NEGATIVE_ZERO, "-0 at byte " + start);
                }
                v = -v;
            }
            return new JsonInteger(v);
        }

        private CanonicalJsonException outOfRange(int start) {
            return new CanonicalJsonException(
                    Reason.INTEGER_OUT_OF_RANGE,
                    "integer " + new String(in, start, pos - start, ISO_8859_1) + " is outside ±(2^53−1)");
        }

        /** Reads a string body; {@code pos} is just after the opening quote. */
        private String string() {
            int start = pos;
            // Fast path: printable ASCII without escapes.
            while (pos < end) {
                byte b = in[pos];
                if (b == '"') {
                    String s = new String(in, start, pos - start, ISO_8859_1);
                    pos++;
                    return s;
                }
                if (b < 0x20 || b == '\\') { // negative bytes (non-ASCII) are < 0x20 too
                    break;
                }
                pos++;
            }
            return slowString(start);
        }

        private String slowString(int start) {
            int capacity = Math.max(16, end - start);
            if (scratch == null || scratch.length < capacity) {
                scratch = new char[capacity];
            }
            char[] out = scratch;
            int n = 0;
            for (int i = start; i < pos; i++) {
                out[n++] = (char) in[i];
            }
            while (true) {
                if (pos >= end) {
                    throw syntax("unterminated string");
                }
                int b = in[pos] & 0xFF;
                if (b == '"') {
                    pos++;
                    return new String(out, 0, n);
                }
                if (b == '\\') {
                    pos++;
                    n = escape(out, n);
                } else if (b < 0x20) {
                    throw syntax("unescaped control character in string");
                } else if (b < 0x80) {
                    out[n++] = (char) b;
                    pos++;
                } else {
                    int cp = utf8CodePoint(b);
                    if (cp >= 0x10000) {
                        out[n++] = Character.highSurrogate(cp);
                        out[n++] = Character.lowSurrogate(cp);
                    } else {
                        out[n++] = (char) cp;
                    }
                }
            }
        }

        private CanonicalJsonException badUtf8() {
            return new CanonicalJsonException(Reason.INVALID_UTF8, "invalid UTF-8 at byte " + pos);
        }

        /** Decodes one multi-byte UTF-8 sequence starting with {@code b0} at {@code pos}, per RFC 3629 table 4. */
        private int utf8CodePoint(int b0) {
            int need;
            int min2 = 0x80;
            int max2 = 0xBF;
            int cp;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 1;
                cp = b0 & 0x1F;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                cp = b0 & 0x0F;
                if (b0 == 0xE0) {
                    min2 = 0xA0; // no overlong forms
                } else if (b0 == 0xED) {
                    max2 = 0x9F; // no UTF-8-encoded surrogates
                }
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                cp = b0 & 0x07;
                if (b0 == 0xF0) {
                    min2 = 0x90;
                } else if (b0 == 0xF4) {
                    max2 = 0x8F; // nothing above U+10FFFF
                }
            } else {
                throw badUtf8();
            }
            if (pos + need >= end) {
                throw badUtf8();
            }
            for (int k = 1; k <= need; k++) {
                int bk = in[pos + k] & 0xFF;
                int lo = k == 1 ? min2 : 0x80;
                int hi = k == 1 ? max2 : 0xBF;
                if (bk < lo || bk > hi) {
                    throw badUtf8();
                }
                cp = (cp << 6) | (bk & 0x3F);
            }
            pos += need + 1;
            return cp;
        }

        /** Decodes one escape; {@code pos} is just after the backslash. */
        private int escape(char[] out, int n) {
            if (pos >= end) {
                throw syntax("unterminated escape");
            }
            byte b = in[pos++];
            switch (b) {
                case '"' -> out[n++] = '"';
                case '\\' -> out[n++] = '\\';
                case '/' -> out[n++] = '/';
                case 'b' -> out[n++] = '\b';
                case 'f' -> out[n++] = '\f';
                case 'n' -> out[n++] = '\n';
                case 'r' -> out[n++] = '\r';
                case 't' -> out[n++] = '\t';
                case 'u' -> {
                    char c = hex4();
                    if (Character.isHighSurrogate(c)) {
                        if (pos + 1 < end && in[pos] == '\\' && in[pos + 1] == 'u') {
                            pos += 2;
                            char low = hex4();
                            if (!Character.isLowSurrogate(low)) {
                                throw new CanonicalJsonException(
                                        Reason.INVALID_UTF8,
                                        "high surrogate escape not followed by a low surrogate at byte " + pos);
                            }
                            out[n++] = c;
                            out[n++] = low;
                        } else {
                            throw new CanonicalJsonException(
                                    Reason.INVALID_UTF8, "unpaired high surrogate escape at byte " + pos);
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        throw new CanonicalJsonException(
                                Reason.INVALID_UTF8, "unpaired low surrogate escape at byte " + pos);
                    } else {
                        out[n++] = c;
                    }
                }
                default -> {
                    pos--;
                    throw syntax("invalid escape");
                }
            }
            return n;
        }

        private char hex4() {
            if (end - pos < 4) {
                throw syntax("truncated \\u escape");
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int b = in[pos++];
                int d;
                if (b >= '0' && b <= '9') {
                    d = b - '0';
                } else if (b >= 'a' && b <= 'f') {
                    d = b - 'a' + 10;
                } else if (b >= 'A' && b <= 'F') {
                    d = b - 'A' + 10;
                } else {
                    pos--;
                    throw syntax("invalid hex digit in \\u escape");
                }
                v = (v << 4) | d;
            }
            return (char) v;
        }
    }
}
