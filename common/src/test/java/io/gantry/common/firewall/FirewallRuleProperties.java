package io.gantry.common.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Triton's firewall rule language: every listed form is accepted in any keyword case and spacing, the canonical text
 * reads back, ports outside 1-65535 or backwards ranges are refused, and no text fails other than InvalidArgument.
 */
class FirewallRuleProperties {

    @Property
    void aRuleReadsBackFromItsCanonicalText(@ForAll("rules") FirewallRule rule) {
        assertThat(FirewallRule.parse(rule.toString())).isEqualTo(rule);
    }

    @Property
    void everyListedFormIsAcceptedInAnyCaseAndSpacing(@ForAll("targetTexts") String from, @ForAll("targetTexts") String to,
                                                      @ForAll boolean allow, @ForAll("portTexts") String ports,
                                                      @ForAll boolean upper, @ForAll("spaces") String space) {
        String text = String.join(space, kw("FROM", upper), from, kw("TO", upper), to, kw(allow ? "ALLOW" : "BLOCK", upper), ports);
        FirewallRule rule = FirewallRule.parse(text);
        assertThat(rule.allow()).isEqualTo(allow);
        assertThat(FirewallRule.parse(rule.toString())).isEqualTo(rule);
    }

    @Property
    void aPortOutsideOneTo65535IsRefused(@ForAll("badPorts") String port, @ForAll boolean inRange) {
        String text = "FROM any TO all vms ALLOW tcp " + (inRange ? "PORTS 1-" + port : "PORT " + port);
        assertThatThrownBy(() -> FirewallRule.parse(text)).isInstanceOf(GantryException.class)
                .satisfies(e -> assertThat(((GantryException) e).code()).isEqualTo(ErrorCode.InvalidArgument));
    }

    @Property
    void aBackwardsRangeIsRefusedAndAForwardOneKept(@ForAll @IntRange(min = 1, max = 65535) int a,
                                                   @ForAll @IntRange(min = 1, max = 65535) int b) {
        String text = "FROM any TO all vms BLOCK udp PORTS " + a + "-" + b;
        if (a > b) {
            assertThatThrownBy(() -> FirewallRule.parse(text)).hasMessageContaining("runs backwards");
        } else {
            assertThat(FirewallRule.parse(text).ports()).containsExactly(new FirewallRule.PortRange(a, b));
        }
    }

