package io.gantry.common.affinity;

import io.gantry.common.GantryException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One Triton affinity rule: where a new machine must (or should) go relative to the tenant's machines.
 *
 * <p>Text form {@code KEY OP VALUE}. KEY {@code instance} (synonyms {@code container}, {@code inst}) matches the
 * tenant's machines by name (or by UUID when VALUE is a literal UUID); any other KEY is a tag name and matches
 * machines whose tag of that name has a matching value ({@code role} is just a tag). OP is {@code ==} (must be on a
 * node with a match), {@code !=} (must not), or the soft forms {@code ==~} and {@code !=~} (Triton's spelling;
 * {@code =~} and {@code !~} are accepted too), which only prefer. VALUE is a literal, a glob with {@code *}, or
 * {@code /regex/}; see {@link ValuePattern}.
 *
 * @param key   {@code instance} or a tag name
 * @param equal true for {@code ==} (together), false for {@code !=} (apart)
 * @param soft  a preference rather than a requirement
 * @param value what the machine's name or tag value must match
 */
public record AffinityRule(String key, boolean equal, boolean soft, ValuePattern value) {
    /** What a rule looks at in the tenant's machines. */
    public interface Machine {
        UUID id();

        /** Its name; never null. */
        String name();

        /** Its tags; never null. */
        Map<String, String> tags();
    }

    /** The key for rules about machines themselves rather than their tags. */
    public static final String INSTANCE = "instance";
    /** Far beyond any name or tag; it bounds the regular expressions a tenant can make the placer compile. */
    static final int MAX_LENGTH = 1024;

    private static final String FORMS = "expected KEY==VALUE, KEY!=VALUE, KEY==~VALUE or KEY!=~VALUE, where KEY is "
            + "'instance', 'container' or a tag name (for example instance!=db1, role==~web, instance!=/^db[0-9]+$/)";

    public AffinityRule {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        key = normalizeKey(key);
    }

    /** Reads Triton's rule text; text that is not a rule is an {@link io.gantry.common.ErrorCode#InvalidArgument}. */
    public static AffinityRule parse(String text) {
        if (text == null || text.isBlank()) {
            throw GantryException.invalid("an affinity rule must not be empty; " + FORMS);
        }
        String t = text.strip();
        if (t.length() > MAX_LENGTH) {
            throw GantryException.invalid("an affinity rule is at most " + MAX_LENGTH + " characters; this one is " + t.length());
        }
        int op = -1;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '=' || c == '!' || c == '~') {
                op = i;
                break;
            }
        }
        if (op < 0) {
            throw GantryException.invalid("affinity rule '" + t + "' has no operator; " + FORMS);
        }
        boolean equal;
        boolean soft = false;
        int valueAt;
        if (t.startsWith("==", op)) {
            equal = true;
            valueAt = op + 2;
        } else if (t.startsWith("!=", op)) {
            equal = false;
            valueAt = op + 2;
        } else if (t.startsWith("=~", op)) {
            equal = true;
            soft = true;
            valueAt = op + 2;
        } else if (t.startsWith("!~", op)) {
            equal = false;
            soft = true;
            valueAt = op + 2;
        } else {
            throw GantryException.invalid("affinity rule '" + t + "' has an unknown operator at '" + t.substring(op)
                    + "'; " + FORMS);
        }
        if (!soft && valueAt < t.length() && t.charAt(valueAt) == '~') {
            soft = true;
            valueAt++;
        }
        String key = t.substring(0, op).strip();
        String value = t.substring(valueAt).strip();
        if (!soft && value.startsWith("~")) {
            // "KEY== ~v" would be written back as KEY==~v, the soft rule
            throw GantryException.invalid("affinity rule '" + t + "' is ambiguous: write " + key + (equal ? "==~" : "!=~")
                    + value.substring(1) + " for a preference, or leave out the '~'; " + FORMS);
        }
        if (key.isEmpty()) {
            throw GantryException.invalid("affinity rule '" + t + "' has no key before its operator; " + FORMS);
        }
        if (key.chars().anyMatch(Character::isWhitespace)) {
            throw GantryException.invalid("affinity rule '" + t + "' has a space in its key '" + key + "'; " + FORMS);
        }
        if (value.isEmpty()) {
            throw GantryException.invalid("affinity rule '" + t + "' has no value after its operator; " + FORMS);
        }
        try {
            return new AffinityRule(key, equal, soft, ValuePattern.of(value));
        } catch (GantryException e) {
            throw GantryException.invalid("affinity rule '" + t + "': " + e.getMessage());
        }
    }

    /** Reads each of {@code texts}; null is no rules. */
    public static List<AffinityRule> parseAll(List<String> texts) {
        return texts == null ? List.of() : texts.stream().map(AffinityRule::parse).toList();
    }

    /** True when the rule is about machines by name or id, false when it is about a tag. */
    public boolean instanceRule() {
        return key.equals(INSTANCE);
    }

    /** Whether {@code machine} is one this rule refers to (the tenant is the caller's to check). */
    public boolean matches(Machine machine) {
        if (instanceRule()) {
            // a literal UUID names the machine by id (as Triton does); anything else matches names only
            return value.matches(machine.name()) || value.literal() && value.text().length() == 36
                    && value.text().equalsIgnoreCase(machine.id().toString());
        }
        return value.matches(machine.tags().get(key));
    }

    /** Whether any of {@code machines} matches. */
    public boolean matchesAny(List<? extends Machine> machines) {
        for (int i = 0, n = machines.size(); i < n; i++) {
            if (matches(machines.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** Triton's spelling, e.g. {@code instance!=~db*}. */
    @Override
    public String toString() {
        return key + (equal ? "==" : "!=") + (soft ? "~" : "") + value.text();
    }

    private static String normalizeKey(String key) {
        return switch (key) {
            case "instance", "container", "inst" -> INSTANCE;
            default -> key;
        };
    }
}
