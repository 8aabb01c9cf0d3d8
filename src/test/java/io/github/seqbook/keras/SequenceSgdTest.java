package io.github.seqbook.keras;

import static io.github.seqbook.keras.Keras.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.seqbook.data.Split;
import io.github.seqbook.training.FitOptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SGD on sequence targets takes Keras' step: DL4J's sequence loss layers sum the gradient over the steps where Keras
 * averages, so without a correction every update would be {@code steps} times too large. The reference is the numerical
 * gradient of Keras' loss (the mean over batch, steps and outputs), for every parameter, wrapped layers included.
 */
class SequenceSgdTest {
    static final int STEPS = 12;

    static Split batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 8, STEPS, 2);
        INDArray y = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 8, STEPS, 3).muli(2);
        return new Split("batch", x, y);
    }

    /** One SGD update (no momentum yet: the velocity starts at 0) against -lr times Keras' gradient. */
    static void checkFirstStep(KerasModel model, Split data, double lr) {
        INDArray before = model.network().params().dup();
        INDArray gradient = Nd4j.zeros(before.dataType(), before.length());
        double eps = 1e-2;
        for (long i = 0; i < before.length(); i++) {
            INDArray p = before.dup();
            p.putScalar(i, before.getDouble(i) + eps);
            model.network().setParams(p);
            double up = model.evaluate(data).loss();
            p.putScalar(i, before.getDouble(i) - eps);
            model.network().setParams(p);
            double down = model.evaluate(data).loss();
            gradient.putScalar(i, (up - down) / (2 * eps));
        }
        model.network().setParams(before.dup());
        model.fit(data, data, 1, new FitOptions().out(null).batchSize(data.size()));
        INDArray step = model.network().params().sub(before);
        INDArray expected = gradient.mul(-lr);
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(scale > 1e-4, "the check needs a gradient, got max |step| " + scale);
        double worst = step.reshape(-1).sub(expected).amaxNumber().doubleValue();
        assertEquals(0, worst / scale, 2e-2, "DL4J step " + step + " vs Keras' " + expected);
    }

    @Test
    void sgdWithMomentumOnSequencesStepsAsKeras() {
        // Dense(5) in the middle runs wrapped in TimeDistributed: its rate must follow too.
        KerasModel model = sequential(input(ANY_LENGTH, 2), simpleRnn(4).returnSequences(), dense(5, "tanh"),
                dense(3));
        model.compile(sgd(0.1, 0.9), huber(), mae());
        checkFirstStep(model, batch(1), 0.1);
    }

    @Test
    void plainSgdOnSequencesStepsAsKerasAndVectorTargetsAreUnchanged() {
        KerasModel seq = sequential(input(ANY_LENGTH, 2), simpleRnn(4).returnSequences(), dense(3));
        seq.compile(sgd(0.05), mse());
        checkFirstStep(seq, batch(2), 0.05);
        // The last step only ([batch, 3] targets): DL4J's and Keras' gradients agree, nothing is rescaled. The
        // recurrent layer runs wrapped in LastTimeStep.
        Split seqData = batch(3);
        Split last = new Split("last", seqData.x(), seqData.y().get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(STEPS - 1), org.nd4j.linalg.indexing.NDArrayIndex.all()));
        KerasModel vec = sequential(input(ANY_LENGTH, 2), simpleRnn(4), dense(3));
        vec.compile(sgd(0.05, 0.9), huber(), mae());
        checkFirstStep(vec, last, 0.05);
    }
}
