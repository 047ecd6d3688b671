package dev.lattice.protocol.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.OptionalInt;

/**
 * A homeserver's name: {@code hostname [":" port]}, the hostname a DNS name, an IPv4 literal or a bracketed IPv6
 * literal (<a href="https://spec.matrix.org/v1.19/appendices/#server-name">Server Name</a>). Case-sensitive.
 */
public record ServerName(String value) {

    public ServerName {
        IdValidation.serverName(value);
    }

    @JsonCreator
    public static ServerName parse(String value) {
        return new ServerName(value);
    }

    /** The hostname, with the brackets of an IPv6 literal kept ({@code [::1]}), without the port. */
    public String host() {
        int colon = portColon();
        return colon < 0 ? value : value.substring(0, colon);
    }

    /** The explicit port, if any. */
    public OptionalInt port() {
        int colon = portColon();
        return colon < 0 ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(value.substring(colon + 1)));
    }

    /** Whether the host is an IPv4 or IPv6 literal rather than a DNS name. */
    public boolean isIpLiteral() {
        String host = host();
        if (host.startsWith("[")) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return host.chars().filter(c -> c == '.').count() == 3;
    }

    private int portColon() {
        int from = value.startsWith("[") ? value.indexOf(']') : 0;
        return value.indexOf(':', from);
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}
