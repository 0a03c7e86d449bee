package io.gantry.cluster.nemesis;

/**
 * One way to break the cluster, as the {@link Nemesis} applies it: {@link #inject()} breaks, {@link #heal()} repairs.
 * {@code heal()} must be safe to call when the fault is not in effect (the nemesis heals every fault at the end of a
 * run, whatever it injected), and must return once the broken part has been started again, not once it has caught up:
 * catching up is what the run measures.
 */
public interface Fault {
    /** A short name for the history and the report, e.g. "kill -9 cloud API 1". */
    String name();

    void inject() throws Exception;

    void heal() throws Exception;

    /** A step of a fault: a start, a kill, a stop. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** A fault made of two steps. */
    static Fault of(String name, Step inject, Step heal) {
        return new Fault() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void inject() throws Exception {
                inject.run();
            }

            @Override
            public void heal() throws Exception {
                heal.run();
            }
        };
    }
}
