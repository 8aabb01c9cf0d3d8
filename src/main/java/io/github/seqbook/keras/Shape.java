package io.github.seqbook.keras;

/**
 * The shape of one example as a layer sees it, without the batch axis: a sequence {@code [steps, features]} (steps
 * may be unknown, Keras' {@code None}) or a vector {@code [features]}. Printed as Keras prints output shapes, with
 * the batch axis: {@code (None, None, 20)}, {@code (None, 50, 20)} or {@code (None, 10)}.
 *
 * @param steps    time steps of a sequence, or {@link #ANY_LENGTH} when unknown; ignored for a vector
 * @param features values per step (channels, units), or the vector's length
 * @param sequence true for {@code [batch, steps, features]}, false for {@code [batch, features]}
 */
public record Shape(int steps, int features, boolean sequence) {
    /** Marks a sequence whose length is known only at run time (Keras' {@code None}). */
    public static final int ANY_LENGTH = -1;

    /** A sequence of {@code steps} steps ({@link #ANY_LENGTH} for any) of {@code features} values. */
    public static Shape ofSequence(int steps, int features) {
        return new Shape(steps, features, true);
    }

    /** A vector of {@code features} values. */
    public static Shape ofVector(int features) {
        return new Shape(ANY_LENGTH, features, false);
    }

    /** True when the number of steps is known. */
    public boolean knownSteps() {
        return sequence && steps >= 0;
    }

    /** The same kind of shape with other features. */
    Shape withFeatures(int newFeatures) {
        return new Shape(steps, newFeatures, sequence);
    }

    @Override
    public String toString() {
        if (!sequence) {
            return "(None, " + features + ")";
        }
        return "(None, " + (steps >= 0 ? String.valueOf(steps) : "None") + ", " + features + ")";
    }
}
