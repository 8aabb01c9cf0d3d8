package io.github.seqbook.keras;

import static io.github.seqbook.keras.Keras.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.github.seqbook.data.SeriesData;
import io.github.seqbook.data.Split;
import io.github.seqbook.training.Metrics;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@code summary()} prints Keras' table with Keras' parameter counts; {@code evaluate()} returns named scores. */
class KerasSummaryTest {

    /** The parameter count of the summary's row for the model's first layer. */
    static long firstLayerParams(KerasModel model) {
        String row = model.summary().lines().filter(l -> l.contains("(")).skip(1).findFirst().orElseThrow();
        String[] cells = row.trim().split("\\s{2,}|\\)\\s+");
        return Long.parseLong(cells[cells.length - 1].trim());
    }

    @Test
    void parameterCountsEqualKeras() {
        // Keras' model.summary() for these layers on one input feature.
        assertEquals(440, firstLayerParams(sequential(input(ANY_LENGTH, 1), simpleRnn(20))));
        assertEquals(1380, firstLayerParams(sequential(input(ANY_LENGTH, 1), gru(20))));
        assertEquals(1760, firstLayerParams(sequential(input(ANY_LENGTH, 1), lstm(20))));
        assertEquals(100, firstLayerParams(sequential(input(50, 1), conv1d(20, 4))));
        assertEquals(480, firstLayerParams(sequential(input(ANY_LENGTH, 1), rnn(lnSimpleRnnCell(20)))));
        assertEquals(480, firstLayerParams(sequential(input(ANY_LENGTH, 1), myRnn(lnSimpleRnnCell(20)))));
        assertEquals(0, firstLayerParams(sequential(input(50, 1), flatten(), dense(1)))); // Flatten; Dense(1): 51
    }

    @Test
    void summaryPrintsLikeKeras() {
        Sequential model = sequential(input(ANY_LENGTH, 1),
                simpleRnn(20).returnSequences(true),
                simpleRnn(20).returnSequences(true),
                timeDistributed(dense(10)));
        String expected = String.join("\n",
                "Model: \"sequential\"",
                "_________________________________________________________________",
                "Layer (type)                 Output Shape              Param #",
                "=================================================================",
                "simple_rnn (SimpleRNN)       (None, None, 20)          440",
                "_________________________________________________________________",
                "simple_rnn_1 (SimpleRNN)     (None, None, 20)          820",
                "_________________________________________________________________",
                "time_distributed (TimeDistributed) (None, None, 10)    210",
                "=================================================================",
                "Total params: 1,470",
                "Trainable params: 1,470",
                "Non-trainable params: 0",
                "_________________________________________________________________",
                "");
        String actual = model.summary();
        // Column widths grow with the longest label; compare the cells, not the padding.
        assertEquals(cells(expected), cells(actual), actual);
        assertTrue(actual.contains("time_distributed (TimeDistributed)"), actual);
    }

    private static List<String> cells(String table) {
        return table.lines().map(l -> l.trim().replaceAll("\\s{2,}", " | ").replaceAll("\\) \\(", ") | ("))
                .map(l -> l.matches("[_=]+") ? l.substring(0, 1) : l).toList();
    }

    @Test
    void batchNormalizationCountsItsMovingStatisticsAsNonTrainable() {
        String s = sequential(input(ANY_LENGTH, 1), simpleRnn(20).returnSequences(), batchNormalization(),
                simpleRnn(20).returnSequences(), batchNormalization(), timeDistributed(dense(10))).summary();
        // Keras: 440 + 80 + 820 + 80 + 210; each BatchNormalization(20) keeps 40 moving values.
        assertTrue(s.contains("Total params: 1,630"), s);
        assertTrue(s.contains("Trainable params: 1,550"), s);
        assertTrue(s.contains("Non-trainable params: 80"), s);
        assertTrue(s.contains("batch_normalization_1 (BatchNormalization)"), s);
    }

