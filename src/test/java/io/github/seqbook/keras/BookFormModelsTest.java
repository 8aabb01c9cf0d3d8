package io.github.seqbook.keras;

import static io.github.seqbook.keras.Keras.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.github.seqbook.models.Models;
import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The notebooks write the models as the book's code does: the recurrent and convolutional ones on
 * {@code input(ANY_LENGTH, 1)} (Keras' {@code input_shape=[None, 1]}) where the chapter's builders say
 * {@code input(50, 1)}, and the original WaveNet with the book's {@code wavenet_residual_block} function, whose last
 * residual sum feeds nothing. Each must be the builder's network (parameters for the book's seed, outputs, one
 * training step), or the notebooks' numbers would move.
 */
class BookFormModelsTest {
    static final int STEPS = KerasApiEquivalenceTest.STEPS;

    static Arguments chapter(String name, Supplier<KerasModel> anyLength, Supplier<Model> builder) {
        return Arguments.of(name, anyLength, builder);
    }

    static Stream<Arguments> chapterModels() {
        Tensor any = input(ANY_LENGTH, 1);
        List<Arguments> all = new ArrayList<>();
        all.add(chapter("simple RNN", () -> sequential(any, simpleRnn(1)).compile(adam(0.005), mse()),
                () -> Models.simpleRnn(STEPS)));
        all.add(chapter("deep RNN", () -> sequential(any, simpleRnn(20).returnSequences(true),
                simpleRnn(20).returnSequences(true), simpleRnn(1)).compile(adam(), mse()),
                () -> Models.deepSimpleRnn(STEPS)));
        all.add(chapter("deep RNN dense output", () -> sequential(any, simpleRnn(20).returnSequences(true),
                simpleRnn(20), dense(10)).compile(adam(), mse()), () -> Models.deepRnnDenseOutput(STEPS, 10)));
        // Notebook 02's MC Dropout model: Keras' per-sample masks at the book's rates. No chapter builder has these
        // (Models.sequenceToSequenceRnnWithDropout keeps the older DropConnect network), so the notebook's form is
        // compared with the same layers on a fixed-length input.
        all.add(chapter("seq2seq with dropout", () -> sequential(any,
                simpleRnn(20).returnSequences(true).dropout(0.2).recurrentDropout(0.2),
                simpleRnn(20).returnSequences(true).dropout(0.2).recurrentDropout(0.2),
                timeDistributed(dense(10))).compile(adam(0.01), mse(), lastTimeStepMse()),
                () -> sequential(input(STEPS, 1),
                        simpleRnn(20).returnSequences(true).dropout(0.2).recurrentDropout(0.2),
                        simpleRnn(20).returnSequences(true).dropout(0.2).recurrentDropout(0.2),
                        timeDistributed(dense(10))).compile(adam(0.01), mse(), lastTimeStepMse()).network()));
        all.add(chapter("batch norm", () -> sequential(any, simpleRnn(20).returnSequences(true), batchNormalization(),
                simpleRnn(20).returnSequences(true), batchNormalization(), timeDistributed(dense(10)))
                .compile(adam(), mse(), lastTimeStepMse()), () -> Models.deepRnnWithBatchNorm(STEPS, 10)));
        all.add(chapter("MyRNN", () -> sequential(any, myRnn(lnSimpleRnnCell(20)).returnSequences(true),
                myRnn(lnSimpleRnnCell(20)).returnSequences(true), timeDistributed(dense(10)))
                .compile(adam(), mse(), lastTimeStepMse()), () -> Models.customRnn(STEPS, 10)));
        all.add(chapter("LSTM", () -> sequential(any, lstm(20).returnSequences(true), lstm(20).returnSequences(true),
                timeDistributed(dense(10))).compile(adam(), mse(), lastTimeStepMse()), () -> Models.lstm(STEPS, 10)));
        all.add(chapter("Conv1D + GRU", () -> sequential(any, conv1d(20, 4).strides(2).padding("valid"),
                gru(20).returnSequences(true), gru(20).returnSequences(true), timeDistributed(dense(10)))
                .compile(adam(), mse(), lastTimeStepMse()), () -> Models.conv1dGru(STEPS, 10)));
        all.add(chapter("WaveNet", () -> {
            List<Layer> layers = new ArrayList<>();
            for (int rate : new int[] {1, 2, 4, 8, 1, 2, 4, 8}) {
                layers.add(conv1d(20, 2).padding("causal").activation("relu").dilationRate(rate));
            }
            layers.add(conv1d(10, 1));
            return sequential(any, layers.toArray(new Layer[0])).compile(adam(), mse(), lastTimeStepMse());
        }, () -> Models.wavenet(STEPS, 10)));
        all.add(chapter("original WaveNet", () -> originalWavenet("softmax"), () -> Models.originalWavenet(STEPS, 10, false)));
        all.add(chapter("original WaveNet, linear output", () -> originalWavenet("linear"),
                () -> Models.originalWavenet(STEPS, 10, true)));
        return all.stream();
    }

    /** The book's {@code wavenet_residual_block}: returns the residual output and the skip output. */
    static Tensor[] residualBlock(Tensor inputs, int filters, int dilationRate) {
        Tensor z = conv1d(2 * filters, 2).padding("causal").dilationRate(dilationRate).apply(inputs);
        z = gatedActivationUnit().apply(z);
        z = conv1d(filters, 1).apply(z);
        return new Tensor[] {add(z, inputs), z};
    }

    static KerasModel originalWavenet(String outputActivation) {
        Tensor inputs = input(ANY_LENGTH, 1);
        Tensor z = conv1d(32, 2).padding("causal").apply(inputs);
        List<Tensor> skipToLast = new ArrayList<>();
        for (int rate : new int[] {1, 2, 4}) {
            Tensor[] block = residualBlock(z, 32, rate);
            z = block[0];
            skipToLast.add(block[1]);
        }
        z = activation("relu").apply(add(skipToLast.toArray(new Tensor[0])));
        z = conv1d(32, 1).activation("relu").apply(z);
        Tensor yProba = conv1d(10, 1).activation(outputActivation).apply(z);
        return model(inputs, yProba).compile(adam(), mse(), lastTimeStepMse());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chapterModels")
    void anyLengthBuildsTheBuildersNetwork(String name, Supplier<KerasModel> anyLength, Supplier<Model> builder) {
        KerasApiEquivalenceTest.assertSameNetwork(name, builder.get(), anyLength.get().network(), false);
    }
}
