package dev.lattice.clientapi.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccessTokenCacheTest {
    private static final byte[] HASH = "hash-of-a-token".getBytes(UTF_8);
    private static final StoredAccessToken TOKEN = new StoredAccessToken("alice", "PHONE", null, null, null);

    @Test
    void aLookupThatReadBeforeARevocationDoesNotPutItsAnswerInAfterwards() {
        AccessTokenCache cache = new AccessTokenCache();
        long seenBeforeTheRead = cache.generation();
        cache.forget("alice", List.of("PHONE")); // committed while the lookup was reading
        cache.put(HASH, TOKEN, seenBeforeTheRead);
        assertThat(cache.get(HASH)).isEmpty();

        cache.put(HASH, TOKEN, cache.generation());
        assertThat(cache.get(HASH)).contains(TOKEN);
    }

    @Test
    void forgettingADeviceDropsOnlyThatDevicesTokens() {
        AccessTokenCache cache = new AccessTokenCache();
        byte[] laptop = "hash-of-another".getBytes(UTF_8);
        StoredAccessToken laptopToken = new StoredAccessToken("alice", "LAPTOP", null, null, null);
        cache.put(HASH, TOKEN, cache.generation());
        cache.put(laptop, laptopToken, cache.generation());
        cache.forget("alice", List.of("PHONE"));
        assertThat(cache.get(HASH)).isEmpty();
        assertThat(cache.get(laptop)).contains(laptopToken);
    }

    @Test
    void holdsAtMostItsBoundLeastRecentlyUsedFirstOut() {
        AccessTokenCache cache = new AccessTokenCache();
        cache.put(HASH, TOKEN, cache.generation());
        for (int i = 0; i < AccessTokenCache.TOKENS; i++) {
            if (i % 1_000 == 0) {
                assertThat(cache.get(HASH)).isPresent(); // used lately: kept
            }
            cache.put(("other-" + i).getBytes(UTF_8), TOKEN, cache.generation());
        }
        byte[] first = "other-0".getBytes(UTF_8);
        assertThat(cache.get(HASH)).isPresent();
        assertThat(cache.get(first)).isEmpty();
    }
}
