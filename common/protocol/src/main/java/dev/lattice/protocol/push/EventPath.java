package dev.lattice.protocol.push;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A path into an event ({@code content.body} is {@code [content, body]}), interned: every condition naming the same
 * path shares one instance with a small dense {@code id}, so {@link PushContext} keeps an event's values in an array
 * by id rather than hashing paths for every member a rule is evaluated for.
 */
public record EventPath(int id, List<String> steps) {
    private static final Map<List<String>, EventPath> INTERNED = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT_ID = new AtomicInteger();

    public EventPath {
        steps = List.copyOf(requireNonNull(steps, "steps is null"));
    }

    /** The interned path of these steps. */
    public static EventPath of(List<String> steps) {
        return INTERNED.computeIfAbsent(List.copyOf(steps), s -> new EventPath(NEXT_ID.getAndIncrement(), s));
    }

    /** The interned path of a dotted key ({@link PushCondition#path} reads the spec's escaping). */
    public static EventPath ofKey(String key) {
        return of(PushCondition.path(key));
    }

    /** How many paths exist so far: an upper bound of every id. */
    static int count() {
        return NEXT_ID.get();
    }
}
