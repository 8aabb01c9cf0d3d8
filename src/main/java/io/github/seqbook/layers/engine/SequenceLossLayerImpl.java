package io.github.seqbook.layers.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.RnnLossLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The computation of {@code io.github.seqbook.layers.SequenceLossLayer}: DL4J's {@code RnnLossLayer} whose training
 * pass and score take the {@code [steps * batch, size]} matrices of input and labels (row {@code t * batch + n}, in
 * f order, as DL4J copies them) from the layer's own buffers, filled once per input and labels (the input, when
 * time-major, by a block copy instead of ND4J's per-element one), and hand dL/d input back time-major. The loss's
 * ops are DL4J's on arrays of the same layouts, so the same values bit for bit. Masks, the NWC layout and inputs of
 * another type take DL4J's code.
 */
public final class SequenceLossLayerImpl extends RnnLossLayer {
    private final Rows inputRows = new Rows();
    private final Rows labelRows = new Rows();

    public SequenceLossLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean applies() {
        return input != null && labels != null && input.rank() == 3 && labels.rank() == 3
                && input.dataType() == dataType && labels.dataType() == dataType && maskArray == null
                && layerConf().getRnnDataFormat() == RNNFormat.NCW
                && java.util.Arrays.equals(input.shape(), labels.shape())
                // DL4J reshapes a single sequence or step as a c-order view, not an f-order copy: its code then
                && input.size(0) > 1 && input.size(2) > 1;
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        inputRows.reset();
        super.setInput(input, workspaceMgr);
    }

    @Override
    public void setLabels(INDArray labels) {
        labelRows.reset();
        super.setLabels(labels);
    }

    @Override
    public void clear() {
        inputRows.reset();
        labelRows.reset();
        super.clear();
    }

    /**
     * An NCW array's {@code [steps * batch, size]} matrix, filled on first use after {@link #reset} into an f-order
     * buffer outside the workspaces that is kept while the shape stays.
     */
    private final class Rows {
        private INDArray buffer;
        private INDArray current;

        INDArray of(INDArray ncw) {
            if (current == null) {
                buffer = StepArray.reuse(buffer, dataType, 'f', ncw.size(0) * ncw.size(2), ncw.size(1));
                fillRows(ncw, buffer);
                current = buffer;
            }
            return current;
        }

        void reset() {
            current = null;
        }
    }

    /** What DL4J's {@code TimeSeriesUtils.reshape3dTo2d} gives for an NCW array: rows t * batch + n, f order. */
    private static void fillRows(INDArray ncw, INDArray rows) {
        INDArray timeMajor = StepArray.matrixOf(ncw.permute(2, 0, 1));
        if (timeMajor != null) {
            BlockTransposeCopy.copy2d(timeMajor, rows);
        } else {
            // f order [t * b, size] is c order [size, t, b] in memory
            Nd4j.create(rows.data(), new long[] {ncw.size(1), ncw.size(2), ncw.size(0)},
                    new long[] {ncw.size(2) * ncw.size(0), ncw.size(0), 1}, rows.offset(), 'c', rows.dataType())
                    .assign(ncw.permute(1, 2, 0));
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!applies()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray input2d = inputRows.of(input);
        INDArray delta2d = layerConf().getLossFn().computeGradient(labelRows.of(labels),
                input2d.dup(input2d.ordering()), layerConf().getActivationFn(), null);
        // dL/d input time-major, [steps, batch, size] in c order (the convolution before reads it in place); DL4J
        // returns the same values in f order
        long batch = input.size(0);
        long steps = input.size(2);
        long size = input.size(1);
        INDArray eps = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta2d.dataType(),
                new long[] {steps * batch, size}, 'c');
        BlockTransposeCopy.copy2d(delta2d, eps);
        return new Pair<>(new DefaultGradient(), eps.reshape('c', steps, batch, size).permute(1, 2, 0));
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!applies()) {
            return super.computeScore(fullNetRegTerm, training, workspaceMgr);
        }
        double s = layerConf().getLossFn().computeScore(labelRows.of(labels), inputRows.of(input).dup(),
                layerConf().getActivationFn(), null, false);
        s /= getInputMiniBatchSize();
        s += fullNetRegTerm;
        this.score = s;
        return s;
    }
}
