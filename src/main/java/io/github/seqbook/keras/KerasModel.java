package io.github.seqbook.keras;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.seqbook.Require;
import io.github.seqbook.data.Split;
import io.github.seqbook.models.Models;
import io.github.seqbook.training.FitOptions;
import io.github.seqbook.training.History;
import io.github.seqbook.training.Metric;
import io.github.seqbook.training.Training;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A model of the Keras-shaped API: a {@link Sequential} layer list or a {@link Functional} graph, which
 * {@link #compile} turns into a DL4J network with an optimizer, a loss and metrics, as Keras'
 * {@code model.compile(...)}. Then {@link #fit}, {@link #evaluate}, {@link #predict} and {@link #summary} work as in
 * Keras, on the book's arrays ({@code x: [batch, steps, features]}, {@code y: [batch, k]} or
 * {@code [batch, steps, k]}).
 *
 * <p>Weights are drawn when compiling, from the model's seed (42 by default, the book's
 * {@code tf.random.set_seed(42)}); compiling again starts from the same weights.
 */
public abstract class KerasModel {
    private final String name;
    private long seed = Models.BOOK_SEED;
    private Optimizer optimizer;
    private Loss loss;
    private List<Metric> metrics = List.of();
    private Model network;

    KerasModel(String name) {
        this.name = name;
    }

    /** The model's name ({@code sequential} or {@code model}). */
    public String name() {
        return name;
    }

    /** Sets the seed of the initial weights (before {@link #compile}). */
    public KerasModel seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** The seed of the initial weights. */
    public long seed() {
        return seed;
    }

    /**
     * Keras' {@code compile(optimizer, loss, metrics)}: builds and initialises the DL4J network.
     *
     * @param optimizer e.g. {@link Keras#adam(double)}
     * @param loss      e.g. {@link Keras#mse()}
     * @param metrics   validation metrics reported by {@link #fit} and {@link #evaluate}, e.g.
     *                  {@link Keras#lastTimeStepMse()}
     * @return this model
     */
    public KerasModel compile(Optimizer optimizer, Loss loss, Metric... metrics) {
        Require.notNull("optimizer", optimizer);
        Require.notNull("loss", loss);
        Require.notNull("metrics", metrics);
        for (int i = 0; i < metrics.length; i++) {
            Require.notNull("metrics[" + i + "]", metrics[i]);
        }
        Model built = build(optimizer, loss);
        this.optimizer = optimizer;
        this.loss = loss;
        this.metrics = List.of(metrics);
        this.network = built;
        return this;
    }

    /** Builds an initialised DL4J network computing this model, trained with {@code optimizer} on {@code loss}. */
    abstract Model build(Optimizer optimizer, Loss loss);

    /** True once {@link #compile} has run. */
    public boolean isCompiled() {
        return network != null;
    }

    /**
     * The DL4J network, for the library's other helpers ({@link Training}, {@link io.github.seqbook.training.Forecasts},
     * {@link io.github.seqbook.models.ModelFiles}).
     *
     * @throws IllegalStateException before {@link #compile}
     */
    public Model network() {
        if (network == null) {
            throw new IllegalStateException("the model is not compiled yet: call compile(optimizer, loss, metrics...) "
                    + "first, e.g. compile(adam(), mse())");
        }
        return network;
    }

    /** The optimizer given to {@link #compile}, or null. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The loss given to {@link #compile}, or null. */
    public Loss loss() {
        return loss;
    }

    /** The metrics given to {@link #compile}. */
    public List<Metric> metrics() {
        return metrics;
    }

    /** {@link #fit(Split, Split, int, FitOptions)} with Keras' defaults (batch size 32, shuffling, progress lines). */
    public History fit(Split train, Split valid, int epochs) {
        return fit(train, valid, epochs, new FitOptions());
    }

    /**
     * Keras' {@code model.fit(X_train, y_train, epochs=..., validation_data=(X_valid, y_valid))}: trains with the
     * compiled optimizer and loss and reports {@code val_loss} (the compiled loss) and the compiled metrics every
     * epoch. See {@link Training#fit(Model, Split, Split, int, FitOptions, Metric...)} for the options (batch size,
     * early stopping, learning rate, clipping).
     *
     * <p>On sequence targets ({@code y [batch, steps, k]}) with SGD (plain, momentum or Nesterov) the network trains
     * with the learning rate divided by {@code steps}, and keeps that rate: DL4J sums the loss's gradient over the steps
     * where Keras averages it, so this gives the updates of Keras' {@code SGD(learning_rate)}. (Adam and Nadam are
     * left alone: a constant factor on the gradient cancels in them.)
     */
    public History fit(Split train, Split valid, int epochs, FitOptions options) {
        Require.notNull("options", options);
        Require.notNull("train", train);
        FitOptions withLoss = options.loss() != null ? options : options.copy().loss(loss());
        network(); // fails before compile
        if (train.y().rank() == 3 && optimizer.stepIsLinearInGradient()) {
            // DL4J's sequence loss layers sum over the target steps where Keras averages: their gradient is `steps`
            // times Keras'. Adam cancels that constant; SGD would take `steps` times Keras' step (56 times for the
            // book's seq2seq ridership models, which then diverge). Dividing the rate gives Keras' updates exactly.
            double rate = Double.isNaN(withLoss.learningRate()) ? optimizer.learningRate() : withLoss.learningRate();
            withLoss = withLoss.copy().learningRate(rate / train.y().size(1));
        }
        return Training.fit(network(), train, valid, epochs, withLoss, metrics.toArray(new Metric[0]));
    }

    /**
     * Keras' {@code model.evaluate(X, y)}: the compiled loss and metrics on a split, e.g. {@code [loss: 0.02310,
     * last_time_step_mse: 0.008000]}.
     */
    public Scores evaluate(Split split) {
        Require.notNull("split", split);
        network(); // fails before compile
        INDArray pred = predict(split.x());
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        names.add("loss");
        values.add(loss.compute(split.y(), pred));
        for (Metric m : metrics) {
            names.add(m.name());
            values.add(m.compute(split.y(), pred));
        }
        return new Scores(names, values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * Keras' {@code model.predict(X)}: {@code [batch, k]} for a model with a vector output,
     * {@code [batch, steps, k]} for a sequence output.
     *
     * @param x inputs {@code [batch, steps, features]}
     */
    public INDArray predict(INDArray x) {
        return Training.predict(network(), x);
    }

    /** One row of {@link #summary}: a layer, its output shape and its parameters. */
    record Row(String name, String kerasClass, Shape output, long params, long nonTrainable, List<String> inputs) {
    }

    /** The summary's rows, from the built network (a fresh one when not compiled: counts do not depend on it). */
    abstract List<Row> rows(Model net);

    /**
     * Keras' {@code model.summary()}: one row per layer with its name, Keras class, output shape and parameter count,
     * then the totals.
     */
    public String summary() {
        Model net = network != null ? network : build(Keras.adam(), Keras.mse());
        return Summary.format(name, rows(net), this instanceof Functional);
    }

    @Override
    public String toString() {
        return name + (network != null ? " (compiled: " + optimizer + ", loss=" + loss
                + (metrics.isEmpty() ? "" : ", metrics=" + Arrays.toString(metrics.toArray())) + ")" : "");
    }
}
