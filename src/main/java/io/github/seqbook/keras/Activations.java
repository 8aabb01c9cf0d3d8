package io.github.seqbook.keras;

import java.util.Locale;
import java.util.Map;

import io.github.seqbook.Require;
import org.nd4j.linalg.activations.Activation;

/** Keras' activation names ({@code "relu"}, {@code "tanh"}, ...) and the DL4J activations they mean. */
final class Activations {
    private static final Map<String, Activation> BY_NAME = Map.of(
            "linear", Activation.IDENTITY,
            "tanh", Activation.TANH,
            "relu", Activation.RELU,
            "sigmoid", Activation.SIGMOID,
            "softmax", Activation.SOFTMAX,
            "elu", Activation.ELU,
            "selu", Activation.SELU,
            "softplus", Activation.SOFTPLUS,
            "softsign", Activation.SOFTSIGN,
            "swish", Activation.SWISH);

    private Activations() {
    }

    /**
     * The DL4J activation for a Keras name; {@code null} and {@code "linear"} mean none (identity).
     *
     * @throws IllegalArgumentException for a name Keras does not have or this library does not map
     */
    static Activation of(String name) {
        if (name == null) {
            return Activation.IDENTITY;
        }
        Activation a = BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (a == null) {
            throw new IllegalArgumentException("activation must be one of " + new java.util.TreeSet<>(BY_NAME.keySet())
                    + ", got '" + name + "'");
        }
        return a;
    }

    /** Checks a name now, so that a typo fails where it is written. */
    static String check(String name) {
        of(Require.notNull("activation", name));
        return name.toLowerCase(Locale.ROOT);
    }
}
