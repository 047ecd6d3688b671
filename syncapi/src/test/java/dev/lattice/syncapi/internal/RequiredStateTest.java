package dev.lattice.syncapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequiredStateTest {
    private static final String ME = "@me:x";

    @Test
    void matchesExactPairsWildcardsMeAndLazy() {
        RequiredState state = RequiredState.of(List.of(
                List.of("m.room.name", ""),
                List.of("m.space.child", "*"),
                List.of("m.room.member", "$ME"),
                List.of("m.room.member", "$LAZY")));
        assertThat(state.wants("m.room.name", "", ME, Set.of())).isTrue();
        assertThat(state.wants("m.room.name", "other", ME, Set.of())).isFalse();
        assertThat(state.wants("m.space.child", "!any:x", ME, Set.of())).isTrue();
        assertThat(state.wants("m.room.member", ME, ME, Set.of())).isTrue();
        assertThat(state.wants("m.room.member", "@bob:x", ME, Set.of())).isFalse();
        assertThat(state.wants("m.room.member", "@bob:x", ME, Set.of("@bob:x"))).isTrue();
        assertThat(state.wants("m.room.topic", "", ME, Set.of())).isFalse();
        assertThat(state.lazyMembers()).isTrue();
        assertThat(state.allMembers()).isFalse();
    }

    @Test
    void starStarIsEverything() {
        RequiredState all = RequiredState.of(List.of(List.of("*", "*")));
        assertThat(all.wants("org.example.anything", "key", ME, Set.of())).isTrue();
        assertThat(all.allMembers()).isTrue();
        assertThat(RequiredState.NONE.wants("m.room.name", "", ME, Set.of())).isFalse();
    }

    @Test
    void theJsonIsTheSameWhateverTheOrderAndRepeats() {
        RequiredState a = RequiredState.of(List.of(List.of("b", ""), List.of("a", "x"), List.of("b", "")));
        RequiredState b = RequiredState.of(List.of(List.of("a", "x"), List.of("b", "")));
        assertThat(a).isEqualTo(b);
        assertThat(a.toJson()).isEqualTo("[[\"a\",\"x\"],[\"b\",\"\"]]").isEqualTo(b.toJson());
        assertThat(a.union(RequiredState.of(List.of(List.of("c", "")))).toJson())
                .isEqualTo("[[\"a\",\"x\"],[\"b\",\"\"],[\"c\",\"\"]]");
    }
}
