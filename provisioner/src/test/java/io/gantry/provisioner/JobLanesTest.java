package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.ZoneState;
import io.gantry.provisioner.placement.PlacedMachine;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobLanesTest extends RigTest {
    private JobLanes lanes(int n) {
        List<JobRunner> runners = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            runners.add(rig.runner());
        }
        return new JobLanes(rig.leader, runners);
    }

    @Test
    void manyProvisionsInSeveralLanesAreEachPlacedOnceAndGetOneTask() throws Exception {
        List<String> nodes = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            nodes.add("cn" + i);
            rig.advertise("cn" + i, 1_000_000); // 4 CPUs each: room for 16 machines of one vCPU
        }
        Map<UUID, UUID> jobOf = new HashMap<>();
        for (int i = 0; i < 150; i++) {
            UUID machine = rig.records.newMachine("m" + i, 256, List.of());
            jobOf.put(machine, rig.records.queueProvision(machine));
        }
        try (JobLanes lanes = lanes(6)) {
            lanes.runOnce();
            lanes.runOnce(); // a second pass over dispatched jobs without answers writes nothing again
        }

        int tasks = 0;
        for (String node : nodes) {
            tasks += rig.tasks(node).size();
        }
        assertThat(tasks).as("one task per job, on one node").isEqualTo(150);
        jobOf.forEach((machine, job) -> {
            assertThat(rig.records.stateOf(job)).isEqualTo(JobState.DISPATCHED);
            assertThat(rig.cluster.nodeOf(machine)).isPresent();
            assertThat(rig.steps.stream().filter(s -> s.equals(job + " placed")).count()).as("placed once").isEqualTo(1);
        });
        long booked = nodes.stream().mapToLong(n -> rig.cluster.machinesOn(n).size()).sum();
        assertThat(booked).as("each machine booked once").isEqualTo(150);
    }

    @Test
    void aMachinesJobsStillMoveOneAtATimeInOrder() throws Exception {
        rig.advertise("cn1", 1_000_000);
        List<UUID> stops = new ArrayList<>();
        List<UUID> starts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            UUID machine = rig.records.machine("db" + i, ZoneState.RUNNING, "cn1", 256, List.of());
            rig.cluster.book("cn1", new PlacedMachine(machine, "t", "db" + i, Map.of(), 256, 256));
            stops.add(rig.records.queue(JobKind.STOP, machine, Map.of()));
            starts.add(rig.records.queue(JobKind.START, machine, Map.of()));
        }
        try (JobLanes lanes = lanes(4)) {
            lanes.runOnce();
        }
        stops.forEach(j -> assertThat(rig.records.stateOf(j)).isEqualTo(JobState.DISPATCHED));
        starts.forEach(j -> assertThat(rig.records.stateOf(j)).as("waits for its machine's stop").isEqualTo(JobState.QUEUED));
    }

    @Test
    void anUnreachableRecordStopsThePass() throws Exception {
        rig.advertise("cn1", 1_000_000);
        UUID provision = rig.records.queueProvision(rig.records.newMachine("web", 256, List.of()));
        rig.records.down(true);
        try (JobLanes lanes = lanes(3)) {
            assertThatThrownBy(lanes::runOnce).isInstanceOf(SQLException.class);
            rig.records.down(false);
            lanes.runOnce();
        }
        assertThat(rig.records.stateOf(provision)).isEqualTo(JobState.DISPATCHED);
    }
}
