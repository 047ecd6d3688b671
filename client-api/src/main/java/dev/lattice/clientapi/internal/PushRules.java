package dev.lattice.clientapi.internal;

import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonException;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.push.DefaultRules;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A user's push rules (<a href="https://spec.matrix.org/v1.19/client-server-api/#push-rules">spec</a>): the
 * server-default rules of v1.19 ({@link DefaultRules}) with the user's changes, as one {@code global} scope. Pure:
 * the caller stores the scope (as the {@code m.push_rules} account data) and reads it back.
 *
 * <p>A stored scope is always read through {@link #merged}: the current server defaults, each with the user's
 * {@code enabled} and {@code actions} for it, and the user's own rules before the defaults of their kind (after
 * {@code .m.rule.master}, which stays first), so a server upgrade's new defaults reach every user. Edits answer the
 * spec's errors and change nothing on error: an unknown kind or a rule ID the user may not use 400
 * {@code M_INVALID_PARAM} (IDs starting with {@code .} are the server's; a {@code /} cannot be addressed), an unknown
 * rule or {@code before}/{@code after} rule 404 {@code M_NOT_FOUND}, malformed actions or conditions 400
 * {@code M_INVALID_PARAM} (as Synapse), a malformed {@code enabled} 400 {@code M_BAD_JSON}.
 */
public final class PushRules {
    /** The account data type under which clients find the ruleset in {@code /sync}. */
    public static final String ACCOUNT_DATA_TYPE = "m.push_rules";
    /** The rule kinds, in the order the spec evaluates them. */
    static final List<String> KINDS = List.of("override", "content", "room", "sender", "underride");

    private static final String MASTER = ".m.rule.master";
    private static final Set<String> SIMPLE_ACTIONS = Set.of("notify", "dont_notify", "coalesce");

    private PushRules() {}

    /** The user's scope: the defaults with the user's changes from {@code stored} ({@code {"global": ...}} JSON). */
    public static JsonObject merged(UserId user, Optional<String> stored) {
        JsonObject storedScope = stored.flatMap(PushRules::parse)
                .flatMap(content -> content.getObject("global"))
                .orElse(JsonObject.EMPTY);
        JsonObject defaults = DefaultRules.forUser(user);
        JsonObject out = JsonObject.EMPTY;
        for (String kind : KINDS) {
            List<JsonObject> storedRules = rules(storedScope, kind);
            List<CanonicalJsonValue> merged = new ArrayList<>();
            List<JsonObject> defaultRules = rules(defaults, kind);
            for (JsonObject rule : defaultRules) {
                if (id(rule).equals(MASTER)) {
                    merged.add(withUserSettings(rule, storedRules));
                }
            }
            storedRules.stream().filter(rule -> !isServerRule(id(rule))).forEach(merged::add);
            for (JsonObject rule : defaultRules) {
                if (!id(rule).equals(MASTER)) {
                    merged.add(withUserSettings(rule, storedRules));
                }
            }
            out = out.with(kind, new JsonArray(merged));
        }
        return out;
    }

    /** The {@code m.push_rules} account data content for a scope. */
    public static String accountDataJson(JsonObject scope) {
        return CanonicalJson.encodeToString(JsonObject.EMPTY.with("global", scope));
    }

    /** One rule of the scope. */
    public static JsonObject rule(JsonObject scope, String kind, String ruleId) {
        checkKind(kind);
        return rules(scope, kind).stream()
                .filter(rule -> id(rule).equals(ruleId))
                .findFirst()
                .orElseThrow(() -> notFound(ruleId));
    }

    /**
     * {@code PUT /pushrules/global/{kind}/{ruleId}}: adds or replaces a user rule; {@code before}/{@code after} (user
     * rules of the same kind) place it, else a new rule goes first among the user's rules and a replaced one stays.
     */
    public static JsonObject put(
            JsonObject scope,
            String kind,
            String ruleId,
            JsonObject body,
            Optional<String> before,
            Optional<String> after) {
        checkKind(kind);
        checkUserRuleId(ruleId);
        JsonObject rule = JsonObject.EMPTY
                .with("rule_id", JsonString.of(ruleId))
                .with("default", new JsonBool(false))
                .with("enabled", new JsonBool(true))
                .with("actions", actions(body));
        switch (kind) {
            case "override", "underride" -> rule = rule.with("conditions", conditions(body));
            case "content" ->
                rule = rule.with(
                        "pattern",
                        JsonString.of(body.getString("pattern")
                                .orElseThrow(() -> new MatrixException(
                                        ErrorCode.INVALID_PARAM, "A content rule needs a string pattern"))));
            default -> {
                // room and sender rules: the rule ID is the room or the sender
            }
        }
        List<JsonObject> rules = new ArrayList<>(rules(scope, kind));
        int existing = indexOf(rules, ruleId);
        Optional<String> anchor = before.or(() -> after);
        int anchorIndex = -1;
        if (anchor.isPresent()) {
            if (isServerRule(anchor.get())) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "before and after must name a user rule");
            }
            if (indexOf(rules, anchor.get()) < 0) {
                throw new MatrixException(ErrorCode.NOT_FOUND, "No rule " + anchor.get() + " to place it by");
            }
        }
        if (existing >= 0) {
            JsonObject previous = rules.get(existing);
            rule = rule.with("enabled", previous.get("enabled").orElse(new JsonBool(true)));
            if (anchor.isEmpty()) {
                rules.set(existing, rule);
                return scope.with(kind, new JsonArray(List.copyOf(rules)));
            }
            rules.remove(existing);
        }
        if (anchor.isPresent()) {
            anchorIndex = indexOf(rules, anchor.get());
            rules.add(before.isPresent() ? anchorIndex : anchorIndex + 1, rule);
        } else {
            int first = rules.isEmpty() || !id(rules.getFirst()).equals(MASTER) ? 0 : 1;
            rules.add(first, rule);
        }
        return scope.with(kind, new JsonArray(List.copyOf(rules)));
    }

    /** {@code DELETE /pushrules/global/{kind}/{ruleId}}: user rules only. */
    public static JsonObject delete(JsonObject scope, String kind, String ruleId) {
        checkKind(kind);
        if (isServerRule(ruleId)) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Server-default rules cannot be deleted");
        }
        List<JsonObject> rules = new ArrayList<>(rules(scope, kind));
        int index = indexOf(rules, ruleId);
        if (index < 0) {
            throw notFound(ruleId);
        }
        rules.remove(index);
        return scope.with(kind, new JsonArray(List.copyOf(rules)));
    }

    /** {@code PUT .../{ruleId}/enabled}: {@code {"enabled": true|false}}, for any rule. */
    public static JsonObject setEnabled(JsonObject scope, String kind, String ruleId, JsonObject body) {
        boolean enabled = switch (body.get("enabled").orElse(null)) {
            case null -> throw new MatrixException(ErrorCode.MISSING_PARAM, "enabled is required");
            case JsonBool value -> value.value();
            default -> throw new MatrixException(ErrorCode.BAD_JSON, "enabled must be a boolean");
        };
        return replace(scope, kind, ruleId, rule -> rule.with("enabled", new JsonBool(enabled)));
    }

    /** {@code PUT .../{ruleId}/actions}: {@code {"actions": [...]}}, for any rule. */
    public static JsonObject setActions(JsonObject scope, String kind, String ruleId, JsonObject body) {
        JsonArray actions = actions(body);
        return replace(scope, kind, ruleId, rule -> rule.with("actions", actions));
    }

    private static JsonObject replace(JsonObject scope, String kind, String ruleId, UnaryOperator<JsonObject> change) {
        checkKind(kind);
        List<JsonObject> rules = new ArrayList<>(rules(scope, kind));
        int index = indexOf(rules, ruleId);
        if (index < 0) {
            throw notFound(ruleId);
        }
        rules.set(index, change.apply(rules.get(index)));
        return scope.with(kind, new JsonArray(List.copyOf(rules)));
    }

    /** {@code actions}: an array of {@code notify} (and the deprecated no-ops) and {@code set_tweak} objects. */
    private static JsonArray actions(JsonObject body) {
        JsonArray actions = body.getArray("actions")
                .orElseThrow(() -> new MatrixException(ErrorCode.INVALID_PARAM, "actions must be an array"));
        for (CanonicalJsonValue action : actions.values()) {
            boolean valid = switch (action) {
                case JsonString name -> SIMPLE_ACTIONS.contains(name.value());
                case JsonObject tweak -> tweak.getString("set_tweak").isPresent();
                default -> false;
            };
            if (!valid) {
                throw new MatrixException(
                        ErrorCode.INVALID_PARAM, "Invalid action " + CanonicalJson.encodeToString(action));
            }
        }
        return actions;
    }

    /** {@code conditions}: an array of objects, each with a string {@code kind}; absent means none. */
    private static JsonArray conditions(JsonObject body) {
        if (!body.has("conditions")) {
            return new JsonArray(List.of());
        }
        JsonArray conditions = body.getArray("conditions")
                .orElseThrow(() -> new MatrixException(ErrorCode.INVALID_PARAM, "conditions must be an array"));
        for (CanonicalJsonValue condition : conditions.values()) {
            if (!(condition instanceof JsonObject object)
                    || object.getString("kind").isEmpty()) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "Each condition needs a kind");
            }
        }
        return conditions;
    }

    private static JsonObject withUserSettings(JsonObject defaultRule, List<JsonObject> storedRules) {
        return storedRules.stream()
                .filter(rule -> id(rule).equals(id(defaultRule)))
                .findFirst()
                .map(rule -> defaultRule
                        .with(
                                "enabled",
                                rule.get("enabled")
                                        .orElse(defaultRule.get("enabled").orElseThrow()))
                        .with(
                                "actions",
                                rule.get("actions")
                                        .orElse(defaultRule.get("actions").orElseThrow())))
                .orElse(defaultRule);
    }

    private static void checkKind(String kind) {
        if (!KINDS.contains(kind)) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Unknown push rule kind " + kind);
        }
    }

    private static void checkUserRuleId(String ruleId) {
        if (ruleId.isEmpty() || isServerRule(ruleId) || ruleId.contains("/") || ruleId.contains("\\")) {
            throw new MatrixException(
                    ErrorCode.INVALID_PARAM, "Rule IDs must not be empty, start with '.' or hold '/' or '\\\\'");
        }
    }

    private static boolean isServerRule(String ruleId) {
        return ruleId.startsWith(".");
    }

    private static MatrixException notFound(String ruleId) {
        return new MatrixException(ErrorCode.NOT_FOUND, "Unknown push rule " + ruleId);
    }

    private static List<JsonObject> rules(JsonObject scope, String kind) {
        return scope.getArray(kind).map(JsonArray::values).orElse(List.of()).stream()
                .filter(JsonObject.class::isInstance)
                .map(JsonObject.class::cast)
                .filter(rule -> rule.getString("rule_id").isPresent())
                .toList();
    }

    private static int indexOf(List<JsonObject> rules, String ruleId) {
        for (int i = 0; i < rules.size(); i++) {
            if (id(rules.get(i)).equals(ruleId)) {
                return i;
            }
        }
        return -1;
    }

    private static String id(JsonObject rule) {
        return rule.getString("rule_id").orElse("");
    }

    private static Optional<JsonObject> parse(String json) {
        try {
            return Optional.of(CanonicalJson.parseObject(json));
        } catch (CanonicalJsonException e) {
            return Optional.empty();
        }
    }
}
