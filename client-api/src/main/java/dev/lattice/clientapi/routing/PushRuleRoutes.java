package dev.lattice.clientapi.routing;

import dev.lattice.clientapi.internal.PushRules;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.MatrixRouter;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Reading push rules; access token. Users cannot change their rules yet, so the write endpoints (PUT/DELETE of a
 * rule, its {@code enabled} or {@code actions}) are not served and answer as unknown.
 * <ul>
 *   <li>{@code GET /_matrix/client/v3/pushrules/} and {@code /pushrules/global/} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3pushrules">spec</a></li>
 *   <li>{@code GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3pushrulesglobalkindruleid">spec</a></li>
 *   <li>{@code GET .../{ruleId}/enabled} and {@code .../{ruleId}/actions} — <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3pushrulesglobalkindruleidenabled">spec</a></li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class PushRuleRoutes {
    private static final String RULES = "/_matrix/client/v3/pushrules";
    private static final String RULE = RULES + "/global/{kind}/{ruleId}";

    @Bean
    RouterFunction<ServerResponse> pushRulesRouter(MatrixRouter router, AccessTokens accessTokens) {
        return router.builder()
                .GET(
                        RULES + "/",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> Responses.ok(Map.of("global", PushRules.ruleset(device.userId())))))
                .GET(
                        RULES + "/global/",
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> Responses.ok(PushRules.ruleset(device.userId()))))
                .GET(RULE, request -> rule(accessTokens, request).flatMap(Responses::ok))
                .GET(
                        RULE + "/enabled",
                        request -> rule(accessTokens, request)
                                .flatMap(rule -> Responses.ok(Map.of("enabled", rule.get("enabled")))))
                .GET(
                        RULE + "/actions",
                        request -> rule(accessTokens, request)
                                .flatMap(rule -> Responses.ok(Map.of("actions", rule.get("actions")))))
                .build();
    }

    private static Mono<Map<String, Object>> rule(AccessTokens accessTokens, ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .map(device ->
                        PushRules.rule(device.userId(), request.pathVariable("kind"), request.pathVariable("ruleId")));
    }
}
