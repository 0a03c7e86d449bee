package io.gantry.common.firewall;

import io.gantry.common.GantryException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * One rule in Triton's firewall rule language, read word by word (no regular expression, no recursion):
 *
 * <pre>
 * FROM targets TO targets (ALLOW|BLOCK) protocol ports
 * targets:  target | ( target OR target … )
 * target:   any | all vms | vm UUID | ip ADDRESS | subnet ADDRESS/PREFIX | tag NAME [= VALUE]
 * protocol: tcp | udp | icmp | icmp6
 * ports:    PORT n | PORT all | PORTS n, a-b, … | ( PORT n AND PORT m … )          (tcp, udp; 1-65535)
 *           TYPE t [CODE c] | TYPE all | ( TYPE t [CODE c] AND TYPE u … )          (icmp; 0-255)
 * </pre>
 *
 * Keywords are case-insensitive; a tag name or value may be quoted ({@code tag "my tag" = "a \"b\""}).
 * {@link #toString()} writes the canonical text, which parses back to an equal rule.
 *
 * @param ports for tcp and udp: the ports, empty for all; for icmp: empty
 * @param types for icmp and icmp6: the types, empty for all; for tcp and udp: empty
 */
public record FirewallRule(List<Target> from, List<Target> to, boolean allow, String protocol, List<PortRange> ports,
                           List<IcmpType> types) {
    private static final String FORM = "expected FROM <source> TO <target> ALLOW|BLOCK tcp|udp|icmp|icmp6 <ports>, "
            + "e.g. FROM any TO all vms ALLOW tcp PORT 22";
    private static final int MAX_LENGTH = 8192;

    public FirewallRule {
        from = List.copyOf(from);
        to = List.copyOf(to);
        ports = List.copyOf(ports);
        types = List.copyOf(types);
    }

    /** Where traffic comes from or goes to. */
    public sealed interface Target {
    }

    public record Any() implements Target {
        @Override
        public String toString() {
            return "any";
        }
    }

    public record AllVms() implements Target {
        @Override
        public String toString() {
            return "all vms";
        }
    }

    public record Vm(UUID id) implements Target {
        @Override
        public String toString() {
            return "vm " + id;
        }
    }

    /** @param address canonical text of an IPv4 or IPv6 address */
    public record Ip(String address) implements Target {
        @Override
        public String toString() {
            return "ip " + address;
        }
    }

    /** @param address canonical text of the subnet's address; @param prefix its prefix length */
    public record Subnet(String address, int prefix) implements Target {
        @Override
        public String toString() {
            return "subnet " + address + "/" + prefix;
        }
    }

    /** @param value null when any value of the tag matches */
    public record Tag(String name, String value) implements Target {
        public Tag {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return "tag " + quoted(name) + (value == null ? "" : " = " + quoted(value));
        }
    }

    public record PortRange(int first, int last) {
        @Override
        public String toString() {
            return first == last ? Integer.toString(first) : first + "-" + last;
        }
    }

    /** @param code null for every code of the type */
    public record IcmpType(int type, Integer code) {
        @Override
        public String toString() {
            return "TYPE " + type + (code == null ? "" : " CODE " + code);
        }
    }

    /** Reads a rule; anything that is not one is an {@link io.gantry.common.ErrorCode#InvalidArgument} naming the fault. */
    public static FirewallRule parse(String text) {
        if (text == null || text.isBlank()) {
            throw GantryException.invalid("the rule is empty; " + FORM);
        }
        if (text.length() > MAX_LENGTH) {
            throw GantryException.invalid("the rule is " + text.length() + " characters long; at most " + MAX_LENGTH);
        }
        return new Reader(text).rule();
    }

    /** Whether the rule names this machine on either side: by id, through "all vms", or by one of its tags. */
    public boolean names(UUID machine, Map<String, ?> tags) {
        return from.stream().anyMatch(t -> names(t, machine, tags)) || to.stream().anyMatch(t -> names(t, machine, tags));
    }

    /** Whether one target names this machine: by id, through "all vms", or by one of its tags (any, ip and subnet never do). */
    public static boolean names(Target t, UUID machine, Map<String, ?> tags) {
        if (t instanceof AllVms) {
            return true;
        }
        if (t instanceof Vm vm) {
            return vm.id().equals(machine);
        }
        if (t instanceof Tag tag) {
            return tags.entrySet().stream().anyMatch(e -> e.getKey().equalsIgnoreCase(tag.name())
                    && (tag.value() == null || tag.value().equals(String.valueOf(e.getValue()))));
        }
        return false;
    }

    /** The canonical text, e.g. {@code FROM (any OR tag "role" = "web") TO all vms ALLOW tcp PORTS 80, 8000-8100}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("FROM ").append(targets(from)).append(" TO ").append(targets(to))
                .append(allow ? " ALLOW " : " BLOCK ").append(protocol).append(' ');
        if (protocol.startsWith("icmp")) {
            if (types.isEmpty()) {
                sb.append("TYPE all");
            } else if (types.size() == 1) {
                sb.append(types.get(0));
            } else {
                sb.append(types.stream().map(IcmpType::toString).collect(Collectors.joining(" AND ", "(", ")")));
            }
        } else if (ports.isEmpty()) {
            sb.append("PORT all");
        } else if (ports.size() == 1 && ports.get(0).first() == ports.get(0).last()) {
            sb.append("PORT ").append(ports.get(0));
        } else {
            sb.append("PORTS ").append(ports.stream().map(PortRange::toString).collect(Collectors.joining(", ")));
        }
        return sb.toString();
    }

    private static String targets(List<Target> targets) {
        return targets.size() == 1 ? targets.get(0).toString()
                : targets.stream().map(Target::toString).collect(Collectors.joining(" OR ", "(", ")"));
    }

    private static String quoted(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Splits the text into words, quoted strings and the punctuation ( ) , = and reads the grammar from them. */
    private static final class Reader {
        private final String text;
        private final List<String> tokens = new ArrayList<>();
        private final List<Boolean> quotedTokens = new ArrayList<>();
        private int next;

        Reader(String text) {
            this.text = text;
            tokenize();
        }

        private void tokenize() {
            int i = 0;
            int n = text.length();
            while (i < n) {
                char c = text.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '(' || c == ')' || c == ',' || c == '=') {
                    add(String.valueOf(c), false);
                    i++;
                } else if (c == '"') {
                    StringBuilder sb = new StringBuilder();
                    i++;
                    boolean closed = false;
                    while (i < n) {
                        char q = text.charAt(i++);
                        if (q == '"') {
                            closed = true;
                            break;
                        }
                        if (q == '\\' && i < n) {
                            q = text.charAt(i++);
                        }
                        sb.append(q);
                    }
                    if (!closed) {
                        throw bad("a quoted string is not closed");
                    }
                    add(sb.toString(), true);
                } else {
                    int start = i;
                    while (i < n && !Character.isWhitespace(text.charAt(i)) && "(),=\"".indexOf(text.charAt(i)) < 0) {
                        i++;
                    }
                    add(text.substring(start, i), false);
                }
            }
        }

        private void add(String token, boolean quoted) {
            tokens.add(token);
            quotedTokens.add(quoted);
        }

        FirewallRule rule() {
            keyword("FROM");
            List<Target> from = targets();
            keyword("TO");
            List<Target> to = targets();
            String action = word("ALLOW or BLOCK").toUpperCase(Locale.ROOT);
            if (!action.equals("ALLOW") && !action.equals("BLOCK")) {
                throw bad("expected ALLOW or BLOCK, got '" + action + "'");
            }
            String protocol = word("a protocol (tcp, udp, icmp or icmp6)").toLowerCase(Locale.ROOT);
            List<PortRange> ports = List.of();
            List<IcmpType> types = List.of();
            switch (protocol) {
                case "tcp", "udp" -> ports = ports();
                case "icmp", "icmp6" -> types = types();
                default -> throw bad("protocol '" + protocol + "' is not one of tcp, udp, icmp, icmp6");
            }
            if (next < tokens.size()) {
                throw bad("unexpected '" + tokens.get(next) + "' after the end of the rule");
            }
            return new FirewallRule(from, to, action.equals("ALLOW"), protocol, ports, types);
        }

        private List<Target> targets() {
            if (!punctuation("(")) {
                return List.of(target());
            }
            List<Target> list = new ArrayList<>();
            list.add(target());
            while (!punctuation(")")) {
                keyword("OR");
                list.add(target());
            }
            return list;
        }

        private Target target() {
            String kind = word("a target (any, all vms, vm, ip, subnet or tag)").toLowerCase(Locale.ROOT);
            return switch (kind) {
                case "any" -> new Any();
                case "all" -> {
                    keyword("vms");
                    yield new AllVms();
                }
                case "vm" -> new Vm(uuid(word("a machine UUID after vm")));
                case "ip" -> new Ip(address(word("an IP address after ip")));
                case "subnet" -> subnet(word("a subnet such as 10.0.0.0/24 after subnet"));
                case "tag" -> {
                    String name = value("a tag name after tag");
                    if (name.isEmpty()) {
                        throw bad("a tag name must not be empty");
                    }
                    yield new Tag(name, punctuation("=") ? value("a tag value after =") : null);
                }
                default -> throw bad("'" + kind + "' is not a target: expected any, all vms, vm, ip, subnet or tag");
            };
        }

        private List<PortRange> ports() {
            String kind = word("PORT, PORTS or (").toUpperCase(Locale.ROOT);
            if (kind.equals("(")) {
                List<PortRange> list = new ArrayList<>();
                do {
                    keyword("PORT");
                    int port = port(word("a port number"));
                    list.add(new PortRange(port, port));
                } while (!closeOr("AND"));
                return list;
            }
            if (kind.equals("PORT")) {
                String p = word("a port number or all");
                if (p.equalsIgnoreCase("all")) {
                    return List.of();
                }
                int port = port(p);
                return List.of(new PortRange(port, port));
            }
            if (kind.equals("PORTS")) {
                List<PortRange> list = new ArrayList<>();
                do {
                    list.add(range(word("a port or a range a-b")));
                } while (punctuation(","));
                return list;
            }
            throw bad("expected PORT, PORTS or ( after the protocol, got '" + kind + "'");
        }

        private List<IcmpType> types() {
            String kind = word("TYPE or (").toUpperCase(Locale.ROOT);
            if (kind.equals("(")) {
                List<IcmpType> list = new ArrayList<>();
                do {
                    keyword("TYPE");
                    list.add(type(word("an ICMP type")));
                } while (!closeOr("AND"));
                return list;
            }
            if (!kind.equals("TYPE")) {
                throw bad("expected TYPE or ( after the protocol, got '" + kind + "'");
            }
            String t = word("an ICMP type or all");
            return t.equalsIgnoreCase("all") ? List.of() : List.of(type(t));
        }

        private IcmpType type(String t) {
            int type = number(t, 0, 255, "ICMP type");
            if (next < tokens.size() && tokens.get(next).equalsIgnoreCase("CODE") && !quotedTokens.get(next)) {
                next++;
                return new IcmpType(type, number(word("an ICMP code"), 0, 255, "ICMP code"));
            }
            return new IcmpType(type, null);
        }

        /** After a list element: true on ")", false on the separator keyword. */
        private boolean closeOr(String separator) {
            if (punctuation(")")) {
                return true;
            }
            keyword(separator);
            return false;
        }

        private PortRange range(String text) {
            int dash = text.indexOf('-');
            if (dash < 0) {
                int port = port(text);
                return new PortRange(port, port);
            }
            int first = port(text.substring(0, dash));
            int last = port(text.substring(dash + 1));
            if (first > last) {
                throw bad("port range " + text + " runs backwards");
            }
            return new PortRange(first, last);
        }

        private int port(String text) {
            return number(text, 1, 65535, "port");
        }

        private int number(String text, int min, int max, String what) {
            if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw bad(what + " '" + text + "' is not a number from " + min + " to " + max);
            }
            int v = Integer.parseInt(text);
            if (v < min || v > max) {
                throw bad(what + " " + v + " is out of range: " + min + "-" + max);
            }
            return v;
        }

        private UUID uuid(String text) {
            try {
                UUID id = UUID.fromString(text);
                if (id.toString().equalsIgnoreCase(text)) {
                    return id;
                }
            } catch (IllegalArgumentException e) {
                // below
            }
            throw bad("'" + text + "' after vm is not a UUID");
        }

        private Target subnet(String text) {
            int slash = text.indexOf('/');
            if (slash < 0) {
                throw bad("subnet '" + text + "' has no prefix length, e.g. 10.0.0.0/24");
            }
            String address = address(text.substring(0, slash));
            int prefix = number(text.substring(slash + 1), 0, address.contains(":") ? 128 : 32, "subnet prefix length");
            return new Subnet(address, prefix);
        }

        /** The canonical text of an IPv4 or IPv6 literal; never a name lookup. */
        private String address(String text) {
            if (text.contains(":")) {
                if (text.length() > 45 || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    throw bad("'" + text + "' is not an IP address");
                }
                try {
                    InetAddress a = InetAddress.getByName(text); // an IPv6 literal: parsed, not looked up
                    if (a instanceof Inet4Address) {
                        throw bad("'" + text + "' is an IPv4-mapped address; write it as " + a.getHostAddress());
                    }
                    return a.getHostAddress();
                } catch (UnknownHostException | IllegalArgumentException e) {
                    throw bad("'" + text + "' is not an IP address");
                }
            }
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) {
                throw bad("'" + text + "' is not an IP address");
            }
            StringBuilder sb = new StringBuilder();
            for (String part : parts) {
                if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                        || Integer.parseInt(part) > 255) {
                    throw bad("'" + text + "' is not an IP address");
                }
                sb.append(sb.length() > 0 ? "." : "").append(Integer.parseInt(part));
            }
            return sb.toString();
        }

        private String word(String expected) {
            if (next >= tokens.size()) {
                throw bad("the rule ends where " + expected + " was expected");
            }
            return tokens.get(next++);
        }

        /** A tag name or value: a quoted string, or a word that is not punctuation. */
        private String value(String expected) {
            String v = word(expected);
            if (!quotedTokens.get(next - 1) && (v.equals("(") || v.equals(")") || v.equals(",") || v.equals("="))) {
                throw bad("expected " + expected + ", got '" + v + "'");
            }
            return v;
        }

        private void keyword(String keyword) {
            String w = word(keyword);
            if (!w.equalsIgnoreCase(keyword) || quotedTokens.get(next - 1)) {
                throw bad("expected " + keyword + ", got '" + w + "'");
            }
        }

        private boolean punctuation(String p) {
            if (next < tokens.size() && tokens.get(next).equals(p) && !quotedTokens.get(next)) {
                next++;
                return true;
            }
            return false;
        }

        private GantryException bad(String why) {
            String shown = text.length() > 200 ? text.substring(0, 200) + "…" : text;
            return GantryException.invalid("rule '" + shown.strip().replaceAll("\\s+", " ") + "' is not valid: " + why + "; " + FORM);
        }
    }
}
