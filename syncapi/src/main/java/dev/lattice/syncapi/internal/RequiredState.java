package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonString;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A room's {@code required_state} in Simplified Sliding Sync (MSC4186): which state events its section carries, as
 * {@code [type, state_key]} pairs. {@code *} as the type or state key matches any; as member state keys,
 * {@code $ME} is the syncing user and {@code $LAZY} the senders of the events in the timeline being sent.
 *
 * <pre>{@code
 * RequiredState wanted = RequiredState.of(List.of(List.of("m.room.name", ""), List.of("m.room.member", "$LAZY")));
 * wanted.wants("m.room.member", "@bob:x", "@me:x", Set.of("@bob:x"));   // true: bob sent a timeline event
 * }</pre>
 */
public final class RequiredState {
    public static final String ANY = "*";
    public static final String ME = "$ME";
    public static final String LAZY = "$LAZY";
    private static final String MEMBER = "m.room.member";

    public static final RequiredState NONE = new RequiredState(new TreeSet<>());

    /** The pairs, sorted and without repeats, as {@code type + '\0' + stateKey}. */
    private final TreeSet<String> pairs;

    private RequiredState(TreeSet<String> pairs) {
        this.pairs = pairs;
    }

    /** From {@code [type, state_key]} pairs, each a list of two strings. */
    public static RequiredState of(Collection<List<String>> pairs) {
        TreeSet<String> out = new TreeSet<>();
        for (List<String> pair : pairs) {
            if (pair.size() != 2) {
                throw new IllegalArgumentException("not a [type, state_key] pair: " + pair);
            }
            out.add(requireNonNull(pair.get(0)) + '\0' + requireNonNull(pair.get(1)));
        }
        return new RequiredState(out);
    }

    /** What either asks for: several lists and subscriptions may cover one room. */
    public RequiredState union(RequiredState other) {
        TreeSet<String> out = new TreeSet<>(pairs);
        out.addAll(other.pairs);
        return new RequiredState(out);
    }

    public boolean isEmpty() {
        return pairs.isEmpty();
    }

    /** Whether {@code $LAZY} member state is asked for. */
    public boolean lazyMembers() {
        return pairs.contains(MEMBER + '\0' + LAZY) || pairs.contains(ANY + '\0' + LAZY);
    }

    /** Whether every member event is asked for: then there is no point in working out lazy ones. */
    public boolean allMembers() {
        return pairs.contains(MEMBER + '\0' + ANY) || pairs.contains(ANY + '\0' + ANY);
    }

    /**
     * Whether the state event {@code (type, stateKey)} is wanted.
     *
     * @param user the syncing user, for {@code $ME}
     * @param lazy the timeline's senders, for {@code $LAZY}
     */
    public boolean wants(String type, String stateKey, String user, Set<String> lazy) {
        for (String pair : pairs) {
            int split = pair.indexOf('\0');
            String wantedType = pair.substring(0, split);
            String wantedKey = pair.substring(split + 1);
            if (!wantedType.equals(ANY) && !wantedType.equals(type)) {
                continue;
            }
            boolean keyMatches = switch (wantedKey) {
                case ANY -> true;
                case ME -> stateKey.equals(user);
                case LAZY -> type.equals(MEMBER) && lazy.contains(stateKey);
                default -> wantedKey.equals(stateKey);
            };
            if (keyMatches) {
                return true;
            }
        }
        return false;
    }

    /** As canonical JSON ({@code [[type, state_key], ...]}, sorted): what a connection records it sent a room with. */
    public String toJson() {
        List<CanonicalJsonValue> out = new ArrayList<>(pairs.size());
        for (String pair : pairs) {
            int split = pair.indexOf('\0');
            out.add(JsonArray.of(JsonString.of(pair.substring(0, split)), JsonString.of(pair.substring(split + 1))));
        }
        return CanonicalJson.encodeToString(new JsonArray(out));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RequiredState state && pairs.equals(state.pairs);
    }

    @Override
    public int hashCode() {
        return pairs.hashCode();
    }

    @Override
    public String toString() {
        return toJson();
    }
}
