package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which command a command line runs, as CliLogging tells it before anything logs. */
class CliLoggingTest {
    @Test
    void theCommandIsTheFirstWordAfterTheLaunchersOwnOptions() {
        assertThat(CliLogging.command(new String[] {"--node", "n1", "--state-dir", "/tmp/x", "zone", "list"})).isEqualTo("zone");
        assertThat(CliLogging.command(new String[] {"--node=n1", "agent", "--once"})).isEqualTo("agent");
        assertThat(CliLogging.command(new String[] {"--help"})).isEmpty();
        assertThat(CliLogging.command(new String[] {})).isEmpty();
    }

    @Test
    void theRolesThatKeepTheirLogsAreTheLaunchersLongRunningCommands() {
        assertThat(new picocli.CommandLine(new GantryCommand()).getSubcommands().keySet()).containsAll(CliLogging.ROLES);
        assertThat(CliLogging.ROLES).containsExactlyInAnyOrder("dev", "agent", "cloudapi", "provisioner", "metering", "portal");
    }
}
