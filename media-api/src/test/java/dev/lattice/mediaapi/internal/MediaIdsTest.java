package dev.lattice.mediaapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Media IDs: random, and only of the spec's characters. */
class MediaIdsTest {

    @Test
    void generatedIdsAreValidAndDistinct() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = MediaIds.generate();
            assertThat(id).matches("[A-Za-z0-9_-]{24}");
            ids.add(id);
        }
        assertThat(ids).hasSize(1000);
    }

    @Test
    void onlyTheSpecsCharactersAreValid() {
        assertThat(MediaIds.isValid("AQwafuaFswefuhsfAFAgsw")).isTrue();
        assertThat(MediaIds.isValid("a-b_c")).isTrue();
        assertThat(MediaIds.isValid("")).isFalse();
        assertThat(MediaIds.isValid("..")).isFalse();
        assertThat(MediaIds.isValid("a/b")).isFalse();
        assertThat(MediaIds.isValid("a%2Fb")).isFalse();
        assertThat(MediaIds.isValid("é")).isFalse();
        assertThat(MediaIds.isValid("a".repeat(256))).isFalse();
    }
}
