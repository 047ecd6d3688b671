package dev.lattice.clientapi.internal;

import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.push.DefaultRules;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A user's push rules: the spec's server-default rules
 * (<a href="https://spec.matrix.org/v1.19/client-server-api/#predefined-rules">predefined rules</a>), in the spec's
 * order, with the user's ID and localpart filled in. Users cannot change them yet (no PUT/DELETE of rules, enabled
 * or actions), so every user's ruleset is the default one: clients read it at start-up ({@code GET /pushrules/})
 * and in {@code /sync} as the {@code m.push_rules} account data. Pure: no I/O.
 */
public final class PushRules {
    /** The account data type under which clients find the ruleset in {@code /sync}. */
    public static final String ACCOUNT_DATA_TYPE = "m.push_rules";
    /** The rule kinds, in the order the spec evaluates them. */
    static final List<String> KINDS = List.of("override", "content", "room", "sender", "underride");

    private static final ObjectWriter WRITER = JsonMapper.builder().build().writer();
    private static final ObjectMapper READER = JsonMapper.builder().build();

    private PushRules() {}

    /** The ruleset of one scope ({@code global}): kind → rules, every kind present (common/protocol's defaults). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> ruleset(UserId user) {
        return READER.readValue(CanonicalJson.encode(DefaultRules.forUser(user)), LinkedHashMap.class);
    }

    /** The {@code m.push_rules} account data content: {@code {"global": ruleset}}, as JSON text. */
    public static String accountDataJson(UserId user) {
        return WRITER.writeValueAsString(Map.of("global", ruleset(user)));
    }

    /** One rule, or 400 {@code M_INVALID_PARAM} for an unknown kind, 404 {@code M_NOT_FOUND} for an unknown rule. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> rule(UserId user, String kind, String ruleId) {
        if (!KINDS.contains(kind)) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Unknown push rule kind " + kind);
        }
        Optional<Map<String, Object>> found = ((List<Map<String, Object>>)
                        ruleset(user).get(kind))
                .stream().filter(rule -> rule.get("rule_id").equals(ruleId)).findFirst();
        return found.orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "Unknown push rule " + ruleId));
    }
}
