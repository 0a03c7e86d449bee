package io.gantry.cloudapi.service;

import io.gantry.common.limits.ProvisionLimit;
import java.util.List;

/**
 * The provisioning limits an account gets when an operator creates it ({@code POST /ops/accounts}), as the dev
 * seed's tenant has them: at most 20 machines and 8192 MiB of RAM. Operators change them with {@code gantry limit}.
 */
public final class DefaultLimits {
    public static final List<ProvisionLimit> NEW_ACCOUNT = List.of(
            new ProvisionLimit(ProvisionLimit.By.COUNT, 20, null, null),
            new ProvisionLimit(ProvisionLimit.By.RAM, 8192, null, null));

    private DefaultLimits() {
    }
}
