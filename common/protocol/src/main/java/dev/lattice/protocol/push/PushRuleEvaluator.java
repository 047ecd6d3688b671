package dev.lattice.protocol.push;

import java.util.Optional;

/**
 * Evaluates an event against a {@link Ruleset}: the first enabled rule whose conditions all hold decides (the
 * spec's "the first matching rule wins"); no match means no notification.
 *
 * <pre>{@code
 * Ruleset rules = Ruleset.fromAccountData(pushRulesContent);   // once per user, cached
 * Optional<PushRule> rule = PushRuleEvaluator.firstMatch(rules, new PushContext(event, 2, name, 0, powerLevels));
 * boolean notify = rule.map(PushRule::notifies).orElse(false);
 * boolean highlight = rule.map(PushRule::highlights).orElse(false);
 * }</pre>
 */
public final class PushRuleEvaluator {
    private PushRuleEvaluator() {}

    /** The rule that decides for this event, if any matches. */
    public static Optional<PushRule> firstMatch(Ruleset rules, PushContext context) {
        for (PushRule rule : rules.rules()) {
            if (rule.enabled() && rule.matches(context)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }
}
