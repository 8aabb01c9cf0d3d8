package io.github.seqbook.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.stream.Stream;

import io.github.seqbook.keras.HuberLoss;
import io.github.seqbook.layers.engine.DenseOutputLayerImpl;
import io.github.seqbook.models.Models;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;

/**
 * {@link DenseOutputLayer} against DL4J's {@code OutputLayer} after a recurrent layer's last step (the chapter's
 * forecasting models): the same parameters, scores and outputs bit for bit, in float, on its own path (the chapter's
 * losses) and on DL4J's (other losses, masks).
 */
class DenseOutputLayerTest {
    private static final int INPUTS = 3;
    private static final int STEPS = 7;
    private static final int UNITS = 8;
    private static final int OUTPUTS = 5;

    static Stream<Arguments> losses() {
        return Stream.concat(LayerTesting.chapterLosses(),
                Stream.of(Arguments.of("MAE (DL4J's code)", new LossMAE(), Activation.IDENTITY)));
    }

    private static OutputLayer dl4jOutput(ILossFunction loss, Activation activation) {
        return new OutputLayer.Builder(loss).nOut(OUTPUTS).activation(activation)
                .weightInit(WeightInit.XAVIER_UNIFORM).build();
    }

    private static MultiLayerNetwork net(Layer output) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.FLOAT)
                .updater(new Adam(0.01)).list(new LastTimeStep(Models.simpleRnnLayer(UNITS)), output)
                .setInputType(InputType.recurrent(INPUTS, STEPS, RNNFormat.NCW)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static DataSet data(int batch, boolean oneHot, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, INPUTS, STEPS).muli(2).subi(1);
        INDArray y = Nd4j.rand(DataType.FLOAT, batch, OUTPUTS).muli(3).subi(1.5);
        if (oneHot) {
            y = Nd4j.zeros(DataType.FLOAT, batch, OUTPUTS);
            for (int n = 0; n < batch; n++) {
                y.putScalar(n, (n * 7 + seed) % OUTPUTS, 1.0);
            }
        }
        return new DataSet(x, y);
    }

    private static void assertTrainSame(MultiLayerNetwork dl4j, MultiLayerNetwork ours, boolean oneHot) {
        LayerTesting.assertBitForBit(dl4j.params(), ours.params(), "initial parameters");
        for (int i = 0; i < 4; i++) {
            DataSet batch = data(new int[] {32, 5, 1, 32}[i], oneHot, 100 + i);
            Nd4j.getRandom().setSeed(i);
            dl4j.fit(batch);
            Nd4j.getRandom().setSeed(i);
            ours.fit(batch);
            assertEquals(dl4j.score(), ours.score(), "score after step " + i);
            LayerTesting.assertBitForBit(dl4j.params(), ours.params(), "parameters after step " + i);
        }
        DataSet test = data(9, oneHot, 7);
        LayerTesting.assertBitForBit(dl4j.output(test.getFeatures()), ours.output(test.getFeatures()), "output");
        assertEquals(dl4j.score(test), ours.score(test), "score of a test set");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void trainsBitForBitAsDl4jsLayer(String name, ILossFunction loss, Activation activation) {
        MultiLayerNetwork dl4j = net(dl4jOutput(loss, activation));
        MultiLayerNetwork ours = net(DenseOutputLayer.of(dl4jOutput(loss, activation)));
        assertInstanceOf(DenseOutputLayerImpl.class, ours.getLayer(1));
        assertTrainSame(dl4j, ours, activation == Activation.SOFTMAX);
    }

    @Test
    void aSingleOutputTrainsBitForBitAsDl4jsLayer() {
        // Dense(1), the forecasting models' output: DL4J's product may take another BLAS routine for one column
        OutputLayer one = new OutputLayer.Builder(new HuberLoss(1.0)).nOut(1).activation(Activation.IDENTITY)
                .weightInit(WeightInit.XAVIER_UNIFORM).build();
        MultiLayerNetwork dl4j = net(one.clone());
        MultiLayerNetwork ours = net(DenseOutputLayer.of((OutputLayer) one.clone()));
        for (int i = 0; i < 4; i++) {
            Nd4j.getRandom().setSeed(i);
            int batch = new int[] {32, 5, 1, 32}[i];
            DataSet data = new DataSet(Nd4j.rand(DataType.FLOAT, batch, INPUTS, STEPS).subi(0.5),
                    Nd4j.rand(DataType.FLOAT, batch, 1));
            dl4j.fit(data);
            ours.fit(data);
            assertEquals(dl4j.score(), ours.score(), "score after step " + i);
            LayerTesting.assertBitForBit(dl4j.params(), ours.params(), "parameters after step " + i);
        }
    }

    @Test
    void masksTakeDl4jsCode() {
        // per-example label masks (DL4J's dropout is left out: it does not draw reproducibly by seed)
        MultiLayerNetwork dl4j = net(dl4jOutput(new HuberLoss(1.0), Activation.IDENTITY));
        MultiLayerNetwork ours = net(DenseOutputLayer.of(dl4jOutput(new HuberLoss(1.0), Activation.IDENTITY)));
        for (int i = 0; i < 3; i++) {
            DataSet batch = data(16, false, 50 + i);
            INDArray mask = Nd4j.ones(DataType.FLOAT, 16, 1);
            mask.putScalar(i, 0, 0.0);
            batch.setLabelsMaskArray(mask);
            dl4j.fit(batch);
            ours.fit(batch);
            assertEquals(dl4j.score(), ours.score(), "score after step " + i);
            LayerTesting.assertBitForBit(dl4j.params(), ours.params(), "parameters after step " + i);
        }
    }

    @Test
    void configurationAndSavedModelRoundTrip() throws Exception {
        MultiLayerNetwork net = net(DenseOutputLayer.of(dl4jOutput(new HuberLoss(1.0), Activation.IDENTITY)));
        LayerTesting.assertJsonRoundTrip(net, DenseOutputLayer.class);
        MultiLayerNetwork back = LayerTesting.saveAndLoad(net, data(3, false, 1).getFeatures());
        assertInstanceOf(DenseOutputLayerImpl.class, back.getLayer(1));
    }
}
