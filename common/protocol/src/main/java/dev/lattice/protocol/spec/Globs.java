package dev.lattice.protocol.spec;

import java.util.regex.Pattern;

/**
 * The spec's glob-style patterns (appendices, "Glob-style matching"): {@code *} matches any number of characters,
 * {@code ?} exactly one, everything else itself; matched case-insensitively against the whole string. Push rules
 * and server ACLs use them.
 */
public final class Globs {
    /** Case-insensitive over all of Unicode; {@code .} matches line breaks too. */
    public static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL;

    private Globs() {}

    /** The glob as a regular expression (its literal runs quoted); to be matched against the whole string. */
    public static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*?" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return regex.toString();
    }

    /** The glob compiled, for {@link java.util.regex.Matcher#matches()}. */
    public static Pattern compile(String glob) {
        return Pattern.compile(toRegex(glob), FLAGS);
    }
}