    @Test
    void outputShapesAreTheShapesTheNetworkOutputs() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 50, 2);
        List<KerasModel> models = List.of(
                sequential(input(50, 2), conv1d(20, 4).strides(2)),
                sequential(input(50, 2), conv1d(8, 3).padding("causal").dilationRate(4)),
                sequential(input(50, 2), conv1d(8, 3).padding("same").strides(2)),
                sequential(input(50, 2), conv1d(8, 3).dilationRate(2).strides(3), gru(5)),
                sequential(input(50, 2), lstm(7).returnSequences(), dense(4, "relu"), dense(3)),
                sequential(input(50, 2), simpleRnn(6), dropout(0.5), dense(3)),
                sequential(input(50, 2), flatten(), dense(6, "tanh"), batchNormalization(), dense(2)));
        for (KerasModel m : models) {
            m.compile(adam(), mse());
            Shape out = m instanceof Sequential s ? s.outputShape() : null;
            long[] shape = m.predict(x).shape();
            long[] expected = out.sequence() ? new long[] {3, out.steps(), out.features()}
                    : new long[] {3, out.features()};
            assertArrayEquals(expected, shape, m.toString());
        }
    }

    @Test
    void functionalSummaryListsConnections() {
        Tensor in = input(ANY_LENGTH, 1);
        Tensor a = conv1d(4, 2).padding("causal").apply(in);
        Tensor b = conv1d(4, 1).apply(a);
        Functional m = model(in, conv1d(1, 1).apply(add(a, b)));
        String s = m.summary();
        assertTrue(s.contains("input_1 (InputLayer)"), s);
        assertTrue(s.contains("add (Add)"), s);
        assertTrue(s.contains("conv1d[0][0]") && s.contains("conv1d_1[0][0]"), s);
        // conv1d: 4 * (2 * 1 + 1) = 12; conv1d_1: 4 * (4 + 1) = 20; conv1d_2: 1 * (4 + 1) = 5.
        assertTrue(s.contains("Total params: 37"), s);
    }

    @Test
    void evaluateReturnsTheLossAndMetricsByName() {
        SeriesData data = SeriesData.sequenceToSequence(20, 3);
        Split valid = data.valid().head(200);
        Sequential model = sequential(input(ANY_LENGTH, 1), simpleRnn(5).returnSequences(), dense(3))
                .compile(adam(), huber(), mae(), lastTimeStepMse());
        Scores scores = model.evaluate(valid);
        INDArray pred = model.predict(valid.x());
        assertEquals(List.of("loss", "mae", "last_time_step_mse"), scores.names());
        assertEquals(Metrics.huber(valid.y(), pred, 1.0), scores.loss(), 1e-12);
        assertEquals(Metrics.mae(valid.y(), pred), scores.get("mae"), 1e-12);
        assertEquals(Metrics.lastTimeStepMse(valid.y(), pred), scores.get("last_time_step_mse"), 1e-12);
        assertTrue(scores.toString().matches("\\[loss: [0-9.e-]+, mae: [0-9.e-]+, last_time_step_mse: [0-9.e-]+]"),
                scores.toString());
        assertThrows(IllegalArgumentException.class, () -> scores.get("accuracy"));
    }

    @Test
    void scoresPrintFourSignificantDigits() {
        Scores s = new Scores(List.of("loss", "mse"), new double[] {0.0231049, 0.00800012});
        assertEquals("[loss: 0.02310, mse: 0.008000]", s.toString());
    }

    @Test
    void misuseFailsWithClearMessages() {
        var e = assertThrows(IllegalStateException.class,
                () -> sequential(input(10, 1), simpleRnn(3)).network());
        assertTrue(e.getMessage().contains("compile"), e.getMessage());
        var f = assertThrows(IllegalArgumentException.class, () -> sequential(input(ANY_LENGTH, 1), flatten(), dense(1)));
        assertTrue(f.getMessage().contains("Flatten") && f.getMessage().contains("steps"), f.getMessage());
        var g = assertThrows(IllegalArgumentException.class, () -> sequential(input(10, 1), simpleRnn(3), simpleRnn(3)));
        assertTrue(g.getMessage().contains("returnSequences"), g.getMessage());
        var h = assertThrows(IllegalArgumentException.class, () -> sequential(input(3, 1), conv1d(4, 5)));
        assertTrue(h.getMessage().contains("at least 5 steps"), h.getMessage());
        var i = assertThrows(IllegalArgumentException.class, () -> dense(3).activation("relux"));
        assertTrue(i.getMessage().contains("relux"), i.getMessage());
        var j = assertThrows(IllegalArgumentException.class, () -> conv1d(4, 2).padding("full"));
        assertTrue(j.getMessage().contains("padding"), j.getMessage());
    }
}
