package dev.lattice.clientapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UiaFlowsTest {

    @Test
    void completeWhenEveryStageOfSomeFlowIsDone() {
        UiaFlows flows = new UiaFlows(
                List.of(List.of("m.login.registration_token", "m.login.dummy"), List.of("m.login.password")));
        assertThat(flows.isComplete(List.of())).isFalse();
        assertThat(flows.isComplete(List.of("m.login.dummy"))).isFalse();
        assertThat(flows.isComplete(List.of("m.login.dummy", "m.login.registration_token")))
                .isTrue();
        assertThat(flows.isComplete(List.of("m.login.password"))).isTrue();
        assertThat(flows.offers("m.login.dummy")).isTrue();
        assertThat(flows.offers("m.login.email.identity")).isFalse();
    }

    @Test
    void firstChallengeHasNoErrcodeAndAFailedStageHasOne() {
        UiaFlows flows = UiaFlows.of(UiaFlows.PASSWORD);
        UiaChallenge first = flows.challenge("s1", List.of(), null, null);
        assertThat(first.flows()).containsExactly(new UiaChallenge.Flow(List.of("m.login.password")));
        assertThat(first.errcode()).isNull();
        assertThat(first.session()).isEqualTo("s1");

        UiaChallenge failed = flows.challenge("s1", List.of(), "M_FORBIDDEN", "Invalid password");
        assertThat(failed.errcode()).isEqualTo("M_FORBIDDEN");
    }
}
