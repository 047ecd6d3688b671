package dev.lattice.protocol.push.bench;

import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.push.DefaultRules;
import dev.lattice.protocol.push.PushContext;
import dev.lattice.protocol.push.PushRule;
import dev.lattice.protocol.push.PushRuleEvaluator;
import dev.lattice.protocol.push.Ruleset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Issue #11's push rule goal: evaluating one new message against the push rules of every member of a room of 1,000
 * (each with the server defaults for their own ID and name, parsed once as the syncapi caches them), under 1 ms per
 * event for the whole room. The message mentions nobody, so every member's evaluation runs the override rules (display
 * name and user mentions included) and the content rule before the message rule decides: the common, full path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PushRuleBenchmark {
    @Param({"1000"})
    int members;

    private final List<Ruleset> rulesets = new ArrayList<>();
    private final List<Optional<String>> names = new ArrayList<>();

    @Setup
    public void setUp() {
        JsonObject message = CanonicalJson.parseObject("{\"type\":\"m.room.message\",\"sender\":\"@someone:example.org\","
                + "\"room_id\":\"!room:example.org\",\"content\":{\"msgtype\":\"m.text\","
                + "\"body\":\"Lunch is ready in the kitchen, come and get it while it is still warm\"}}");
        JsonObject powerLevels = CanonicalJson.parseObject("{\"users\":{\"@someone:example.org\":50}}");
        for (int i = 0; i < members; i++) {
            UserId user = UserId.parse("@member" + i + ":example.org");
            rulesets.add(Ruleset.of(DefaultRules.forUser(user)));
            names.add(Optional.of("Member Number " + i));
        }
        this.message = message;
        this.powerLevels = powerLevels;
    }

    private JsonObject message;
    private JsonObject powerLevels;

    /**
     * The whole room, as the syncapi does it: one context per event (its fields read once), each member's rules
     * with the member's display name; the number of members it notifies.
     */
    @Benchmark
    public int wholeRoom() {
        PushContext context = new PushContext(message, members, Optional.empty(), 50, powerLevels);
        int notified = 0;
        for (int i = 0; i < members; i++) {
            Optional<PushRule> rule =
                    PushRuleEvaluator.firstMatch(rulesets.get(i), context.withDisplayName(names.get(i)));
            if (rule.map(PushRule::notifies).orElse(false)) {
                notified++;
            }
        }
        return notified;
    }
}
