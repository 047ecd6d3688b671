package dev.lattice.protocol.push;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.util.List;

/**
 * One push rule, ready to evaluate: its conditions (for content rules, the {@code pattern} against
 * {@code content.body}; for room and sender rules, the rule ID against {@code room_id} or {@code sender}) and its
 * actions.
 */
public record PushRule(
        String ruleId, boolean enabled, List<PushCondition> conditions, List<CanonicalJsonValue> actions) {

    public PushRule {
        requireNonNull(ruleId, "ruleId is null");
        conditions = List.copyOf(conditions);
        actions = List.copyOf(actions);
    }

    /** Whether every condition holds (a rule without conditions always matches). */
    public boolean matches(PushContext context) {
        for (PushCondition condition : conditions) {
            if (!condition.matches(context)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the actions say to notify. */
    public boolean notifies() {
        return actions.contains(JsonString.of("notify"));
    }

    /** Whether the actions set the {@code highlight} tweak (to true, or without a value, which means true). */
    public boolean highlights() {
        return actions.stream()
                .filter(JsonObject.class::isInstance)
                .map(JsonObject.class::cast)
                .anyMatch(action -> action.getString("set_tweak").orElse("").equals("highlight")
                        && action.getBool("value").orElse(true));
    }
}
