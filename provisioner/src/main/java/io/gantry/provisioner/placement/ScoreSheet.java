package io.gantry.provisioner.placement;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Each scorer's score of the chosen node, by scorer name in the engine's order: a read-only view of
 * the engine's array, so a placement pays nothing for its breakdown until someone reads it (the
 * audit entry does once; placement at scale never does).
 */
final class ScoreSheet extends AbstractMap<String, Double> {
    private final List<String> names;
    private final double[] values;

    ScoreSheet(List<String> names, double[] values) {
        if (names.size() != values.length) {
            throw new IllegalArgumentException(names.size() + " scorer names for " + values.length + " scores");
        }
        this.names = names;
        this.values = values;
    }

    @Override
    public Set<Map.Entry<String, Double>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, Double>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < values.length;
                    }

                    @Override
                    public Map.Entry<String, Double> next() {
                        if (next >= values.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return Map.entry(names.get(i), values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }
}
