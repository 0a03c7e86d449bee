package io.gantry.common.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import org.junit.jupiter.api.Test;

class ProvisionLimitTest {

    @Test
    void limitsOfTheSameScopeReplaceEachOtherWhateverTheirValue() {
        var perImage = new ProvisionLimit(ProvisionLimit.By.COUNT, 1, ProvisionLimit.Check.IMAGE, "debian");

        assertThat(perImage.scope()).isEqualTo(new ProvisionLimit(ProvisionLimit.By.COUNT, 7, ProvisionLimit.Check.IMAGE, "debian").scope());
        assertThat(perImage.scope()).isNotEqualTo(new ProvisionLimit(ProvisionLimit.By.COUNT, 1, null, null).scope());
        assertThat(perImage.scope().describe()).isEqualTo("count limit with image debian");
        assertThat(new ProvisionLimit.Scope(ProvisionLimit.By.RAM, null, null).describe()).isEqualTo("ram limit");
    }

    @Test
    void aScopeNeedsItsCheckAndCheckValueTogether() {
        assertThatThrownBy(() -> new ProvisionLimit.Scope(ProvisionLimit.By.COUNT, null, "debian"))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.InvalidArgument))
                .hasMessageContaining("give both or neither");
        assertThatThrownBy(() -> new ProvisionLimit(ProvisionLimit.By.COUNT, 1, ProvisionLimit.Check.OS, null))
                .hasMessageContaining("give both or neither");
    }
}
