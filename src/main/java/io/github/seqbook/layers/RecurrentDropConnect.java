package io.github.seqbook.layers;

import io.github.seqbook.Require;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.weightnoise.IWeightNoise;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DropConnect on the recurrent weights of a recurrent layer (DL4J weight noise): during training (and MC-Dropout
 * inference) each recurrent weight ({@code RW}) is dropped with probability {@code rate} and the rest scaled by
 * {@code 1 / (1 - rate)}. One mask per forward pass is shared by all time steps and by the whole batch, which makes
 * it much harsher than Keras' {@code recurrent_dropout} at the same rate.
 *
 * <p>It stood in for {@code recurrent_dropout} before the library's layers had Keras' per-sample masks; it stays
 * for {@link io.github.seqbook.models.Models#sequenceToSequenceRnnWithDropout} (notebook 02's numbers) and for
 * DL4J's own recurrent layers. For Keras' behaviour use the layers' {@code recurrentDropout} (the Keras-shaped
 * API's {@code recurrentDropout(rate)} does).
 */
public final class RecurrentDropConnect implements IWeightNoise {
    private static final long serialVersionUID = 1L;
    /** The parameter key of the recurrent weights in DL4J's recurrent layers. */
    public static final String RECURRENT_WEIGHTS = "RW";

    private double rate;

    /** For JSON deserialization. */
    public RecurrentDropConnect() {
    }

    /** @param rate probability of dropping each recurrent weight, in [0, 1) */
    public RecurrentDropConnect(double rate) {
        this.rate = Require.inRange("rate", rate, 0.0, 0.999);
    }

    /** The drop probability. */
    public double getRate() {
        return rate;
    }

    /** Sets the drop probability (for JSON deserialization). */
    public void setRate(double rate) {
        this.rate = rate;
    }

    @Override
    public INDArray getParameter(Layer layer, String paramKey, int iteration, int epoch, boolean train,
                                 LayerWorkspaceMgr workspaceMgr) {
        INDArray param = layer.getParam(paramKey);
        if (!train || rate == 0 || !RECURRENT_WEIGHTS.equals(paramKey)) {
            return param;
        }
        // The mask is drawn column by column whatever the layout of the weights ('f', as DL4J's own recurrent
        // layers store RW), so a seed drops the same weights in this project's c-order layers as in DL4J's.
        INDArray mask = workspaceMgr.createUninitialized(ArrayType.INPUT, param.dataType(), param.shape(), 'f');
        Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, 1.0 - rate));
        return mask.muli(param).divi(1.0 - rate);
    }

    @Override
    public RecurrentDropConnect clone() {
        return new RecurrentDropConnect(rate);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecurrentDropConnect r && r.rate == rate;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(rate);
    }

    @Override
    public String toString() {
        return "RecurrentDropConnect(rate=" + rate + ")";
    }
}
