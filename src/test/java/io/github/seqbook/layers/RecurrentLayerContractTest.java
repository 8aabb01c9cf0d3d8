package io.github.seqbook.layers;

import static io.github.seqbook.layers.LayerTesting.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.seqbook.layers.engine.CustomRecurrentLayer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The contract every recurrent layer of the chapter meets: the same sequence in NCW and NWC, numerical gradient checks
 * (alone, stacked, inside {@code LastTimeStep}), a plain-Java reference, save/load, {@code rnnTimeStep}, a stale
 * forward pass recomputed, dropout only in training and only tanh accepted. Each layer's test class extends this and
 * adds what is specific to its layer.
 */
abstract class RecurrentLayerContractTest {
    /** A fresh builder of the layer under test, nothing set. */
    abstract CustomRecurrentLayer.Builder<?> builder();

    /** The layer class the configuration JSON must name. */
    abstract Class<? extends CustomRecurrentLayer> layerClass();

    /** The layer's output in plain Java, x [batch][step][in] to [batch][step][unit], from the layer's parameters. */
    abstract double[][][] reference(double[][][] x, org.deeplearning4j.nn.api.Layer params);

    /** Extra checks of the state {@code rnnTimeStep} stored for layer 0 after the first part of the sequence. */
    void assertStoredState(MultiLayerNetwork net) {
    }

    /** The network {@link #savedModelAndJsonRoundTrip()} saves and loads: 2 inputs, 5 steps. */
    MultiLayerNetwork roundTripNet() {
        return smallNet(RNNFormat.NCW);
    }

    final CustomRecurrentLayer layer(int units) {
        return builder().nOut(units).build();
    }

    /** One layer of 4 units on 2 inputs and 5 steps, 3 outputs, parameters uniform in [-0.8, 0.8] (seed 7). */
    final MultiLayerNetwork smallNet(RNNFormat format) {
        MultiLayerNetwork net = LayerTesting.net(2, 5, 3, format, builder().nOut(4).dataFormat(format).build());
        LayerTesting.randomizeParams(net, 0.8, 7);
        return net;
    }

    static <T extends BaseRecurrentLayer> T withDropout(T layer, double rate) {
        layer.setIDropout(new Dropout(1.0 - rate));
        layer.setWeightNoise(new RecurrentDropConnect(rate));
        return layer;
    }

    @Test
    void alternatingBatchShapesReuseTheirRecordingsWithTheSameGradients() {
        MultiLayerNetwork kept = smallNet(RNNFormat.NCW);
        MultiLayerNetwork fresh = smallNet(RNNFormat.NCW);
        int[] batches = {4, 3, 4, 3, 4};
        for (int i = 0; i < batches.length; i++) {
            INDArray x = LayerTesting.ncwInput(batches[i], 2, 5, 20 + i);
            INDArray y = LayerTesting.ncwInput(batches[i], 3, 5, 40 + i);
            ((io.github.seqbook.layers.engine.TimeMajorRnnImpl<?>) fresh.getLayer(0)).forgetShapes();
            assertEquals(LayerTesting.gradients(fresh, x, y), LayerTesting.gradients(kept, x, y), "batch " + i);
        }
        assertEquals(2, ((io.github.seqbook.layers.engine.TimeMajorRnnImpl<?>) kept.getLayer(0)).recordings());
        assertEquals(5, ((io.github.seqbook.layers.engine.TimeMajorRnnImpl<?>) fresh.getLayer(0)).recordings());
    }

    @Test
    void forwardMatchesPlainJavaReference() {
        MultiLayerNetwork net = smallNet(RNNFormat.NCW);
        INDArray x = LayerTesting.ncwInput(3, 2, 5, 11);
        double[][][] expected = reference(LayerTesting.toBatchStepFeature(x), net.getLayer(0));
        double diff = maxAbsDiff(expected, LayerTesting.layerOutput(net, 0, x));
        assertTrue(diff < 1e-10, "max diff " + diff);
    }

    @Test
    void nwcGivesTheSameSequenceAsNcw() {
        MultiLayerNetwork ncw = smallNet(RNNFormat.NCW);
        MultiLayerNetwork nwc = smallNet(RNNFormat.NWC);
        INDArray x = LayerTesting.ncwInput(3, 2, 5, 11);
        assertTrue(ncw.output(x).equalsWithEps(nwc.output(x.permute(0, 2, 1).dup()).permute(0, 2, 1), 1e-12));
    }

    @Test
    void passesNumericalGradientCheck() {
        MultiLayerNetwork net = smallNet(RNNFormat.NCW);
        assertTrue(LayerTesting.gradientsMatch(net, LayerTesting.ncwInput(3, 2, 5, 13), LayerTesting.ncwInput(3, 3, 5, 17)));
    }

    @Test
    void passesNumericalGradientCheckInNwc() {
        MultiLayerNetwork net = smallNet(RNNFormat.NWC);
        INDArray x = LayerTesting.ncwInput(3, 2, 5, 13).permute(0, 2, 1).dup();
        INDArray y = LayerTesting.ncwInput(3, 3, 5, 17).permute(0, 2, 1).dup();
        assertTrue(LayerTesting.gradientsMatch(net, x, y));
    }

    @Test
    void stackedLayersPassGradientCheck() {
        MultiLayerNetwork net = LayerTesting.net(1, 4, 2, RNNFormat.NCW, layer(3), layer(4));
        LayerTesting.randomizeParams(net, 0.8, 3);
        assertTrue(LayerTesting.gradientsMatch(net, LayerTesting.ncwInput(2, 1, 4, 5), LayerTesting.ncwInput(2, 2, 4, 6)));
    }

