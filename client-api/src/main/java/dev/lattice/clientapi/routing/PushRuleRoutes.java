package dev.lattice.clientapi.routing;

import dev.lattice.clientapi.internal.PushRuleSettings;
import dev.lattice.clientapi.internal.PushRules;
import dev.lattice.clientapi.internal.Pushers;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import java.util.function.BiFunction;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Push rules and pushers; access token. Read and changed through {@link PushRuleSettings} (the rules of {@link PushRules}).
 * <ul>
 *   <li>{@code GET /_matrix/client/v3/pushrules/} and {@code /pushrules/global/} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3pushrules">spec</a></li>
 *   <li>{@code GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3pushrulesglobalkindruleid">spec</a></li>
 *   <li>{@code PUT/DELETE /_matrix/client/v3/pushrules/global/{kind}/{ruleId}} (with {@code before}/{@code after}) — <a href="https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3pushrulesglobalkindruleid">spec</a></li>
 *   <li>{@code GET/PUT .../{ruleId}/enabled} and {@code .../{ruleId}/actions} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3pushrulesglobalkindruleidenabled">spec</a></li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class PushRuleRoutes {
    private static final String RULES = "/_matrix/client/v3/pushrules";
    private static final String RULE = RULES + "/global/{kind}/{ruleId}";

    @Bean
    RouterFunction<ServerResponse> pushRulesRouter(
            MatrixRouter router,
            AccessTokens accessTokens,
            JsonBodies bodies,
            PushRuleSettings settings,
            Pushers pushers) {
        return router.builder()
                .GET(
                        "/_matrix/client/v3/pushers",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(pushers::list)
                                .flatMap(PushRuleRoutes::json))
                .POST(
                        "/_matrix/client/v3/pushers/set",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device ->
                                        bodies.readCanonicalObject(request).flatMap(body -> pushers.set(device, body)))
                                .flatMap(PushRuleRoutes::json))
                .GET(
                        RULES + "/",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> settings.scope(device.userId()))
                                .flatMap(scope -> json(JsonObject.EMPTY.with("global", scope))))
                .GET(
                        RULES + "/global/",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> settings.scope(device.userId()))
                                .flatMap(PushRuleRoutes::json))
                .GET(RULE, request -> rule(accessTokens, settings, request).flatMap(PushRuleRoutes::json))
                .GET(
                        RULE + "/enabled",
                        request -> rule(accessTokens, settings, request)
                                .flatMap(rule -> json(JsonObject.EMPTY.with(
                                        "enabled", rule.get("enabled").orElseThrow()))))
                .GET(
                        RULE + "/actions",
                        request -> rule(accessTokens, settings, request)
                                .flatMap(rule -> json(JsonObject.EMPTY.with(
                                        "actions", rule.get("actions").orElseThrow()))))
                .PUT(
                        RULE,
                        request -> edit(
                                accessTokens,
                                bodies,
                                settings,
                                request,
                                (scope, body) -> PushRules.put(
                                        scope,
                                        kind(request),
                                        ruleId(request),
                                        body,
                                        request.queryParam("before").filter(v -> !v.isEmpty()),
                                        request.queryParam("after").filter(v -> !v.isEmpty()))))
                .DELETE(
                        RULE,
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> settings.edit(
                                        device.userId(),
                                        scope -> PushRules.delete(scope, kind(request), ruleId(request))))
                                .then(json(JsonObject.EMPTY)))
                .PUT(
                        RULE + "/enabled",
                        request -> edit(
                                accessTokens,
                                bodies,
                                settings,
                                request,
                                (scope, body) -> PushRules.setEnabled(scope, kind(request), ruleId(request), body)))
                .PUT(
                        RULE + "/actions",
                        request -> edit(
                                accessTokens,
                                bodies,
                                settings,
                                request,
                                (scope, body) -> PushRules.setActions(scope, kind(request), ruleId(request), body)))
                .build();
    }

    private static Mono<ServerResponse> edit(
            AccessTokens accessTokens,
            JsonBodies bodies,
            PushRuleSettings settings,
            ServerRequest request,
            BiFunction<JsonObject, JsonObject, JsonObject> edit) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> bodies.readCanonicalObject(request)
                        .flatMap(body -> settings.edit(device.userId(), scope -> edit.apply(scope, body))))
                .then(json(JsonObject.EMPTY));
    }

    private static Mono<JsonObject> rule(AccessTokens accessTokens, PushRuleSettings settings, ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> settings.scope(device.userId()))
                .map(scope -> PushRules.rule(scope, kind(request), ruleId(request)));
    }

    private static String kind(ServerRequest request) {
        return request.pathVariable("kind");
    }

    private static String ruleId(ServerRequest request) {
        return request.pathVariable("ruleId");
    }

    private static Mono<ServerResponse> json(JsonObject body) {
        return Responses.okRaw(CanonicalJson.encodeToString(body));
    }
}
