package io.github.seqbook.models;

import io.github.seqbook.data.SeriesData;
import io.github.seqbook.training.FitOptions;
import io.github.seqbook.training.History;
import io.github.seqbook.training.Metrics;
import io.github.seqbook.training.Training;
import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Trains each convolutional model of notebook 04 for two full epochs on the book's data and prints seconds per
 * epoch and the validation metrics. Minutes long, so off unless {@code -Dseqbook.trainingRuns=true}; it asserts
 * only that training lowers the loss, the numbers are for the record.
 */
@EnabledIfSystemProperty(named = "seqbook.trainingRuns", matches = "true")
class ConvModelsTrainingRun {

    @Test
    void twoEpochsOfEachModel() {
        SeriesData data = SeriesData.sequenceToSequence(50, 10);
        SeriesData convData = data.downsampleTargets(3, 2);
        run("conv1dGru", Models.conv1dGru(50, 10), convData);
        run("wavenet", Models.wavenet(50, 10), data);
        run("originalWavenet softmax", Models.originalWavenet(50, 10, false), data);
        run("originalWavenet linear", Models.originalWavenet(50, 10, true), data);
    }

    private static void run(String name, Model model, SeriesData data) {
        History h = Training.fit(model, data.train(), data.valid(), 2, new FitOptions().name(name),
                Metrics.LAST_TIME_STEP_MSE);
        System.out.println(name + ": " + h);
        if (!(h.loss()[1] < h.loss()[0])) {
            throw new AssertionError(name + ": the training loss did not fall: " + h);
        }
    }
}
