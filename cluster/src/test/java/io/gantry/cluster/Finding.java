package io.gantry.cluster;

/**
 * One fault's figures, as docs/reliability.md lists them.
 *
 * @param fault      what was done to the cluster (“cn2 killed (docker kill)”)
 * @param checked    what the test checked afterwards
 * @param detectedMs from the fault until a user or operator saw it (-1: not measured or never seen)
 * @param recoveredMs from the repair (or the fault, where nothing is repaired) until the cluster was whole again
 * @param lost       acknowledged machines (or requests) lost
 * @param duplicated machines or zones that exist twice
 * @param outcome    what was seen, in a few words
 */
public record Finding(String fault, String checked, long detectedMs, long recoveredMs, int lost, int duplicated, String outcome) {
}
