package io.github.seqbook.keras;

import java.util.Arrays;
import java.util.List;

/**
 * What {@link KerasModel#evaluate} returns: the loss and each metric, by name, printed with 4 significant digits as
 * {@code [loss: 0.02310, last_time_step_mse: 0.008000]} (Keras prints {@code [0.0231..., 0.0080...]}).
 *
 * @param names  {@code loss}, then the metrics' names
 * @param values the values, in the same order
 */
public record Scores(List<String> names, double[] values) {
    /** Checks the lengths. */
    public Scores {
        names = List.copyOf(names);
        values = values.clone();
        if (names.size() != values.length) {
            throw new IllegalArgumentException("names and values must have one length, got " + names.size() + " and "
                    + values.length);
        }
    }

    /** The loss. */
    public double loss() {
        return values[0];
    }

    /** A value by name ({@code "loss"} or a metric's name). */
    public double get(String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no score named '" + name + "'; the scores are " + names);
        }
        return values[i];
    }

    /** The values, as Keras' list. */
    @Override
    public double[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scores s && s.names.equals(names) && Arrays.equals(s.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * names.hashCode() + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(names.get(i)).append(": ")
                    .append(io.github.seqbook.training.History.fourDigits(values[i]));
        }
        return sb.append(']').toString();
    }
}
