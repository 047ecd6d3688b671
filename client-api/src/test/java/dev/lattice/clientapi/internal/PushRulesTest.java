package dev.lattice.clientapi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PushRulesTest {
    private static final UserId ALICE = UserId.parse("@alice:example.org");
    private static final JsonObject RULE = CanonicalJson.parseObject("{\"pattern\":\"x\",\"actions\":[\"notify\"]}");

    @Test
    void ruleIdsThatAreTheServersOrCannotBeAddressedAreRefused() {
        JsonObject scope = PushRules.merged(ALICE, Optional.empty());
        for (String bad : new String[] {"a/b", ".mine", "", "back\\slash"}) {
            assertThatThrownBy(() -> PushRules.put(scope, "content", bad, RULE, Optional.empty(), Optional.empty()))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            MatrixException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAM));
        }
    }

    @Test
    void storedRulesKeepTheirSettingsOverNewServerDefaults() {
        JsonObject scope = PushRules.merged(ALICE, Optional.empty());
        JsonObject edited = PushRules.setEnabled(
                PushRules.put(scope, "content", "tea", RULE, Optional.empty(), Optional.empty()),
                "override",
                ".m.rule.master",
                CanonicalJson.parseObject("{\"enabled\":true}"));
        // What is stored is read back merged: the same rules, whatever the defaults were when it was written.
        JsonObject again = PushRules.merged(ALICE, Optional.of(PushRules.accountDataJson(edited)));
        assertThat(again).isEqualTo(edited);
        // A stored ruleset that lost a default rule (written by an older version) gets it back.
        JsonObject withoutUnderride = edited.with("underride", new JsonArray(List.of()));
        assertThat(PushRules.merged(ALICE, Optional.of(PushRules.accountDataJson(withoutUnderride)))
                        .getArray("underride"))
                .isEqualTo(edited.getArray("underride"));
    }
}
