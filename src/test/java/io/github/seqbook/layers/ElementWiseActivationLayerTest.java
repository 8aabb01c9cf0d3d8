package io.github.seqbook.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.github.seqbook.layers.engine.ElementWiseActivationLayerImpl;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
 * {@link ElementWiseActivationLayer} against DL4J's {@code ActivationLayer} between causal convolutions (time-major
 * arrays, the original WaveNet's case): the same training and outputs bit for bit, for every value-by-value
 * function on its own path and for softmax (DL4J's code).
 */
class ElementWiseActivationLayerTest {
    private static MultiLayerNetwork net(ActivationLayer activation) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.FLOAT)
                .updater(new Adam(0.01))
                .list(new CausalConv1D.Builder(6).dilation(2).build(), activation,
                        new CausalConv1D.Builder(5).build(),
                        new RnnOutputLayer.Builder(LossFunction.MSE).nOut(3).activation(Activation.IDENTITY)
                                .dataFormat(RNNFormat.NCW).build())
                .setInputType(InputType.recurrent(2, 9, RNNFormat.NCW)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static float[] values(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"RELU", "TANH", "SIGMOID", "IDENTITY", "LEAKYRELU", "ELU", "SELU",
        "SOFTPLUS", "SOFTSIGN", "SWISH", "GELU", "HARDTANH", "HARDSIGMOID", "SOFTMAX"})
    void trainsBitForBitAsDl4jsLayer(Activation activation) {
        ActivationLayer conf = new ActivationLayer.Builder().activation(activation).build();
        MultiLayerNetwork dl4j = net(conf.clone());
        MultiLayerNetwork ours = net(ElementWiseActivationLayer.of(conf.clone()));
        assertInstanceOf(ElementWiseActivationLayerImpl.class, ours.getLayer(1));
        assertArrayEquals(values(dl4j.params()), values(ours.params()));
        for (int i = 0; i < 4; i++) {
            Nd4j.getRandom().setSeed(i);
            DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, i % 2 == 0 ? 16 : 5, 2, 9).subi(0.5),
                    Nd4j.rand(DataType.FLOAT, i % 2 == 0 ? 16 : 5, 3, 9));
            dl4j.fit(batch);
            ours.fit(batch);
            assertEquals(dl4j.score(), ours.score(), "score after step " + i);
            assertArrayEquals(values(dl4j.params()), values(ours.params()), "parameters after step " + i);
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, 7, 2, 9);
        assertArrayEquals(values(dl4j.output(x)), values(ours.output(x)), "output");
        assertArrayEquals(values(dl4j.feedForward(x, false).get(2)), values(ours.feedForward(x, false).get(2)),
                "the layer's activations");
    }
}
