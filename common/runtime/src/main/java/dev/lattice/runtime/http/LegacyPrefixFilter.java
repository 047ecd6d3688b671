package dev.lattice.runtime.http;

import java.util.List;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Serves the legacy {@code r0} prefixes ({@code /_matrix/client/r0/}, {@code /_matrix/media/r0/}) as aliases of
 * {@code v3}, once for every service: the request is passed on with its path rewritten, so routes register only
 * their {@code v3} form. Synapse still serves {@code r0}, and older bots, bridges and SDKs call it.
 *
 * <p>Only what existed in r0 (spec r0.6.1) is aliased: the endpoints the spec marks as added in v1.1 or later
 * ({@code x-addedInMatrixVersion}: {@code /refresh}, {@code /knock}, cross-signing uploads, key backup, room and user
 * reports, {@code DELETE} of a profile field, other profile fields than {@code displayname} and {@code avatar_url})
 * stay unknown under {@code r0}, and so does anything new added later, since this list names endpoints rather
 * than excluding some. Endpoints under {@code /v1/} never had an {@code r0} form. A method r0 did not serve at a
 * path it did answers as under {@code v3}, with {@code 405}.
 */
public final class LegacyPrefixFilter implements WebFilter {
    /** The rewritten path, for {@link MatrixErrorHandler}, which sees the request as it came. */
    static final String ALIASED_PATH = LegacyPrefixFilter.class.getName() + ".aliasedPath";

    private record Endpoint(PathPattern pattern, Set<HttpMethod> methods) {
        boolean matches(HttpMethod method, PathContainer path) {
            return pattern.matches(path) && (methods.isEmpty() || methods.contains(method));
        }
    }

    private record Prefix(String legacy, String current, List<Endpoint> endpoints) {}

    private static final List<Prefix> PREFIXES = List.of(
            new Prefix(
                    "/_matrix/client/r0",
                    "/_matrix/client/v3",
                    List.of(
                            any("/account/3pid/**"),
                            any("/account/deactivate"),
                            any("/account/password"),
                            any("/account/password/email/requestToken"),
                            any("/account/password/msisdn/requestToken"),
                            any("/account/whoami"),
                            any("/admin/whois/{userId}"),
                            any("/capabilities"),
                            any("/createRoom"),
                            any("/delete_devices"),
                            any("/devices"),
                            any("/devices/{deviceId}"),
                            any("/directory/list/appservice/{networkId}/{roomId}"),
                            any("/directory/list/room/{roomId}"),
                            any("/directory/room/{roomAlias}"),
                            any("/events"),
                            any("/events/{eventId}"),
                            any("/initialSync"),
                            any("/join/{roomIdOrAlias}"),
                            any("/joined_rooms"),
                            any("/keys/changes"),
                            any("/keys/claim"),
                            any("/keys/query"),
                            any("/keys/upload"),
                            any("/login"),
                            any("/logout"),
                            any("/logout/all"),
                            any("/notifications"),
                            any("/presence/{userId}/status"),
                            any("/profile/{userId}"),
                            only("/profile/{userId}/displayname", HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT),
                            only("/profile/{userId}/avatar_url", HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT),
                            any("/publicRooms"),
                            any("/pushers"),
                            any("/pushers/set"),
                            any("/pushrules/**"),
                            any("/register"),
                            any("/register/available"),
                            any("/register/email/requestToken"),
                            any("/register/msisdn/requestToken"),
                            any("/rooms/{roomId}/aliases"),
                            any("/rooms/{roomId}/ban"),
                            any("/rooms/{roomId}/context/{eventId}"),
                            any("/rooms/{roomId}/event/{eventId}"),
                            any("/rooms/{roomId}/forget"),
                            any("/rooms/{roomId}/initialSync"),
                            any("/rooms/{roomId}/invite"),
                            any("/rooms/{roomId}/join"),
                            any("/rooms/{roomId}/joined_members"),
                            any("/rooms/{roomId}/kick"),
                            any("/rooms/{roomId}/leave"),
                            any("/rooms/{roomId}/members"),
                            any("/rooms/{roomId}/messages"),
                            any("/rooms/{roomId}/read_markers"),
                            any("/rooms/{roomId}/receipt/{receiptType}/{eventId}"),
                            any("/rooms/{roomId}/redact/{eventId}/{txnId}"),
                            any("/rooms/{roomId}/report/{eventId}"),
                            any("/rooms/{roomId}/send/{eventType}/{txnId}"),
                            any("/rooms/{roomId}/state"),
                            any("/rooms/{roomId}/state/{eventType}"),
                            any("/rooms/{roomId}/state/{eventType}/{*stateKey}"),
                            any("/rooms/{roomId}/typing/{userId}"),
                            any("/rooms/{roomId}/unban"),
                            any("/rooms/{roomId}/upgrade"),
                            any("/search"),
                            any("/sendToDevice/{eventType}/{txnId}"),
                            any("/sync"),
                            any("/thirdparty/**"),
                            any("/user/{userId}/account_data/{type}"),
                            any("/user/{userId}/filter"),
                            any("/user/{userId}/filter/{filterId}"),
                            any("/user/{userId}/openid/request_token"),
                            any("/user/{userId}/rooms/{roomId}/account_data/{type}"),
                            any("/user/{userId}/rooms/{roomId}/tags"),
                            any("/user/{userId}/rooms/{roomId}/tags/{tag}"),
                            any("/user_directory/search"),
                            any("/voip/turnServer"))),
            new Prefix(
                    "/_matrix/media/r0",
                    "/_matrix/media/v3",
                    List.of(
                            any("/config"),
                            any("/download/{serverName}/{mediaId}"),
                            any("/download/{serverName}/{mediaId}/{fileName}"),
                            any("/preview_url"),
                            any("/thumbnail/{serverName}/{mediaId}"),
                            // PUT /upload/{serverName}/{mediaId} came in v1.7
                            any("/upload"))));

    private static Endpoint any(String pattern) {
        return new Endpoint(PathPatternParser.defaultInstance.parse(pattern), Set.of());
    }

    private static Endpoint only(String pattern, HttpMethod... methods) {
        return new Endpoint(PathPatternParser.defaultInstance.parse(pattern), Set.of(methods));
    }

    /**
     * The {@code v3} path (still percent-encoded, query excluded) that serves {@code rawPath} under a legacy prefix,
     * or null when {@code rawPath} is not a legacy endpoint.
     */
    static String currentPath(HttpMethod method, String rawPath) {
        for (Prefix prefix : PREFIXES) {
            if (rawPath.startsWith(prefix.legacy() + "/")) {
                String rest = rawPath.substring(prefix.legacy().length());
                PathContainer container = PathContainer.parsePath(rest);
                boolean existed = prefix.endpoints().stream().anyMatch(endpoint -> endpoint.matches(method, container));
                return existed ? prefix.current() + rest : null;
            }
        }
        return null;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String current = currentPath(
                exchange.getRequest().getMethod(),
                exchange.getRequest().getPath().pathWithinApplication().value());
        if (current == null) {
            return chain.filter(exchange);
        }
        exchange.getAttributes().put(ALIASED_PATH, current);
        return chain.filter(
                exchange.mutate().request(request -> request.path(current)).build());
    }
}