    @Test
    void worksInsideLastTimeStep() {
        MultiLayerNetwork net = LayerTesting.denseOutputNet(2, 6, 2, layer(4), new LastTimeStep(layer(3)));
        LayerTesting.randomizeParams(net, 0.8, 9);
        INDArray x = LayerTesting.ncwInput(3, 2, 6, 21);
        // The wrapper's output is the last step of the wrapped layer's sequence.
        INDArray last = net.feedForwardToLayer(1, x, false).get(2);
        assertArrayEquals(new long[] {3, 3}, last.shape());
        INDArray full = ((org.deeplearning4j.nn.layers.recurrent.LastTimeStepLayer) net.getLayer(1)).getUnderlying()
                .activate(net.feedForwardToLayer(0, x, false).get(1), false,
                        org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        assertEquals(full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(5)), last);
        assertTrue(LayerTesting.gradientsMatch(net, x, LayerTesting.ncwInput(3, 2, 1, 22).reshape(3, 2)));
    }

    @Test
    void backpropRecomputesWhenTheKeptForwardPassIsStale() {
        MultiLayerNetwork net = smallNet(RNNFormat.NCW);
        net.initGradientsView();
        org.deeplearning4j.nn.api.Layer l = net.getLayer(0);
        var mgr = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        INDArray a = LayerTesting.ncwInput(3, 2, 5, 41);
        INDArray b = LayerTesting.ncwInput(3, 2, 5, 43);
        INDArray eps = LayerTesting.ncwInput(3, 4, 5, 47);
        l.setInput(b, mgr);
        l.activate(true, mgr);
        INDArray expected = l.backpropGradient(eps, mgr).getFirst().gradient().dup();
        // A forward pass on a, then new input b without a forward pass: backprop must use b.
        l.setInput(a, mgr);
        l.activate(true, mgr);
        l.setInput(b, mgr);
        assertEquals(expected, l.backpropGradient(eps, mgr).getFirst().gradient());
    }

    @Test
    void dropoutAndRecurrentDropConnectOnlyInTraining() {
        MultiLayerNetwork net = LayerTesting.net(2, 5, 3, RNNFormat.NCW, withDropout(layer(4), 0.3), withDropout(layer(4), 0.3));
        INDArray x = LayerTesting.ncwInput(3, 2, 5, 11);
        INDArray inference = net.output(x, false);
        assertEquals(inference, net.output(x, false));
        INDArray train1 = net.output(x, true);
        INDArray train2 = net.output(x, true);
        assertFalse(train1.equalsWithEps(train2, 1e-6), "a new mask for each training-mode pass");
        assertFalse(train1.equalsWithEps(inference, 1e-6));
        assertEquals(inference, net.output(x, false), "training-mode passes leave inference unchanged");
    }

    @Test
    void handsTimeMajorArraysToTheLibrarysLayersAndFOrderArraysToDl4js() {
        // Output time-major ([steps, batch, units] memory); dL/d input time-major when the input was (the layer before
        // is one of the library's), else DL4J's f order, whose layout a DL4J layer's results may depend on.
        MultiLayerNetwork net = LayerTesting.net(2, 5, 3, RNNFormat.NCW, layer(4), layer(3));
        LayerTesting.randomizeParams(net, 0.8, 7);
        net.initGradientsView();
        org.deeplearning4j.nn.workspace.LayerWorkspaceMgr mgr =
                org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        org.deeplearning4j.nn.api.Layer first = net.getLayer(0);
        org.deeplearning4j.nn.api.Layer second = net.getLayer(1);
        INDArray x = LayerTesting.ncwInput(6, 2, 5, 23);
        first.setInput(x, mgr);
        INDArray h = first.activate(true, mgr);
        assertTrue(LayerTesting.isTimeMajor(h), "output strides " + java.util.Arrays.toString(h.stride()));
        second.setInput(h, mgr);
        INDArray y = second.activate(true, mgr);
        INDArray dh = second.backpropGradient(y.dup(), mgr).getSecond();
        assertTrue(LayerTesting.isTimeMajor(dh), "dL/dh strides " + java.util.Arrays.toString(dh.stride()));
        INDArray dx = first.backpropGradient(dh, mgr).getSecond();
        assertEquals('f', dx.ordering());
        assertFalse(LayerTesting.isTimeMajor(dx));
        // the same values as from arrays in DL4J's layout
        second.setInput(h.dup('f'), mgr);
        second.activate(true, mgr);
        INDArray dhF = second.backpropGradient(y.dup('f'), mgr).getSecond();
        assertEquals('f', dhF.ordering());
        assertEquals(dh, dhF);
    }

    @Test
    void savedModelAndJsonRoundTrip() throws Exception {
        MultiLayerNetwork net = roundTripNet();
        LayerTesting.assertJsonRoundTrip(net, layerClass());
        LayerTesting.saveAndLoad(net, LayerTesting.ncwInput(3, 2, 5, 19));
    }

    @Test
    void rnnTimeStepContinuesFromTheStoredState() {
        MultiLayerNetwork net = smallNet(RNNFormat.NCW);
        INDArray x = LayerTesting.ncwInput(2, 2, 5, 23);
        INDArray full = net.output(x);
        net.rnnClearPreviousState();
        INDArray first = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 3)));
        assertStoredState(net);
        INDArray rest = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(3, 5)));
        assertTrue(full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 3)).equalsWithEps(first, 1e-12));
        assertTrue(full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(3, 5)).equalsWithEps(rest, 1e-12));
    }

    @Test
    void refusesOtherActivations() {
        var e = assertThrows(IllegalStateException.class, () -> LayerTesting.net(1, 5, 1, RNNFormat.NCW,
                builder().nOut(2).activation(Activation.RELU).build()));
        assertTrue(e.getMessage().contains("tanh"), e.getMessage());
    }
}
