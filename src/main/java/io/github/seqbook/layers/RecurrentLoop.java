package io.github.seqbook.layers;

import java.util.List;
import java.util.Objects;

import io.github.seqbook.layers.engine.CustomRecurrentLayer;
import io.github.seqbook.layers.engine.ParamSpec;
import io.github.seqbook.layers.engine.RecurrentLoopImpl;
import io.github.seqbook.layers.engine.TimeMajorRnnImpl;
import io.github.seqbook.Require;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The book's {@code MyRNN}: a recurrent layer that is nothing but an explicit loop over the time steps, applying a
 * {@link RecurrentCell} to each step's input and the previous state (zeros at first) and returning every step's
 * output ({@code return_sequences=True}). Its implementation is the whole story of an RNN layer:
 * <pre>
 *   forward:  for t = 0 .. T-1:        h[t+1] = cell.forward(x[t], h[t])
 *   backward: for t = T-1 .. 0:        dx[t], dh[t-1] += cell.backward(dh[t], ...)   (backpropagation through time)
 * </pre>
 * Unlike {@link LayerNormSimpleRnn} it does nothing for all steps at once, so with the same cell it computes the
 * same function, a little slower.
 *
 * <p>Use: {@code new RecurrentLoop.Builder().cell(new LayerNormSimpleRnnCell(20)).build()}; {@code nOut} is the
 * cell's units. The cell's tanh is its own business: the layer's {@code activation} stays tanh.
 */
public final class RecurrentLoop extends CustomRecurrentLayer {
    private static final long serialVersionUID = 1L;

    private RecurrentCell cell;

    private RecurrentLoop() {
    }

    private RecurrentLoop(Builder builder) {
        super(builder);
        this.cell = builder.cell;
    }

    /** The cell applied at every step. */
    public RecurrentCell getCell() {
        return cell;
    }

    /** Sets the cell (for JSON deserialization). */
    public void setCell(RecurrentCell cell) {
        this.cell = cell;
    }

    @Override
    public List<ParamSpec> paramSpecs() {
        return cell.paramSpecs(getNIn());
    }

    @Override
    protected TimeMajorRnnImpl<?> createImpl(NeuralNetConfiguration conf, DataType dataType) {
        return new RecurrentLoopImpl(conf, dataType);
    }

    @Override
    public RecurrentLoop clone() {
        return (RecurrentLoop) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && o instanceof RecurrentLoop other && Objects.equals(other.cell, cell);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Objects.hashCode(cell);
    }

    /** Builds a {@link RecurrentLoop}; the cell is required and sets {@code nOut}. */
    public static final class Builder extends CustomRecurrentLayer.Builder<Builder> {
        private RecurrentCell cell;

        /** A builder with Keras' defaults for the initialisation. */
        public Builder() {
        }

        /** The cell to apply at every step; its units become the layer's {@code nOut}. */
        public Builder cell(RecurrentCell cell) {
            this.cell = Require.notNull("cell", cell);
            nOut(cell.units());
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public RecurrentLoop build() {
            Require.notNull("cell", cell);
            if (getNOut() != cell.units()) {
                throw new IllegalArgumentException("nOut (" + getNOut() + ") must equal the cell's units ("
                        + cell.units() + ")");
            }
            return new RecurrentLoop(this);
        }
    }
}
