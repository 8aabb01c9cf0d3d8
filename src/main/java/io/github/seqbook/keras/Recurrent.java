package io.github.seqbook.keras;

import io.github.seqbook.Require;
import io.github.seqbook.layers.Gru;
import io.github.seqbook.layers.LayerNormSimpleRnn;
import io.github.seqbook.layers.LayerNormSimpleRnnCell;
import io.github.seqbook.layers.RecurrentCell;
import io.github.seqbook.layers.RecurrentDropConnect;
import io.github.seqbook.layers.RecurrentLoop;
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
 * <p>Dropout: {@link #dropout(double)} drops inputs (per example, as Keras); {@link #recurrentDropout(double)} drops
 * recurrent weights with one mask per forward pass ({@link RecurrentDropConnect}), not Keras' per-example masks on
 * the state.
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

    /** Keras' {@code dropout}: the fraction of the layer's inputs dropped in training, in [0, 1). */
    public Recurrent dropout(double rate) {
        this.dropout = Require.inRange("dropout", rate, 0.0, 0.999);
        return this;
    }

    /**
     * Keras' {@code recurrent_dropout}, in [0, 1): here the fraction of recurrent weights dropped, one mask per forward
     * pass shared by the batch ({@link RecurrentDropConnect}); Keras drops state values with a mask per example.
     */
    public Recurrent recurrentDropout(double rate) {
        this.recurrentDropout = Require.inRange("recurrentDropout", rate, 0.0, 0.999);
        return this;
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
        if (dropout > 0) {
            // DL4J's Dropout takes the probability of keeping an input.
            layer.setIDropout(new org.deeplearning4j.nn.conf.dropout.Dropout(1.0 - dropout));
        }
        if (recurrentDropout > 0) {
            layer.setWeightNoise(new RecurrentDropConnect(recurrentDropout));
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
