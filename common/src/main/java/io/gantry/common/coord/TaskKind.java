package io.gantry.common.coord;

/** What a task asks an agent to do to one zone. */
public enum TaskKind {
    PROVISION, START, STOP, REBOOT, RESIZE, DELETE
}
