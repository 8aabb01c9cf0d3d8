package io.github.seqbook.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.seqbook.layers.OrthogonalInit;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Parameter counts must equal Keras' model.summary() for the same layers. */
class ModelsTest {

    @Test
    void parameterCountsEqualKeras() {
        assertEquals(51, Models.linear(50, 1).numParams());          // Dense(1) on 50 inputs
        assertEquals(510, Models.linear(50, 10).numParams());        // Dense(10) on 50 inputs
        assertEquals(3, Models.simpleRnn(50).numParams());           // SimpleRNN(1): 1 + 1 + 1
        assertEquals(440 + 820 + 22, Models.deepSimpleRnn(50).numParams()); // 440, 820, SimpleRNN(1) on 20: 22
        assertEquals(440 + 820 + 21, Models.deepRnnDenseOutput(50, 1).numParams());
        assertEquals(440 + 820 + 210, Models.deepRnnDenseOutput(50, 10).numParams());
        assertEquals(440 + 820 + 210, Models.sequenceToSequenceRnn(50, 10).numParams());
    }

    @Test
    void simpleRnn20HasKerasParameterCount() {
        // SimpleRNN(20) on 1 input: 20 input weights + 400 recurrent weights + 20 biases.
        MultiLayerNetwork net = Models.deepSimpleRnn(50);
        assertEquals(440, net.getLayer(0).numParams());
    }

    @Test
    void recurrentKernelIsOrthogonalAndBiasZero() {
        MultiLayerNetwork net = Models.deepSimpleRnn(50);
        INDArray rw = net.getLayer(1).getParam("RW");
        assertArrayEquals(new long[] {20, 20}, rw.shape());
        INDArray gram = rw.transpose().mmul(rw);
        assertTrue(gram.equalsWithEps(Nd4j.eye(20).castTo(gram.dataType()), 1e-5), "RW^T RW must be the identity");
        assertEquals(0.0, net.getLayer(0).getParam("b").sumNumber().doubleValue(), 0.0);
    }

    @Test
    void glorotUniformInputKernelWithinLimit() {
        MultiLayerNetwork net = Models.linear(50, 1);
        INDArray w = net.getLayer(0).getParam("W");
        double limit = Math.sqrt(6.0 / (50 + 1));
        assertTrue(w.amaxNumber().doubleValue() <= limit);
        assertTrue(w.amaxNumber().doubleValue() > limit / 2, "weights should spread over the Glorot range");
    }

    /** DL4J's own SimpleRnn, as simpleRnnLayer built it before KerasSimpleRnn. */
    private static SimpleRnn dl4jSimpleRnn(int units) {
        return new SimpleRnn.Builder().nOut(units).activation(Activation.TANH).weightInit(WeightInit.XAVIER_UNIFORM)
                .weightInitRecurrent(new OrthogonalInit()).dataFormat(RNNFormat.NCW).build();
    }

    @Test
    void deepRnnStartsFromTheWeightsDl4jSimpleRnnHad() {
        // The book-quality results were obtained with DL4J's SimpleRnn and these seeds: same seed, same network.
        MultiLayerNetwork ours = Models.deepRnnDenseOutput(50, 1);
        MultiLayerNetwork theirs = Models.build(Models.KERAS_ADAM_LR, 50, Models.BOOK_SEED, new Layer[] {
                dl4jSimpleRnn(20), new LastTimeStep(dl4jSimpleRnn(20)), Models.denseOutput(1)}, false);
        for (int i = 0; i < 3; i++) {
            for (String key : ours.getLayer(i).paramTable().keySet()) {
                INDArray a = ours.getLayer(i).getParam(key);
                assertEquals(theirs.getLayer(i).getParam(key).reshape(a.shape()), a, i + "_" + key);
            }
        }
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 8, 1, 50);
        assertTrue(ours.output(x).equalsWithEps(theirs.output(x), 1e-6));
    }

    @Test
    void sameSeedSameWeights() {
        assertEquals(Models.deepRnnDenseOutput(50, 1).params(), Models.deepRnnDenseOutput(50, 1).params());
    }

    @Test
    void outputShapes() {
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 1, 50);
        assertArrayEquals(new long[] {4, 1}, Models.linear(50, 1).output(x).shape());
        assertArrayEquals(new long[] {4, 1}, Models.simpleRnn(50).output(x).shape());
        assertArrayEquals(new long[] {4, 1}, Models.deepSimpleRnn(50).output(x).shape());
        assertArrayEquals(new long[] {4, 10}, Models.deepRnnDenseOutput(50, 10).output(x).shape());
        assertArrayEquals(new long[] {4, 10, 50}, Models.sequenceToSequenceRnn(50, 10).output(x).shape());
    }

    @Test
    void savedModelPredictsIdentically() throws Exception {
        MultiLayerNetwork net = Models.linear(50, 1);
        java.io.File f = java.io.File.createTempFile("linear", ".zip");
        f.deleteOnExit();
        ModelSerializer.writeModel(net, f, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f);
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 1, 50);
        assertEquals(net.output(x), back.output(x));
    }

    @Test
    void badSizesNameTheArgument() {
        var e = assertThrows(IllegalArgumentException.class, () -> Models.linear(0, 1));
        assertTrue(e.getMessage().contains("steps"));
        e = assertThrows(IllegalArgumentException.class, () -> Models.deepRnnDenseOutput(50, 0));
        assertTrue(e.getMessage().contains("outputs"));
        e = assertThrows(IllegalArgumentException.class, () -> Models.kerasAdam(-0.1));
        assertTrue(e.getMessage().contains("learningRate"));
    }
}
