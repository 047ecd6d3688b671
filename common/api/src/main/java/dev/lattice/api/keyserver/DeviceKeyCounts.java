package dev.lattice.api.keyserver;

import java.util.List;
import java.util.Map;

/**
 * A device's key supply, as {@code /sync} reports it.
 *
 * @param oneTimeKeyCounts one-time keys left per algorithm ({@code device_one_time_keys_count})
 * @param unusedFallbackKeyTypes algorithms whose fallback key no claim has used ({@code
 *     device_unused_fallback_key_types})
 */
public record DeviceKeyCounts(Map<String, Long> oneTimeKeyCounts, List<String> unusedFallbackKeyTypes) {
    public DeviceKeyCounts {
        oneTimeKeyCounts = Map.copyOf(oneTimeKeyCounts);
        unusedFallbackKeyTypes = List.copyOf(unusedFallbackKeyTypes);
    }
}
