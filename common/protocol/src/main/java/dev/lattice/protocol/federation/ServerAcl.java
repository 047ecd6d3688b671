package dev.lattice.protocol.federation;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.Globs;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A room's server ACL ({@code m.room.server_acl} content) and the spec's decision for a server: an IP literal is
 * denied when {@code allow_ip_literals} is {@code false}; then a {@code deny} match denies, an {@code allow} match
 * allows, anything else is denied. Patterns are case-insensitive globs matched against the host without its port.
 * Entries that are not strings are ignored; {@code allow} missing or not a list means an empty list (deny all), and
 * {@code allow_ip_literals} that is not a boolean means {@code true}, as the event's schema says.
 */
public final class ServerAcl {
    private final boolean allowIpLiterals;
    private final List<Pattern> allow;
    private final List<Pattern> deny;

    private ServerAcl(boolean allowIpLiterals, List<Pattern> allow, List<Pattern> deny) {
        this.allowIpLiterals = allowIpLiterals;
        this.allow = allow;
        this.deny = deny;
    }

    /** The ACL an {@code m.room.server_acl} event's content sets. */
    public static ServerAcl of(JsonObject content) {
        requireNonNull(content, "content is null");
        boolean ipLiterals = !(content.get("allow_ip_literals").orElse(null) instanceof JsonBool b) || b.value();
        return new ServerAcl(ipLiterals, patterns(content, "allow"), patterns(content, "deny"));
    }

    /** Whether {@code server} may take part in the room. */
    public boolean allows(ServerName server) {
        if (server.isIpLiteral() && !allowIpLiterals) {
            return false;
        }
        String host = server.host();
        if (deny.stream().anyMatch(pattern -> pattern.matcher(host).matches())) {
            return false;
        }
        return allow.stream().anyMatch(pattern -> pattern.matcher(host).matches());
    }

    private static List<Pattern> patterns(JsonObject content, String field) {
        if (!(content.get(field).orElse(null) instanceof JsonArray entries)) {
            return List.of();
        }
        return entries.values().stream()
                .filter(JsonString.class::isInstance)
                .map(CanonicalJsonValue.class::cast)
                .map(entry -> Globs.compile(((JsonString) entry).value()))
                .toList();
    }
}
