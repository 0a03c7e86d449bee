package io.gantry.cloudapi.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.limits.Footprint;
import io.gantry.common.limits.ProvisionLimit;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private static Footprint m(long memory, long disk, String image) {
        return new Footprint(memory, disk, 2, image, "joyent", "other");
    }

    private static ProvisionLimit limit(ProvisionLimit.By by, long value) {
        return new ProvisionLimit(by, value, null, null);
    }

    @Test
    void countLimitAdmitsUpToTheValueAndNamesItWhenFull() {
        var limits = List.of(limit(ProvisionLimit.By.COUNT, 2));
        assertThatCode(() -> Admission.check(limits, List.of(m(128, 1024, "a")), m(128, 1024, "a"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> Admission.check(limits, List.of(m(128, 1024, "a"), m(128, 1024, "a")), m(128, 1024, "a")))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QuotaExceeded))
                .hasMessageContaining("at most 2 machines").hasMessageContaining("2 in use");
    }

    @Test
    void zeroIsUnlimitedAndMinusOneForbidsEverything() {
        List<Footprint> many = java.util.Collections.nCopies(500, m(1024, 1024, "a"));
        assertThatCode(() -> Admission.check(List.of(limit(ProvisionLimit.By.RAM, 0)), many, m(1024, 1024, "a"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> Admission.check(List.of(limit(ProvisionLimit.By.COUNT, -1)), List.of(), m(128, 1024, "a")))
                .hasMessageContaining("no machines");
    }

    @Test
    void ramCountsMebibytesAndQuotaCountsWholeGibibytesRoundedUp() {
        var ram = List.of(limit(ProvisionLimit.By.RAM, 1024));
        assertThatCode(() -> Admission.check(ram, List.of(m(512, 1, "a")), m(512, 1, "a"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> Admission.check(ram, List.of(m(512, 1, "a")), m(513, 1, "a"))).hasMessageContaining("1024 MiB of RAM");
        var quota = List.of(limit(ProvisionLimit.By.QUOTA, 2));
        assertThat(quota.get(0).amountOf(m(1, 1025, "a"))).isEqualTo(2);
        assertThatThrownBy(() -> Admission.check(quota, List.of(m(1, 1024, "a")), m(1, 1025, "a"))).hasMessageContaining("2 GiB of disk");
    }

    @Test
    void aLimitNarrowedToAnImageCountsOnlyThatImage() {
        var perImage = List.of(new ProvisionLimit(ProvisionLimit.By.COUNT, 1, ProvisionLimit.Check.IMAGE, "debian"));
        var existing = List.of(m(128, 1024, "debian"), m(128, 1024, "busybox"), m(128, 1024, "busybox"));
        assertThatCode(() -> Admission.check(perImage, List.of(m(128, 1024, "busybox")), m(128, 1024, "debian"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> Admission.check(perImage, existing, m(128, 1024, "debian"))).hasMessageContaining("with image debian");
        assertThatCode(() -> Admission.check(perImage, existing, m(128, 1024, "busybox"))).doesNotThrowAnyException();
        assertThat(Admission.usage(perImage, existing).get(0).used()).isEqualTo(1);
    }

    @Test
    void everyApplicableLimitMustPass() {
        var limits = List.of(limit(ProvisionLimit.By.COUNT, 10), limit(ProvisionLimit.By.RAM, 256));
        assertThatThrownBy(() -> Admission.check(limits, List.of(m(128, 1, "a")), m(256, 1, "a"))).hasMessageContaining("RAM");
    }

    @Test
    void malformedLimitsAreRefused() {
        assertThatThrownBy(() -> new ProvisionLimit(ProvisionLimit.By.COUNT, -2, null, null)).hasMessageContaining("-1");
        assertThatThrownBy(() -> ProvisionLimit.By.fromWire("cpu")).hasMessageContaining("count, ram, quota or vcpus");
        assertThatThrownBy(() -> new ProvisionLimit(ProvisionLimit.By.COUNT, 1, ProvisionLimit.Check.IMAGE, null)).isInstanceOf(GantryException.class);
    }

    @Test
    void vcpusLimitCountsEachMachinesVcpus() {
        var vcpus = List.of(limit(ProvisionLimit.By.VCPUS, 5));
        assertThat(vcpus.get(0).amountOf(m(128, 1024, "a"))).isEqualTo(2);
        assertThatCode(() -> Admission.check(vcpus, List.of(m(128, 1024, "a")), m(128, 1024, "a"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> Admission.check(vcpus, List.of(m(128, 1024, "a"), m(128, 1024, "a")), m(128, 1024, "a")))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QuotaExceeded))
                .hasMessageContaining("at most 5 vCPUs");
    }
}
