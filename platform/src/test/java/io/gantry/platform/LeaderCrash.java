package io.gantry.platform;

import io.gantry.provisioner.LeaderLoop;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;

/** A provisioner leader that dies between two steps of a job, as a killed process would. */
final class LeaderCrash {
    private LeaderCrash() {
    }

    /** Thrown by a leader's step hook: like a crash, it ends the leader's thread (the loop only catches Exceptions). */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String step) {
            super("simulated provisioner crash after step " + step);
        }
    }

    /**
     * At {@code step} of the first job a leader meets, that leader ({@code me}, named in {@code crashed}) loses its
     * ZooKeeper client and its thread dies.
     */
    static LeaderLoop.StepHook once(String step, String me, CuratorFramework myClient, AtomicReference<String> crashed) {
        return (job, at) -> {
            if (at.equals(step) && crashed.compareAndSet(null, me)) {
                myClient.close(); // the session ends with it: the latch's znode goes and the other provisioner leads
                throw new SimulatedCrash(step);
            }
        };
    }
}
