package io.github.seqbook.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** Training through the replaced updater blocks must give exactly DL4J's parameters and updater state. */
class UnregularizedUpdaterBlockTest {
    private static MultiLayerNetwork net(IUpdater updater, double l2) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .updater(updater);
        if (l2 > 0) {
            b.l2(l2);
        }
        MultiLayerConfiguration conf = b.list(
                        new DenseLayer.Builder().nOut(6).activation(Activation.TANH).build(),
                        new OutputLayer.Builder(LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(4))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static void train(MultiLayerNetwork net) {
        for (int i = 0; i < 5; i++) {
            Nd4j.getRandom().setSeed(100 + i);
            INDArray x = Nd4j.rand(DataType.FLOAT, 8, 4);
            INDArray y = Nd4j.rand(DataType.FLOAT, 8, 2);
            net.fit(x, y);
        }
    }

    @Test
    void trainsExactlyAsDl4jsBlocksWithAdamAndNesterovs() {
        for (IUpdater updater : new IUpdater[] {new Adam(0.01), new Nesterovs(0.05, 0.9)}) {
            MultiLayerNetwork dl4j = net(updater.clone(), 0);
            MultiLayerNetwork ours = net(updater.clone(), 0);
            assertEquals(-1, UnregularizedUpdaterBlock.install(ours), "no updater before the first step");
            Nd4j.getRandom().setSeed(99);
            INDArray x = Nd4j.rand(DataType.FLOAT, 8, 4);
            INDArray y = Nd4j.rand(DataType.FLOAT, 8, 2);
            dl4j.fit(x, y);
            ours.fit(x, y);
            assertEquals(1, UnregularizedUpdaterBlock.install(ours), updater.toString());
            assertInstanceOf(UnregularizedUpdaterBlock.class,
                    ((BaseMultiLayerUpdater<?>) ours.getUpdater()).getUpdaterBlocks().get(0));
            train(dl4j);
            train(ours);
            assertEquals(dl4j.params(), ours.params(), updater.toString());
            assertEquals(dl4j.getUpdater().getStateViewArray(), ours.getUpdater().getStateViewArray(),
                    updater.toString());
        }
    }

    @Test
    void blocksWithRegularizationStayDl4jsAndKeepIt() {
        MultiLayerNetwork regularized = net(new Adam(0.01), 0.1);
        MultiLayerNetwork plain = net(new Adam(0.01), 0);
        train(regularized);
        train(plain);
        assertEquals(0, UnregularizedUpdaterBlock.install(regularized));
        train(regularized);
        train(plain);
        assertNotEquals(plain.params(), regularized.params(), "L2 must still change the training");
    }
}
