package io.github.seqbook.keras;

import io.github.seqbook.Require;
import io.github.seqbook.layers.Gru;
import io.github.seqbook.layers.LayerNormSimpleRnn;
import io.github.seqbook.layers.LayerNormSimpleRnnCell;
import io.github.seqbook.layers.RecurrentCell;
import io.github.seqbook.layers.RecurrentLoop;
import io.github.seqbook.layers.engine.CustomRecurrentLayer;
import io.github.seqbook.models.Models;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;

/**
 * Keras' recurrent layers: {@code SimpleRNN}, {@code LSTM}, {@code GRU}, {@code RNN(cell)} and the book's
 * {@code MyRNN(cell)}, with Keras' defaults: tanh, Glorot-uniform kernel, orthogonal recurrent kernel, zero bias (the
 * LSTM's forget gate 1), and {@code return_sequences=False}: the output is the last step's, {@code [batch, units]};
 * with {@link #returnSequences(boolean) returnSequences(true)} every step's, {@code [batch, steps, units]}.
 *
 * <p>Parameters, as Keras counts them for {@code n} inputs and {@code u} units: SimpleRNN {@code u(n + u + 1)}
 * (440 for 20 units on 1 input), LSTM {@code 4u(n + u + 1)} (1760), GRU {@code 3u(n + u + 2)} (1380, TF 2's
 * {@code reset_after=True}), RNN/MyRNN with the layer-norm cell {@code u(n + u + 3)}.
 *
 * <p>Dropout as Keras' ({@code SimpleRNN}, {@code LSTM} and {@code GRU}): {@link #dropout(double)} and
 * {@link #recurrentDropout(double)} drop, in training and in MC Dropout's stochastic passes only, each sample's step
 * inputs and previous state with masks drawn once per sequence and reused at every step, per gate under recurrent
 * dropout, from ND4J's random generator (see {@link CustomRecurrentLayer}). {@code RNN(cell)} and {@code MyRNN(cell)}
 * take no dropout, as in Keras where the book's cell has none. (Before, recurrent dropout here was DropConnect with
 * one mask per batch, {@link io.github.seqbook.layers.RecurrentDropConnect}; notebook 02's
 * {@link Models#sequenceToSequenceRnnWithDropout} keeps it.)
 */
public final class Recurrent extends Layer {
    /** Which recurrent layer. */
    enum Kind {
        SIMPLE_RNN("SimpleRNN", "simple_rnn"),
        LSTM("LSTM", "lstm"),
        GRU("GRU", "gru"),
        RNN("RNN", "rnn"),
        MY_RNN("MyRNN", "my_rnn");

        final String kerasClass;
        final String stem;

        Kind(String kerasClass, String stem) {
            this.kerasClass = kerasClass;
            this.stem = stem;
        }
    }

    private final Kind kind;
    private final int units;
    private final RecurrentCell cell;
    private boolean returnSequences;
    private double dropout;
    private double recurrentDropout;

    Recurrent(Kind kind, int units, RecurrentCell cell) {
        this.kind = kind;
        this.units = Require.positive("units", units);
        this.cell = cell;
    }

    /** Keras' {@code return_sequences}: true to output every step, false (the default) for the last step only. */
    public Recurrent returnSequences(boolean returnSequences) {
        this.returnSequences = returnSequences;
        return this;
    }

    /** {@code return_sequences=True}: output every step, {@code [batch, steps, units]}. */
    public Recurrent returnSequences() {
        return returnSequences(true);
    }

    /**
     * Keras' {@code dropout}: the fraction, in [0, 1), of each sample's step inputs dropped in training, one mask per
     * sample and sequence.
     *
     * @throws IllegalArgumentException when {@code rate} is outside [0, 0.999], or for {@code RNN(cell)} and
     *                                  {@code MyRNN(cell)}, which have no dropout
     */
    public Recurrent dropout(double rate) {
        requireDropout("dropout");
        this.dropout = Require.inRange("dropout", rate, 0.0, 0.999);
        return this;
    }

    /**
     * Keras' {@code recurrent_dropout}: the fraction, in [0, 1), of each sample's previous state dropped before the
     * recurrent kernel in training, one mask per sample and sequence (per gate for LSTM and GRU).
     *
     * @throws IllegalArgumentException when {@code rate} is outside [0, 0.999], or for {@code RNN(cell)} and
     *                                  {@code MyRNN(cell)}, which have no dropout
     */
    public Recurrent recurrentDropout(double rate) {
        requireDropout("recurrentDropout");
        this.recurrentDropout = Require.inRange("recurrentDropout", rate, 0.0, 0.999);
        return this;
    }

    private void requireDropout(String option) {
        if (kind == Kind.RNN || kind == Kind.MY_RNN) {
            throw new IllegalArgumentException(option + " is not available for " + kind.kerasClass + "(cell): as in "
                    + "Keras, dropout belongs to the cell and " + cell + " has none; use simpleRnn, lstm or gru");
        }
    }

    /** The number of units. */
    public int units() {
        return units;
    }

    /** Whether every step is output. */
    public boolean isReturnSequences() {
        return returnSequences;
    }

    @Override
    public String kerasClass() {
        return kind.kerasClass;
    }

    @Override
    String nameStem() {
        return kind.stem;
    }

    @Override
    Shape outputShape(Shape input) {
        requireSequence(input);
        return returnSequences ? Shape.ofSequence(input.steps(), units) : Shape.ofVector(units);
    }

    @Override
    Built build(Shape input) {
        outputShape(input);
        BaseRecurrentLayer layer = switch (kind) {
            case SIMPLE_RNN -> Models.simpleRnnLayer(units);
            case LSTM -> Models.lstmLayer(units);
            case GRU -> new Gru.Builder().nOut(units).build();
            // RNN(LNSimpleRNNCell) runs as one fused layer; it computes what the explicit loop computes.
            case RNN -> cell instanceof LayerNormSimpleRnnCell ln
                    ? new LayerNormSimpleRnn.Builder().nOut(units).epsilon(ln.getEpsilon()).build()
                    : new RecurrentLoop.Builder().cell(cell).build();
            case MY_RNN -> new RecurrentLoop.Builder().cell(cell).build();
        };
        if (dropout > 0 || recurrentDropout > 0) {
            // Only SimpleRNN, LSTM and GRU get here with rates (the setters refuse the others).
            CustomRecurrentLayer keras = (CustomRecurrentLayer) layer;
            keras.setInputDropout(dropout);
            keras.setRecurrentDropout(recurrentDropout);
        }
        return Built.of(returnSequences ? layer : new LastTimeStep(layer));
    }

    @Override
    public String toString() {
        return kind.kerasClass + "(" + units + (cell != null ? ", cell=" + cell : "")
                + (returnSequences ? ", return_sequences=True" : "")
                + (dropout > 0 ? ", dropout=" + dropout : "") + (recurrentDropout > 0 ? ", recurrent_dropout="
                + recurrentDropout : "") + ")";
    }
}
