package dev.lattice.protocol.stateres;

import dev.lattice.protocol.auth.StateKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * State sets split as state resolution v2 splits them: the entries every set holds alike, and the events of the
 * entries they disagree on (an entry one set lacks counts as a disagreement). A caller that loads events for a
 * resolution needs only the conflicted ones up front.
 *
 * @param unconflicted the entries all sets hold with the same event
 * @param conflicted the event IDs of every other entry, from every set that has one
 */
public record StatePartition(Map<StateKey, String> unconflicted, Set<String> conflicted) {

    public static StatePartition of(List<Map<StateKey, String>> stateSets) {
        Map<StateKey, String> unconflicted = new HashMap<>();
        Set<String> conflicted = new LinkedHashSet<>();
        Set<StateKey> keys = new HashSet<>();
        for (Map<StateKey, String> set : stateSets) {
            keys.addAll(set.keySet());
        }
        for (StateKey key : keys) {
            String first = stateSets.getFirst().get(key);
            boolean same = first != null;
            for (int i = 1; same && i < stateSets.size(); i++) {
                same = first.equals(stateSets.get(i).get(key));
            }
            if (same) {
                unconflicted.put(key, first);
            } else {
                for (Map<StateKey, String> set : stateSets) {
                    String id = set.get(key);
                    if (id != null) {
                        conflicted.add(id);
                    }
                }
            }
        }
        return new StatePartition(unconflicted, conflicted);
    }
}