    @Property
    void anyTextIsARuleOrInvalidArgument(@ForAll("texts") String text) {
        Throwable thrown = catchThrowable(() -> FirewallRule.parse(text));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(GantryException.class);
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidArgument);
            assertThat(thrown.getMessage()).doesNotContain("\n").hasSizeLessThan(1000);
        }
    }

    private static String kw(String keyword, boolean upper) {
        return upper ? keyword : keyword.toLowerCase();
    }

    @Provide
    Arbitrary<String> spaces() {
        return Arbitraries.of(" ", "  ", "\t", " \n ");
    }

    private static Arbitrary<UUID> uuids() {
        return Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong()));
    }

    private static Arbitrary<String> ipv4() {
        return Arbitraries.integers().between(0, 255).list().ofSize(4)
                .map(l -> l.stream().map(String::valueOf).reduce((x, y) -> x + "." + y).orElseThrow());
    }

    private static Arbitrary<String> ipv6() {
        return Arbitraries.integers().between(0, 0xffff).list().ofSize(8)
                .map(l -> l.stream().map(Integer::toHexString).reduce((x, y) -> x + ":" + y).orElseThrow());
    }

    private static Arbitrary<String> tagWords() {
        return Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().withChars("_-.").ofMinLength(1).ofMaxLength(12),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12));
    }

    private static Arbitrary<FirewallRule.Target> targets() {
        return Arbitraries.oneOf(
                Arbitraries.just(new FirewallRule.Any()),
                Arbitraries.just(new FirewallRule.AllVms()),
                uuids().map(FirewallRule.Vm::new),
                Arbitraries.oneOf(ipv4(), ipv6().map(a -> FirewallRule.parse("FROM ip " + a + " TO any ALLOW tcp PORT 1")
                        .from().get(0) instanceof FirewallRule.Ip ip ? ip.address() : a)).map(FirewallRule.Ip::new),
                Combinators.combine(ipv4(), Arbitraries.integers().between(0, 32)).as(FirewallRule.Subnet::new),
                Combinators.combine(tagWords(), tagWords().injectNull(0.4)).as(FirewallRule.Tag::new));
    }

    @Provide
    Arbitrary<FirewallRule> rules() {
        Arbitrary<List<FirewallRule.Target>> side = targets().list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<List<FirewallRule.PortRange>> ports = Arbitraries.oneOf(
                Arbitraries.just(List.of()),
                Combinators.combine(Arbitraries.integers().between(1, 65535), Arbitraries.integers().between(0, 100))
                        .as((a, w) -> new FirewallRule.PortRange(a, Math.min(65535, a + w))).list().ofMinSize(1).ofMaxSize(4));
        Arbitrary<List<FirewallRule.IcmpType>> types = Combinators.combine(Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 255).injectNull(0.5)).as(FirewallRule.IcmpType::new).list().ofMaxSize(3);
        return Combinators.combine(side, side, Arbitraries.of(true, false), Arbitraries.of("tcp", "udp", "icmp", "icmp6"), ports, types)
                .as((f, t, allow, proto, p, ty) -> proto.startsWith("icmp")
                        ? new FirewallRule(f, t, allow, proto, List.of(), ty)
                        : new FirewallRule(f, t, allow, proto, p, List.of()));
    }

    /** Targets as people write them, Triton's documentation forms. */
    @Provide
    Arbitrary<String> targetTexts() {
        Arbitrary<String> one = Arbitraries.oneOf(
                Arbitraries.of("any", "ANY", "all vms", "ALL VMS", "All Vms"),
                uuids().map(u -> "vm " + u), uuids().map(u -> "VM " + u.toString().toUpperCase()),
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(8).map(k -> "tag " + k),
                Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
                        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(8)).as((k, v) -> "tag " + k + "=" + v),
                Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
                        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(8)).as((k, v) -> "tag \"" + k + "\" = \"" + v + "\""),
                ipv4().map(a -> "ip " + a), ipv6().map(a -> "ip " + a),
                Combinators.combine(ipv4(), Arbitraries.integers().between(0, 32)).as((a, p) -> "subnet " + a + "/" + p));
        return Arbitraries.oneOf(one, one.list().ofMinSize(2).ofMaxSize(3).map(l -> "(" + String.join(" OR ", l) + ")"));
    }

    @Provide
    Arbitrary<String> portTexts() {
        Arbitrary<Integer> port = Arbitraries.integers().between(1, 65535);
        Arbitrary<Integer> type = Arbitraries.integers().between(0, 255);
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of("tcp", "udp", "TCP"), port).as((p, n) -> p + " PORT " + n),
                Arbitraries.of("tcp PORT all", "udp port ALL"),
                Combinators.combine(Arbitraries.of("tcp", "udp"), port, port)
                        .as((p, a, b) -> p + " PORTS " + Math.min(a, b) + "-" + Math.max(a, b)),
                Combinators.combine(port, port).as((a, b) -> "tcp PORTS " + a + ", " + b),
                Combinators.combine(port, port).as((a, b) -> "udp (PORT " + a + " AND PORT " + b + ")"),
                type.map(t -> "icmp TYPE " + t), Combinators.combine(type, type).as((t, c) -> "icmp TYPE " + t + " CODE " + c),
                Arbitraries.of("icmp TYPE all", "icmp6 TYPE 128"));
    }

    @Provide
    Arbitrary<String> badPorts() {
        return Arbitraries.oneOf(Arbitraries.integers().between(65536, Integer.MAX_VALUE).map(String::valueOf),
                Arbitraries.longs().map(String::valueOf).filter(s -> s.startsWith("-") || s.length() > 5),
                Arbitraries.of("0", "00000", "-1", "+22", "65536", "99999999999999999999", "1e3", "0x16", "٢٢", "", "22.0"));
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> valid = rules().map(FirewallRule::toString);
        Arbitrary<String> dropped = Combinators.combine(valid, Arbitraries.integers().between(0, 30)).as((t, i) -> {
            List<String> words = new ArrayList<>(List.of(t.split(" ")));
            words.remove(i % words.size());
            return String.join(" ", words);
        });
        Arbitrary<String> spliced = Combinators.combine(valid, Arbitraries.integers().between(0, 300),
                Arbitraries.strings().withChars("()=,\"\\ -:/0123456789aAnyORTO").ofMaxLength(4)).as((t, i, s) -> {
                    int at = Math.min(i, t.length());
                    return t.substring(0, at) + s + t.substring(at);
                });
        return Arbitraries.oneOf(valid, dropped, spliced,
                Arbitraries.strings().all().ofMaxLength(80),
                Arbitraries.strings().withChars("FROMTOALLWBCKtcpudPRSYE ()=,\"0123456789").ofMaxLength(80),
                Arbitraries.integers().between(1, 5000).map(n -> "FROM " + "(".repeat(n) + "any" + ")".repeat(n) + " TO any ALLOW tcp PORT 1"),
                Arbitraries.integers().between(1, 3000).map(n -> "FROM (" + "any OR ".repeat(n) + "any) TO any ALLOW tcp PORT 1"),
                Arbitraries.of("", " ", "FROM", "FROM any TO", "FROM any TO any ALLOW", "FROM any TO any ALLOW tcp",
                        "FROM any TO any ALLOW tcp PORT", "FROM any TO any ALLOW tcp PORTS", "FROM any TO any ALLOW tcp PORTS 1,",
                        "FROM any TO any ALLOW tcp (PORT 1", "FROM any TO any ALLOW tcp (PORT 1 AND", "FROM tag \"\" TO any ALLOW tcp PORT 1",
                        "FROM ip ::ffff:1.2.3.4 TO any ALLOW tcp PORT 1", "FROM ip ::1:2:3:4:5:6:7:8:9 TO any ALLOW tcp PORT 1",
                        "FROM ip 1.2.3 TO any ALLOW tcp PORT 1", "FROM ip ::1.2.3 TO any ALLOW tcp PORT 1",
                        "FROM any TO any ALLOW tcp PORT 1 " + "x".repeat(10_000)));
    }
}
