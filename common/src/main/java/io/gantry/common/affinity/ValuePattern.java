package io.gantry.common.affinity;

import io.gantry.common.GantryException;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The value side of an affinity rule, as Triton reads it: a literal ({@code db1}), a glob where {@code *} stands
 * for any run of characters and the whole value must match ({@code db*}), or a regular expression between slashes
 * that must be found somewhere in the value ({@code /^db[0-9]+$/}). Equal when their text is equal.
 */
public final class ValuePattern {
    private final String text;
    private final Pattern pattern; // null for a literal

    private ValuePattern(String text, Pattern pattern) {
        this.text = text;
        this.pattern = pattern;
    }

    /** Reads {@code text}; a bad regular expression is an {@link io.gantry.common.ErrorCode#InvalidArgument}. */
    public static ValuePattern of(String text) {
        if (text == null || text.isEmpty()) {
            throw GantryException.invalid("an affinity value must not be empty");
        }
        if (text.length() >= 2 && text.startsWith("/") && text.endsWith("/")) {
            String body = text.substring(1, text.length() - 1);
            if (body.isEmpty()) {
                throw GantryException.invalid("the regular expression " + text + " is empty");
            }
            try {
                return new ValuePattern(text, Pattern.compile(body));
            } catch (PatternSyntaxException e) {
                throw GantryException.invalid("the regular expression " + text + " is not valid: " + e.getDescription());
            }
        }
        if (text.indexOf('*') >= 0) {
            String[] parts = text.split("\\*", -1);
            StringBuilder re = new StringBuilder("^");
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    re.append(".*");
                }
                if (!parts[i].isEmpty()) {
                    re.append(Pattern.quote(parts[i]));
                }
            }
            return new ValuePattern(text, Pattern.compile(re.append('$').toString(), Pattern.DOTALL));
        }
        return new ValuePattern(text, null);
    }

    /**
     * Whether {@code value} matches; null never does. A regular expression that needs more stack than the thread has
     * for this value (java.util.regex recurses per character in patterns such as {@code (a|b)*}) is an
     * {@link io.gantry.common.ErrorCode#InvalidArgument}, not a {@link StackOverflowError}.
     */
    public boolean matches(String value) {
        if (value == null) {
            return false;
        }
        if (pattern == null) {
            return text.equals(value);
        }
        try {
            return pattern.matcher(value).find();
        } catch (StackOverflowError e) {
            throw GantryException.invalid("the regular expression " + text + " is too deep to match a value of "
                    + value.length() + " characters; simplify it (a character class such as [ab]* instead of (a|b)*)");
        }
    }

    /** True for a plain value: no glob, no regular expression. */
    public boolean literal() {
        return pattern == null;
    }

    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValuePattern other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
