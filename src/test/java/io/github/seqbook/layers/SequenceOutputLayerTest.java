package io.github.seqbook.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import io.github.seqbook.keras.HuberLoss;
import io.github.seqbook.layers.engine.SequenceOutputLayerImpl;
import io.github.seqbook.models.Models;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
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
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * {@link SequenceOutputLayer} against DL4J's {@code RnnOutputLayer}: the same parameters, scores, outputs and
 * gradients bit for bit (float, as the notebooks train), on the time-major inputs of the library's recurrent layers
 * (its own path) and on DL4J's layouts, masks and dropout (DL4J's code).
 */
class SequenceOutputLayerTest {
    private static final int INPUTS = 3;
    private static final int STEPS = 7;
    private static final int UNITS = 8;
    private static final int OUTPUTS = 5;

    static Stream<Arguments> losses() {
        return LayerTesting.chapterLosses();
    }

    private static RnnOutputLayer dl4jOutput(ILossFunction loss, Activation activation) {
        return new RnnOutputLayer.Builder(loss).nOut(OUTPUTS).activation(activation)
                .weightInit(WeightInit.XAVIER_UNIFORM).dataFormat(RNNFormat.NCW).build();
    }

    /** A float network: {@code recurrent}, then {@code output}, Adam 0.01, seed 42. */
    private static MultiLayerNetwork net(Layer recurrent, Layer output) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.FLOAT)
                .updater(new Adam(0.01)).list(recurrent, output)
                .setInputType(InputType.recurrent(INPUTS, STEPS, RNNFormat.NCW)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static DataSet data(int batch, boolean oneHot, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, INPUTS, STEPS).muli(2).subi(1);
        INDArray y;
        if (oneHot) {
            y = Nd4j.zeros(DataType.FLOAT, batch, OUTPUTS, STEPS);
            java.util.Random r = new java.util.Random(seed);
            for (int n = 0; n < batch; n++) {
                for (int t = 0; t < STEPS; t++) {
                    y.putScalar(new long[] {n, r.nextInt(OUTPUTS), t}, 1.0);
                }
            }
        } else {
            y = Nd4j.rand(DataType.FLOAT, batch, OUTPUTS, STEPS).muli(3).subi(1.5);
        }
        return new DataSet(x, y);
    }

    /** Trains both networks on the same batches (two shapes) and compares everything after every step. */
    private static void assertTrainSame(MultiLayerNetwork dl4j, MultiLayerNetwork ours, boolean oneHot) {
        LayerTesting.assertBitForBit(dl4j.params(), ours.params(), "initial parameters");
        for (int i = 0; i < 4; i++) {
            DataSet batch = data(new int[] {16, 5, 1, 16}[i], oneHot, 100 + i); // 1: DL4J's view case
            dl4j.fit(batch);
            ours.fit(batch);
            assertEquals(dl4j.score(), ours.score(), "score after step " + i);
            LayerTesting.assertBitForBit(dl4j.params(), ours.params(), "parameters after step " + i);
        }
        DataSet test = data(9, oneHot, 7);
        LayerTesting.assertBitForBit(dl4j.output(test.getFeatures()), ours.output(test.getFeatures()), "output");
        assertEquals(dl4j.score(test), ours.score(test), "score of a test set");
        LayerTesting.assertBitForBit(dl4j.scoreExamples(test, false), ours.scoreExamples(test, false),
                "per-example scores");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void trainsBitForBitAsDl4jsLayerAfterTheLibrarysRecurrentLayer(String name, ILossFunction loss,
                                                                    Activation activation) {
        MultiLayerNetwork dl4j = net(Models.simpleRnnLayer(UNITS), dl4jOutput(loss, activation));
        MultiLayerNetwork ours = net(Models.simpleRnnLayer(UNITS), SequenceOutputLayer.of(dl4jOutput(loss, activation)));
        assertInstanceOf(SequenceOutputLayerImpl.class, ours.getLayer(1));
        assertTrainSame(dl4j, ours, activation == Activation.SOFTMAX);
    }

    @Test
    void dl4jsLayoutsTakeDl4jsCode() {
        // DL4J's SimpleRnn hands over f-order arrays: DL4J's copies, the same numbers
        Layer rnn = new SimpleRnn.Builder().nOut(UNITS).activation(Activation.TANH).dataFormat(RNNFormat.NCW).build();
        MultiLayerNetwork dl4j = net(rnn.clone(), dl4jOutput(new LossMSE(), Activation.IDENTITY));
        MultiLayerNetwork ours = net(rnn.clone(), SequenceOutputLayer.of(dl4jOutput(new LossMSE(), Activation.IDENTITY)));
        assertTrainSame(dl4j, ours, false);
    }

    @Test
    void masksAndDropoutTakeDl4jsCode() {
        RnnOutputLayer withDropout = dl4jOutput(new LossMSE(), Activation.IDENTITY);
        withDropout.setIDropout(new Dropout(0.7));
        MultiLayerNetwork dl4j = net(Models.simpleRnnLayer(UNITS), withDropout.clone());
        MultiLayerNetwork ours = net(Models.simpleRnnLayer(UNITS),
                SequenceOutputLayer.of((RnnOutputLayer) withDropout.clone()));
        DataSet batch = data(6, false, 3);
        // per-step masks: the last two steps of sequence 0 are padding
        INDArray mask = Nd4j.ones(DataType.FLOAT, 6, STEPS);
        mask.putScalar(0, STEPS - 1, 0.0);
        mask.putScalar(0, STEPS - 2, 0.0);
        batch.setLabelsMaskArray(mask);
        for (int i = 0; i < 3; i++) {
            Nd4j.getRandom().setSeed(11 + i);
            dl4j.fit(batch);
            Nd4j.getRandom().setSeed(11 + i);
            ours.fit(batch);
            assertEquals(dl4j.score(), ours.score(), "score after step " + i);
            LayerTesting.assertBitForBit(dl4j.params(), ours.params(), "parameters after step " + i);
        }
        // MC Dropout (dropout at inference): on a time-major input, the mask DL4J's layer draws on the f-order input
        // DL4J's recurrent layers hand over
        INDArray h = ours.feedForwardToLayer(0, batch.getFeatures(), false).get(1);
        INDArray timeMajor = h.permute(2, 0, 1).dup('c').permute(1, 2, 0);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        Nd4j.getRandom().setSeed(5);
        INDArray a = dl4j.getLayer(1).activate(h.dup('f'), true, mgr);
        Nd4j.getRandom().setSeed(5);
        INDArray b = ours.getLayer(1).activate(timeMajor, true, mgr);
        LayerTesting.assertBitForBit(a, b, "output with dropout on");
        Nd4j.getRandom().setSeed(6);
        INDArray c = ours.getLayer(1).activate(timeMajor, true, mgr);
        assertFalse(java.util.Arrays.equals(a.dup('c').data().asFloat(), c.dup('c').data().asFloat()),
                "another seed, another mask");
    }

    @Test
    void dLdInputStaysTimeMajorForTheLayerBefore() {
        MultiLayerNetwork ours = net(Models.simpleRnnLayer(UNITS),
                SequenceOutputLayer.of(dl4jOutput(new LossMSE(), Activation.IDENTITY)));
        MultiLayerNetwork dl4j = net(Models.simpleRnnLayer(UNITS), dl4jOutput(new LossMSE(), Activation.IDENTITY));
        ours.initGradientsView();
        dl4j.initGradientsView();
        DataSet batch = data(4, false, 9);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray h = ours.feedForwardToLayer(0, batch.getFeatures(), true).get(1);
        INDArray timeMajor = h.permute(2, 0, 1).dup('c').permute(1, 2, 0); // [steps, batch, units] memory
        assertTrue(LayerTesting.isTimeMajor(timeMajor));
        INDArray[] eps = new INDArray[2];
        MultiLayerNetwork[] nets = {ours, dl4j};
        for (int i = 0; i < 2; i++) {
            org.deeplearning4j.nn.api.Layer out = nets[i].getLayer(1);
            ((org.deeplearning4j.nn.api.layers.IOutputLayer) out).setLabels(batch.getLabels());
            out.setInput(timeMajor, mgr);
            eps[i] = out.backpropGradient(null, mgr).getSecond();
        }
        assertTrue(LayerTesting.isTimeMajor(eps[0]), "ours: strides " + java.util.Arrays.toString(eps[0].stride()));
        assertFalse(LayerTesting.isTimeMajor(eps[1]), "DL4J's layer copies to f order");
        LayerTesting.assertBitForBit(eps[1], eps[0], "dL/d input");
    }

    @Test
    void configurationAndSavedModelRoundTrip() throws Exception {
        MultiLayerNetwork net = net(Models.simpleRnnLayer(UNITS),
                SequenceOutputLayer.of(dl4jOutput(new HuberLoss(1.0), Activation.IDENTITY)));
        LayerTesting.assertJsonRoundTrip(net, SequenceOutputLayer.class);
        MultiLayerNetwork back = LayerTesting.saveAndLoad(net, data(3, false, 1).getFeatures());
        assertInstanceOf(SequenceOutputLayerImpl.class, back.getLayer(1));
    }
}
