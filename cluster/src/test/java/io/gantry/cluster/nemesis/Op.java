package io.gantry.cluster.nemesis;

import java.util.UUID;

/**
 * One entry of a {@link History}, as Jepsen records them: a client (or the nemesis) {@link Type#INVOKE invokes} an
 * operation, then the same client records how it completed: {@link Type#OK} (the system acknowledged it), {@link
 * Type#FAIL} (the system refused it: it certainly did not happen) or {@link Type#INFO} (the answer was lost: it may or
 * may not have happened, and the checker must allow both).
 *
 * @param index    position in the history, from 0
 * @param atMillis wall-clock time of the entry, epoch milliseconds
 * @param process  who acted: a client's id ("c0", "c1", …) or {@link #NEMESIS}
 * @param type     invoke, ok, fail or info
 * @param action   what was asked
 * @param machine  the machine concerned (null for a list or a fault)
 * @param argument the request's argument: a package for a create or resize, a fault's name
 * @param answer   what came back: status and the part of the body that matters, or the error; null on an invoke
 */
public record Op(long index, long atMillis, String process, Type type, Action action, UUID machine, String argument,
                 String answer) {
    public static final String NEMESIS = "nemesis";

    public enum Type { INVOKE, OK, FAIL, INFO }

    public enum Action {
        CREATE, RESIZE, DELETE, GET, LIST,
        /** The nemesis began a fault ({@code argument} names it). */
        FAULT,
        /** The nemesis healed a fault. */
        HEAL
    }

    /** True for a completion the system acknowledged. */
    public boolean ok() {
        return type == Type.OK;
    }

    /** One line a person can read in a violation report. */
    public String describe() {
        return String.format("#%d %tT.%<tL %s %s %s%s%s%s", index, atMillis, process, type, action,
                machine == null ? "" : " " + machine, argument == null ? "" : " " + argument, answer == null ? "" : " -> " + answer);
    }
}
