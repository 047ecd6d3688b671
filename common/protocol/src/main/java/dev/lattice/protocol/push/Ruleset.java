package dev.lattice.protocol.push;

import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A user's {@code global} push rules in evaluation order: override, content, room, sender, underride (each kind as the
 * client stored it, user rules before server-default ones where the server put them so), parsed once and evaluated
 * for many events. Malformed rules are skipped; malformed conditions never match.
 */
public final class Ruleset {
    private static final List<String> KINDS = List.of("override", "content", "room", "sender", "underride");
    private static final EventPath ROOM_ID = EventPath.of(List.of("room_id"));
    private static final EventPath SENDER = EventPath.of(List.of("sender"));

    private final List<PushRule> rules;

    private Ruleset(List<PushRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The rules, in evaluation order. */
    public List<PushRule> rules() {
        return rules;
    }

    /** From the {@code m.push_rules} account data content: {@code {"global": {"override": [...], ...}}}. */
    public static Ruleset fromAccountData(JsonObject content) {
        return of(content.getObject("global").orElse(JsonObject.EMPTY));
    }

    /** From one scope's ruleset: {@code {"override": [...], "content": [...], ...}}. */
    public static Ruleset of(JsonObject scope) {
        List<PushRule> rules = new ArrayList<>();
        for (String kind : KINDS) {
            for (CanonicalJsonValue value :
                    scope.getArray(kind).map(JsonArray::values).orElse(List.of())) {
                if (value instanceof JsonObject rule) {
                    parse(kind, rule).ifPresent(rules::add);
                }
            }
        }
        return new Ruleset(rules);
    }

    private static Optional<PushRule> parse(String kind, JsonObject rule) {
        Optional<String> ruleId = rule.getString("rule_id");
        if (ruleId.isEmpty()) {
            return Optional.empty();
        }
        boolean enabled = rule.getBool("enabled").orElse(true);
        List<CanonicalJsonValue> actions =
                rule.getArray("actions").map(JsonArray::values).orElse(List.of());
        List<PushCondition> conditions = new ArrayList<>();
        switch (kind) {
            case "content" -> {
                Optional<String> pattern = rule.getString("pattern");
                if (pattern.isEmpty()) {
                    return Optional.empty();
                }
                conditions.add(PushCondition.EventMatch.of("content.body", pattern.get()));
            }
            case "room" -> conditions.add(new PushCondition.EventPropertyIs(ROOM_ID, JsonString.of(ruleId.get())));
            case "sender" -> conditions.add(new PushCondition.EventPropertyIs(SENDER, JsonString.of(ruleId.get())));
            default ->
                rule.getArray("conditions")
                        .map(JsonArray::values)
                        .orElse(List.of())
                        .forEach(condition -> conditions.add(PushCondition.parse(condition)));
        }
        return Optional.of(new PushRule(ruleId.get(), enabled, conditions, actions));
    }
}
