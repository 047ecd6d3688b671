/**
 * Push rules (<a href="https://spec.matrix.org/v1.19/client-server-api/#push-rules">spec</a>): a user's ruleset as
 * clients store it ({@link Ruleset}, parsed from the {@code m.push_rules} account data), and the evaluation of an
 * event against it ({@link PushRuleEvaluator}): which rule matches first and what its actions say (notify,
 * highlight). Pure: the caller supplies the event and what the conditions need of the room.
 */
package dev.lattice.protocol.push;
