package dev.lattice.clientapi.internal;

import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code GET /capabilities}: what this server lets clients do. */
public final class Capabilities {
    private final Map<String, Object> capabilities;

    public Capabilities() {
        Map<String, String> available = new LinkedHashMap<>();
        for (RoomVersionRules rules : RoomVersions.ALL) {
            available.put(rules.id().toString(), rules.disposition().name().toLowerCase(Locale.ROOT));
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("m.change_password", Map.of("enabled", true));
        all.put("m.room_versions", Map.of("default", RoomCreation.DEFAULT_VERSION.toString(), "available", available));
        all.put("m.set_displayname", Map.of("enabled", true));
        all.put("m.set_avatar_url", Map.of("enabled", true));
        all.put("m.3pid_changes", Map.of("enabled", false));
        all.put("m.get_login_token", Map.of("enabled", false));
        all.put("m.profile_fields", Map.of("enabled", true, "allowed", List.copyOf(Profiles.FIELDS)));
        this.capabilities = Map.of("capabilities", Map.copyOf(all));
    }

    public Map<String, Object> capabilities() {
        return capabilities;
    }
}
