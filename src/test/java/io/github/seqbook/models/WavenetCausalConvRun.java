package io.github.seqbook.models;

import io.github.seqbook.data.SeriesData;
import io.github.seqbook.data.Split;
import io.github.seqbook.layers.CausalConv1D;
import io.github.seqbook.training.FitOptions;
import io.github.seqbook.training.History;
import io.github.seqbook.training.Metrics;
import io.github.seqbook.training.Training;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The book's simplified WaveNet trained with DL4J's causal {@code Convolution1DLayer} and with {@link CausalConv1D}
 * from the same seed: parameter differences after 2 batches and validation MSE per epoch on a training subset.
 * Off unless {@code -Dseqbook.trainingRuns=true}; prints numbers for the record (epochs: {@code -Dwavenet.epochs}).
 */
@EnabledIfSystemProperty(named = "seqbook.trainingRuns", matches = "true")
class WavenetCausalConvRun {

    /** Today's network with every causal convolution replaced by {@link CausalConv1D} (same configuration). */
    static MultiLayerNetwork fast(MultiLayerNetwork today) {
        MultiLayerConfiguration conf = today.getLayerWiseConfigurations().clone();
        for (int i = 0; i < conf.getConfs().size(); i++) {
            if (conf.getConf(i).getLayer() instanceof Convolution1DLayer c && !(c instanceof CausalConv1D)
                    && c.getConvolutionMode() == org.deeplearning4j.nn.conf.ConvolutionMode.Causal) {
                conf.getConf(i).setLayer(CausalConv1D.of(c));
            }
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** The network with DL4J's own {@code Convolution1DLayer} in place of every {@link CausalConv1D}. */
    static MultiLayerNetwork dl4j(MultiLayerNetwork net) {
        String json = net.getLayerWiseConfigurations().toJson().replace("\"" + CausalConv1D.class.getName() + "\"",
                "\"" + Convolution1DLayer.class.getName() + "\"");
        MultiLayerNetwork out = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
        out.init();
        if (java.util.Arrays.stream(out.getLayers()).anyMatch(l -> l.conf().getLayer() instanceof CausalConv1D)) {
            throw new AssertionError("still CausalConv1D");
        }
        return out;
    }

    @Test
    void compare() {
        SeriesData data = SeriesData.sequenceToSequence(50, 10);
        MultiLayerNetwork a = dl4j(Models.wavenet(50, 10));
        MultiLayerNetwork b = fast(Models.wavenet(50, 10));
        System.out.println("initial params bit-identical: " + java.util.Arrays.equals(a.params().toDoubleVector(), b.params().toDoubleVector()));
        Split two = data.train().head(64);
        org.nd4j.linalg.api.ndarray.INDArray x = two.x().permute(0, 2, 1).dup();
        org.nd4j.linalg.api.ndarray.INDArray y = two.y().permute(0, 2, 1).dup();
        System.out.println("forward max |diff| = " + a.output(x).sub(b.output(x)).amaxNumber());
        java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> ga = a.calculateGradients(x, y, null, null)
                .getFirst().gradientForVariable();
        java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> gb = b.calculateGradients(x, y, null, null)
                .getFirst().gradientForVariable();
        ga.forEach((k, v) -> System.out.println("grad " + k + " max |diff| = " + v.sub(gb.get(k)).amaxNumber()));
        Training.fit(a, two, data.valid(), 1, new FitOptions().name("dl4j"));
        Training.fit(b, two, data.valid(), 1, new FitOptions().name("fast"));
        System.out.println("after 1 epoch on 2 batches: max |param diff| = "
                + a.params().sub(b.params()).amaxNumber() + ", bit-identical: "
                + java.util.Arrays.equals(a.params().toDoubleVector(), b.params().toDoubleVector()));

        int epochs = Integer.getInteger("wavenet.epochs", 20);
        int series = Integer.getInteger("wavenet.series", 1000);
        Split train = data.train().head(series);
        for (String which : new String[] {"dl4j", "fast"}) {
            MultiLayerNetwork net = which.equals("dl4j") ? dl4j(Models.wavenet(50, 10)) : fast(Models.wavenet(50, 10));
            History h = Training.fit(net, train, data.valid(), epochs, new FitOptions().name(which),
                    Metrics.LAST_TIME_STEP_MSE);
            System.out.println(which + ": " + h);
            System.out.println(which + " val_last_time_step_mse: "
                    + java.util.Arrays.toString(h.column("val_last_time_step_mse")));
        }
    }

    /** Notebook 04's quick mode (1000 training series, 2 epochs) through the composition API, for before/after. */
    @Test
    void notebook04QuickNumbers() {
        SeriesData data = SeriesData.sequenceToSequence(50, 10);
        Split train = data.train().head(1000);
        Object[][] models = {{"wavenet", Models.wavenet(50, 10)},
            {"original softmax", Models.originalWavenet(50, 10, false)},
            {"original linear", Models.originalWavenet(50, 10, true)}};
        for (Object[] m : models) {
            History h = Training.fit((org.deeplearning4j.nn.api.Model) m[1], train, data.valid(), 2,
                    new FitOptions().name((String) m[0]), Metrics.LAST_TIME_STEP_MSE);
            System.out.println("QUICK " + m[0] + " val_last_time_step_mse: "
                    + java.util.Arrays.toString(h.column("val_last_time_step_mse")) + " s/epoch " + h.secondsPerEpoch());
        }
    }
}
