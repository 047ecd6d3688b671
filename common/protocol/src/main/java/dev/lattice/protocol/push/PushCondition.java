package dev.lattice.protocol.push;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One condition of a push rule; {@link #matches} is all a rule asks of it. */
public sealed interface PushCondition {

    /** Whether the event, in its room, meets the condition. */
    boolean matches(PushContext context);

    /**
     * {@code event_match}: the glob ({@code *}, {@code ?}) matches the whole string value at {@code key},
     * case-insensitively; for {@code content.body} it matches a whole word of it (Synapse's behaviour, which the
     * default rules rely on). A missing or non-string value never matches.
     */
    record EventMatch(EventPath path, Pattern pattern, boolean words, Optional<String> literal)
            implements PushCondition {
        public EventMatch {
            requireNonNull(path, "path is null");
            requireNonNull(pattern, "pattern is null");
            requireNonNull(literal, "literal is null");
        }

        static EventMatch of(String key, String glob) {
            boolean words = key.equals("content.body");
            // Most patterns (a user's name, "@room", event types) have no wildcard: matched without a regex.
            Optional<String> literal =
                    glob.indexOf('*') < 0 && glob.indexOf('?') < 0 ? Optional.of(glob) : Optional.empty();
            return new EventMatch(EventPath.ofKey(key), Globs.compile(glob, words), words, literal);
        }

        @Override
        public boolean matches(PushContext context) {
            if (literal.isPresent()) {
                return context.lowered(path)
                        .map(value -> words ? Globs.containsWord(value, literal.get()) : value.equals(literal.get()))
                        .orElse(false);
            }
            Optional<CanonicalJsonValue> found = context.value(path);
            if (found.isEmpty() || !(found.get() instanceof JsonString string)) {
                return false;
            }
            Matcher matcher = pattern.matcher(string.value());
            return words ? matcher.find() : matcher.matches();
        }
    }

    /** {@code event_property_is}: the value at {@code key} is exactly {@code value} (string, integer, boolean, null). */
    record EventPropertyIs(EventPath path, CanonicalJsonValue value) implements PushCondition {
        public EventPropertyIs {
            requireNonNull(path, "path is null");
            requireNonNull(value, "value is null");
        }

        @Override
        public boolean matches(PushContext context) {
            return context.value(path).map(value::equals).orElse(false);
        }
    }

    /** {@code event_property_contains}: the value at {@code key} is an array holding {@code value}. */
    record EventPropertyContains(EventPath path, CanonicalJsonValue value) implements PushCondition {
        public EventPropertyContains {
            requireNonNull(path, "path is null");
            requireNonNull(value, "value is null");
        }

        @Override
        public boolean matches(PushContext context) {
            return context.value(path)
                    .filter(JsonArray.class::isInstance)
                    .map(array -> ((JsonArray) array).values().contains(value))
                    .orElse(false);
        }
    }

    /** {@code contains_display_name}: {@code content.body} holds the user's display name as a whole word. */
    record ContainsDisplayName() implements PushCondition {
        private static final EventPath BODY = EventPath.of(List.of("content", "body"));

        @Override
        public boolean matches(PushContext context) {
            Optional<String> name = context.displayName().filter(n -> !n.isBlank());
            if (name.isEmpty()) {
                return false;
            }
            String lowerName = name.get().toLowerCase(Locale.ROOT);
            return context.lowered(BODY)
                    .map(body -> Globs.containsWord(body, lowerName))
                    .orElse(false);
        }
    }

    /** {@code room_member_count}: {@code is} is {@code ==n}, {@code <n}, {@code >n}, {@code <=n}, {@code >=n} or {@code n}. */
    record RoomMemberCount(String operator, long count) implements PushCondition {
        static Optional<RoomMemberCount> parse(String is) {
            Matcher matcher = Pattern.compile("(==|<=|>=|<|>)?([0-9]+)").matcher(is);
            if (!matcher.matches()) {
                return Optional.empty();
            }
            try {
                return Optional.of(new RoomMemberCount(
                        matcher.group(1) == null ? "==" : matcher.group(1), Long.parseLong(matcher.group(2))));
            } catch (NumberFormatException tooBig) {
                return Optional.empty();
            }
        }

        @Override
        public boolean matches(PushContext context) {
            long members = context.memberCount();
            return switch (operator) {
                case "==" -> members == count;
                case "<" -> members < count;
                case ">" -> members > count;
                case "<=" -> members <= count;
                case ">=" -> members >= count;
                default -> false;
            };
        }
    }

    /** {@code sender_notification_permission}: the sender's power level reaches {@code notifications.<key>}. */
    record SenderNotificationPermission(String key) implements PushCondition {
        @Override
        public boolean matches(PushContext context) {
            return context.senderPowerLevel() >= context.notificationPowerLevel(key);
        }
    }

    /** A condition of a kind this server does not know, or malformed: never matches, as the spec says. */
    record Unknown(String kind) implements PushCondition {
        @Override
        public boolean matches(PushContext context) {
            return false;
        }
    }

    /** A condition from its JSON; malformed or unknown conditions are {@link Unknown}. */
    static PushCondition parse(CanonicalJsonValue json) {
        if (!(json instanceof JsonObject condition)) {
            return new Unknown("");
        }
        String kind = condition.getString("kind").orElse("");
        Optional<String> key = condition.getString("key");
        return switch (kind) {
            case "event_match" ->
                key.flatMap(k -> condition.getString("pattern").map(p -> EventMatch.of(k, p)))
                        .<PushCondition>map(c -> c)
                        .orElse(new Unknown(kind));
            case "event_property_is" ->
                key.flatMap(k -> condition
                                .get("value")
                                .filter(PushCondition::scalar)
                                .map(v -> new EventPropertyIs(EventPath.ofKey(k), v)))
                        .<PushCondition>map(c -> c)
                        .orElse(new Unknown(kind));
            case "event_property_contains" ->
                key.flatMap(k -> condition
                                .get("value")
                                .filter(PushCondition::scalar)
                                .map(v -> new EventPropertyContains(EventPath.ofKey(k), v)))
                        .<PushCondition>map(c -> c)
                        .orElse(new Unknown(kind));
            case "contains_display_name" -> new ContainsDisplayName();
            case "room_member_count" ->
                condition
                        .getString("is")
                        .flatMap(RoomMemberCount::parse)
                        .<PushCondition>map(c -> c)
                        .orElse(new Unknown(kind));
            case "sender_notification_permission" ->
                key.<PushCondition>map(SenderNotificationPermission::new).orElse(new Unknown(kind));
            default -> new Unknown(kind);
        };
    }

    private static boolean scalar(CanonicalJsonValue value) {
        return !(value instanceof JsonObject) && !(value instanceof JsonArray);
    }

    /**
     * A dotted key as a path: {@code content.m\.relates_to.rel_type} is {@code [content, m.relates_to, rel_type]};
     * {@code \.} is a literal dot and {@code \\} a literal backslash (the spec's escaping).
     */
    static List<String> path(String key) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\\' && i + 1 < key.length() && (key.charAt(i + 1) == '.' || key.charAt(i + 1) == '\\')) {
                part.append(key.charAt(++i));
            } else if (c == '.') {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    /** Glob patterns as compiled regular expressions (compiled once per rule, not per event). */
    final class Globs {
        private Globs() {}

        static Pattern compile(String glob, boolean words) {
            return words
                    ? wordPattern(dev.lattice.protocol.spec.Globs.toRegex(glob))
                    : dev.lattice.protocol.spec.Globs.compile(glob);
        }

        /**
         * Whether the lower-cased {@code text} holds the lower-cased {@code word}, not preceded or followed by a
         * letter, digit or underscore: the word-boundary match of {@link #wordPattern} without a regular expression.
         */
        static boolean containsWord(String text, String word) {
            int length = word.length();
            if (length == 0) {
                return false;
            }
            for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
                if ((i == 0 || !wordChar(text.charAt(i - 1)))
                        && (i + length == text.length() || !wordChar(text.charAt(i + length)))) {
                    return true;
                }
            }
            return false;
        }

        private static boolean wordChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_';
        }

        /** Matches {@code regex} as a whole word: not preceded or followed by a letter, digit or underscore. */
        static Pattern wordPattern(String regex) {
            return Pattern.compile(
                    "(?<![\\p{L}\\p{N}_])(?:" + regex + ")(?![\\p{L}\\p{N}_])", dev.lattice.protocol.spec.Globs.FLAGS);
        }
    }
}
