package io.gantry.provisioner.placement;

/** Which of the feasible nodes a machine goes to, all else equal. */
public enum Strategy {
    /** The fullest node that fits (by share of usable memory booked): keeps whole nodes free for big machines. */
    PACK,
    /** The emptiest node: spreads load and the blast radius of a node failure. */
    SPREAD
}
