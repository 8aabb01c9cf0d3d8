package io.github.seqbook.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.github.seqbook.layers.engine.SequenceLossLayerImpl;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link SequenceLossLayer} against DL4J's {@code RnnLossLayer} after a causal convolution (the WaveNets' case,
 * time-major input: its own path) and after DL4J's SimpleRnn or with masks (DL4J's code): the same training, scores
 * and outputs bit for bit.
 */
class SequenceLossLayerTest {
    private static final int STEPS = 9;

    private static RnnLossLayer dl4jLoss(Activation activation) {
        return new RnnLossLayer.Builder(LossFunction.MSE).activation(activation).dataFormat(RNNFormat.NCW).build();
    }

    private static MultiLayerNetwork net(Layer before, RnnLossLayer loss) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.FLOAT)
                .updater(new Adam(0.01)).list(before, loss)
                .setInputType(InputType.recurrent(2, STEPS, RNNFormat.NCW)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static float[] values(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    private static void assertTrainSame(MultiLayerNetwork dl4j, MultiLayerNetwork ours, boolean masked) {
        assertArrayEquals(values(dl4j.params()), values(ours.params()));
        for (int i = 0; i < 4; i++) {
            int batch = new int[] {16, 5, 1, 16}[i]; // 1: DL4J reshapes a single sequence as a view
            Nd4j.getRandom().setSeed(i);
            DataSet data = new DataSet(Nd4j.rand(DataType.FLOAT, batch, 2, STEPS).subi(0.5),
                    Nd4j.rand(DataType.FLOAT, batch, 4, STEPS));
            if (masked) {
                INDArray mask = Nd4j.ones(DataType.FLOAT, batch, STEPS);
                mask.putScalar(0, STEPS - 1, 0.0);
                data.setLabelsMaskArray(mask);
            }
            dl4j.fit(data);
            ours.fit(data);
            assertEquals(dl4j.score(), ours.score(), "score after step " + i);
            assertArrayEquals(values(dl4j.params()), values(ours.params()), "parameters after step " + i);
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, 7, 2, STEPS);
        assertArrayEquals(values(dl4j.output(x)), values(ours.output(x)), "output");
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"IDENTITY", "SOFTMAX"})
    void trainsBitForBitAsDl4jsLayerAfterACausalConvolution(Activation activation) {
        MultiLayerNetwork dl4j = net(new CausalConv1D.Builder(4).dilation(2).build(), dl4jLoss(activation));
        MultiLayerNetwork ours = net(new CausalConv1D.Builder(4).dilation(2).build(),
                SequenceLossLayer.of(dl4jLoss(activation)));
        assertInstanceOf(SequenceLossLayerImpl.class, ours.getLayer(1));
        assertTrainSame(dl4j, ours, false);
    }

    @Test
    void dl4jsLayoutsAndMasks() {
        Layer rnn = new SimpleRnn.Builder().nOut(4).activation(Activation.TANH).dataFormat(RNNFormat.NCW).build();
        assertTrainSame(net(rnn.clone(), dl4jLoss(Activation.SOFTMAX)),
                net(rnn.clone(), SequenceLossLayer.of(dl4jLoss(Activation.SOFTMAX))), false);
        assertTrainSame(net(new CausalConv1D.Builder(4).build(), dl4jLoss(Activation.IDENTITY)),
                net(new CausalConv1D.Builder(4).build(), SequenceLossLayer.of(dl4jLoss(Activation.IDENTITY))), true);
    }

    @Test
    void configurationRoundTrip() throws Exception {
        MultiLayerNetwork net = net(new CausalConv1D.Builder(4).build(),
                SequenceLossLayer.of(dl4jLoss(Activation.SOFTMAX)));
        LayerTesting.assertJsonRoundTrip(net, SequenceLossLayer.class);
        LayerTesting.saveAndLoad(net, Nd4j.rand(DataType.FLOAT, 3, 2, STEPS));
    }
}
