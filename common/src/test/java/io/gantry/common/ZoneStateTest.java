package io.gantry.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ZoneStateTest {

    @ParameterizedTest
    @CsvSource({
            "provisioning, running", "provisioning, failed", "running, stopping", "stopping, stopped",
            "stopped, running", "running, unknown", "unknown, running", "failed, deleted", "stopped, deleted"})
    void legalTransitionsAreAllowed(String from, String to) {
        assertThat(ZoneState.fromWire(from).checkTransition(ZoneState.fromWire(to))).isEqualTo(ZoneState.fromWire(to));
    }

    @ParameterizedTest
    @CsvSource({
            "deleted, running", "deleted, provisioning", "failed, running", "stopped, provisioning",
            "running, provisioning", "failed, stopped"})
    void illegalTransitionsAreRefusedWithInvalidState(String from, String to) {
        assertThatThrownBy(() -> ZoneState.fromWire(from).checkTransition(ZoneState.fromWire(to)))
                .isInstanceOf(GantryException.class)
                .hasMessageContaining("cannot go from " + from + " to " + to)
                .extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.InvalidState);
    }

    @Test
    void deletedIsTheOnlyTerminalState() {
        for (ZoneState s : ZoneState.values()) {
            assertThat(s.isTerminal()).as(s.wireName()).isEqualTo(s == ZoneState.DELETED);
        }
    }

    @Test
    void wireNamesAreTritonsLowerCaseNames() {
        assertThat(Json.write(ZoneState.PROVISIONING)).isEqualTo("\"provisioning\"");
        assertThat(Json.read("\"stopped\"", ZoneState.class)).isEqualTo(ZoneState.STOPPED);
        assertThatThrownBy(() -> ZoneState.fromWire("paused")).hasMessageContaining("unknown zone state 'paused'");
    }

    @Test
    void actionsNameTheZoneAndItsStateWhenRefused() {
        Zone failed = Zone.provisioning(ZoneSpecTest.spec(UUID.randomUUID()), "10.0.0.2", Instant.now())
                .failed("disk full", Instant.now());
        assertThat(ZoneAction.DELETE.allowedIn(ZoneState.FAILED)).isTrue();
        assertThatThrownBy(() -> ZoneAction.START.check(failed))
                .hasMessageContaining("cannot start zone " + failed.uuid() + ": it is failed");
        assertThat(ZoneAction.STOP.allowedIn(ZoneState.STOPPED)).as("stopping a stopped zone is a harmless retry").isTrue();
        assertThat(ZoneAction.EXEC.allowedIn(ZoneState.STOPPED)).isFalse();
    }

    @Test
    void zoneMovesThroughItsLifecycleAndKeepsItsCreationTime() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Zone z = Zone.provisioning(ZoneSpecTest.spec(UUID.randomUUID()), "10.0.0.2", t0);
        Zone running = z.moveTo(ZoneState.RUNNING, t0.plusSeconds(1));
        Zone stopped = running.moveTo(ZoneState.STOPPING, t0.plusSeconds(2)).moveTo(ZoneState.STOPPED, t0.plusSeconds(3));
        assertThat(stopped.state()).isEqualTo(ZoneState.STOPPED);
        assertThat(stopped.createdAt()).isEqualTo(t0);
        assertThat(stopped.updatedAt()).isEqualTo(t0.plusSeconds(3));
        assertThatThrownBy(() -> stopped.moveTo(ZoneState.PROVISIONING, t0)).isInstanceOf(GantryException.class);
    }
}
