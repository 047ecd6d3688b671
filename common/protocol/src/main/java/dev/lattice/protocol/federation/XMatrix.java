package dev.lattice.protocol.federation;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.federation.XMatrixException.Reason;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.ServerName;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code X-Matrix} credentials of an {@code Authorization} header
 * (<a href="https://spec.matrix.org/v1.19/server-server-api/#request-authentication">Request Authentication</a>):
 * {@code X-Matrix origin="a.example",destination="b.example",key="ed25519:1",sig="<base64>"}.
 *
 * @param origin the sending server
 * @param destination the receiving server; optional on receipt for servers older than v1.3, always sent by us
 * @param keyId the key that made {@link #signature()}
 * @param signature the unpadded base64 Ed25519 signature of the request's JSON form
 */
public record XMatrix(ServerName origin, Optional<ServerName> destination, KeyId keyId, String signature) {
    private static final String SCHEME = "X-Matrix";

    public XMatrix {
        requireNonNull(origin, "origin is null");
        requireNonNull(destination, "destination is null");
        requireNonNull(keyId, "keyId is null");
        requireNonNull(signature, "signature is null");
    }

    /**
     * Parses a header value by RFC 9110's credentials grammar: the scheme (any case), at least one space, then
     * comma-separated {@code name=value} pairs where names are case-insensitive, whitespace around {@code =} and
     * {@code ,} is allowed, empty list elements are skipped, and values are tokens or quoted strings with backslash
     * escapes. As the spec asks for compatibility with older servers, an unquoted value may hold any visible
     * character except {@code ,} and {@code "} (colons in {@code ed25519:abc}, {@code /} in base64). Unknown
     * parameters are ignored.
     *
     * @throws XMatrixException if the header is not well-formed X-Matrix credentials
     */
    public static XMatrix parse(String header) {
        requireNonNull(header, "header is null");
        Cursor in = new Cursor(header);
        in.skipWhitespace();
        int schemeStart = in.pos;
        while (!in.atEnd() && isTokenChar(in.peek())) {
            in.pos++;
        }
        String scheme = header.substring(schemeStart, in.pos);
        if (!scheme.equalsIgnoreCase(SCHEME)) {
            throw new XMatrixException(Reason.NOT_X_MATRIX, "the authorization scheme is not X-Matrix");
        }
        if (in.atEnd() || !isWhitespace(in.peek())) {
            throw new XMatrixException(Reason.SYNTAX, "expected a space after X-Matrix");
        }
        Map<String, String> params = new HashMap<>();
        while (true) {
            in.skipWhitespaceAndCommas();
            if (in.atEnd()) {
                break;
            }
            int nameStart = in.pos;
            while (!in.atEnd() && isTokenChar(in.peek())) {
                in.pos++;
            }
            if (in.pos == nameStart) {
                throw new XMatrixException(Reason.SYNTAX, "expected a parameter name at offset " + in.pos);
            }
            String name = header.substring(nameStart, in.pos).toLowerCase(Locale.ROOT);
            in.skipWhitespace();
            if (in.atEnd() || in.peek() != '=') {
                throw new XMatrixException(Reason.SYNTAX, "expected '=' after " + name);
            }
            in.pos++;
            in.skipWhitespace();
            String value = in.atEnd() || in.peek() != '"' ? in.unquoted() : in.quoted();
            if (params.put(name, value) != null) {
                throw new XMatrixException(Reason.DUPLICATE_PARAMETER, "parameter " + name + " appears twice");
            }
            in.skipWhitespace();
            if (!in.atEnd() && in.peek() != ',') {
                throw new XMatrixException(Reason.SYNTAX, "expected ',' after the value of " + name);
            }
        }
        String origin = required(params, "origin");
        String key = required(params, "key");
        String sig = required(params, "sig");
        try {
            return new XMatrix(
                    ServerName.parse(origin),
                    Optional.ofNullable(params.get("destination")).map(ServerName::parse),
                    KeyId.parse(key),
                    sig);
        } catch (InvalidIdException e) {
            throw new XMatrixException(Reason.INVALID_VALUE, e.getMessage());
        }
    }

    /**
     * The header value, every value quoted and lower-case names with one space after the scheme, as the spec asks
     * senders to write it for older servers.
     */
    public String toHeaderValue() {
        StringBuilder out = new StringBuilder(SCHEME).append(" origin=").append(quote(origin.value()));
        destination.ifPresent(d -> out.append(",destination=").append(quote(d.value())));
        return out.append(",key=")
                .append(quote(keyId.value()))
                .append(",sig=")
                .append(quote(signature))
                .toString();
    }

    private static String required(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null) {
            throw new XMatrixException(Reason.MISSING_PARAMETER, "the X-Matrix parameter " + name + " is missing");
        }
        return value;
    }

    private static String quote(String value) {
        // Server names, key IDs and base64 never hold '"' or '\'; escaping keeps the output well-formed regardless.
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** RFC 9110 {@code tchar}. */
    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    private static final class Cursor {
        private final String s;
        private int pos;

        Cursor(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        char peek() {
            return s.charAt(pos);
        }

        void skipWhitespace() {
            while (!atEnd() && isWhitespace(peek())) {
                pos++;
            }
        }

        void skipWhitespaceAndCommas() {
            while (!atEnd() && (isWhitespace(peek()) || peek() == ',')) {
                pos++;
            }
        }

        /** A token, or for compatibility any visible ASCII except {@code ,} and {@code "}. */
        String unquoted() {
            int start = pos;
            while (!atEnd() && peek() > ' ' && peek() < 0x7f && peek() != ',' && peek() != '"') {
                pos++;
            }
            if (pos == start) {
                throw new XMatrixException(Reason.SYNTAX, "expected a value at offset " + pos);
            }
            return s.substring(start, pos);
        }

        /** A quoted string; a backslash-character pair stands for the character. */
        String quoted() {
            StringBuilder out = new StringBuilder();
            pos++; // the opening quote
            while (true) {
                if (atEnd()) {
                    throw new XMatrixException(Reason.SYNTAX, "unterminated quoted value");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    if (atEnd()) {
                        throw new XMatrixException(Reason.SYNTAX, "unterminated escape in a quoted value");
                    }
                    c = s.charAt(pos++);
                }
                if (c < ' ' && c != '\t' || c == 0x7f) {
                    throw new XMatrixException(Reason.SYNTAX, "control character in a quoted value");
                }
                out.append(c);
            }
        }
    }
}
