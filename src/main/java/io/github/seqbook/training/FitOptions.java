package io.github.seqbook.training;

import java.io.PrintStream;

import io.github.seqbook.Require;

/**
 * Options of {@link Training#fit}: batch size (Keras' 32 by default), the shuffling seed, a model name for
 * tables, where progress lines go ({@code System.out} by default; {@code null} for silence), and gradient
 * clipping by norm or by value; the loss reported as {@code val_loss}, a learning rate for this fit, and early
 * stopping.
 */
public final class FitOptions {
    private int batchSize = Training.BATCH_SIZE;
    private long seed = 42;
    private String name;
    private PrintStream out = System.out;
    private double clipNorm = Double.NaN;
    private double clipValue = Double.NaN;
    private Metric loss;
    private double learningRate = Double.NaN;
    private String monitor;
    private int patience;
    private boolean restoreBestWeights;

    /** Options with Keras' defaults. */
    public FitOptions() {
    }

    /** Sets the minibatch size, at least 1. */
    public FitOptions batchSize(int batchSize) {
        this.batchSize = Require.positive("batchSize", batchSize);
        return this;
    }

    /** Sets the seed of the per-epoch shuffling. */
    public FitOptions seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Names the model in the history and results tables. */
    public FitOptions name(String name) {
        this.name = name;
        return this;
    }

    /** Sends progress lines to {@code out}, or nowhere when {@code null}. */
    public FitOptions out(PrintStream out) {
        this.out = out;
        return this;
    }

    /**
     * Clips each gradient tensor to an L2 norm of at most {@code threshold} (Keras' {@code clipnorm}), a remedy for
     * exploding gradients. Applied to the model's layers when {@link Training#fit} starts, and it stays on them, as
     * Keras' {@code clipnorm} stays with the compiled optimizer: a later fit without a clipping option still clips.
     * Build the model again to train it without.
     */
    public FitOptions clipNorm(double threshold) {
        this.clipNorm = io.github.seqbook.Require.positive("clipNorm", threshold);
        return this;
    }

    /**
     * Clips every gradient value to {@code [-threshold, threshold]} (Keras' {@code clipvalue}); like
     * {@link #clipNorm}, set on the model's layers, where it stays for later fits.
     */
    public FitOptions clipValue(double threshold) {
        this.clipValue = io.github.seqbook.Require.positive("clipValue", threshold);
        return this;
    }

    /**
     * The loss reported as {@code val_loss}, the loss the model trains with (MSE when not set; a compiled
     * {@link io.github.seqbook.keras.KerasModel} sets its own).
     */
    public FitOptions loss(Metric loss) {
        this.loss = Require.notNull("loss", loss);
        return this;
    }

    /**
     * Trains with this learning rate from the start of the fit (Keras: {@code model.optimizer.learning_rate = lr}
     * before {@code fit}). The model keeps it afterwards: its updater's rate is changed, not copied.
     */
    public FitOptions learningRate(double learningRate) {
        this.learningRate = Require.positive("learningRate", learningRate);
        return this;
    }

    /**
     * Keras' {@code EarlyStopping(monitor, patience, restore_best_weights)}: stops when {@code monitor} (a history
     * column such as {@code "val_loss"} or {@code "val_last_time_step_mse"}) has not improved for {@code patience}
     * epochs in a row; lower is better, except for accuracies (names containing {@code "acc"}). With
     * {@code restoreBestWeights}, a stopped fit puts back the weights of the best epoch (as TF 2's Keras, only when it
     * stops early).
     *
     * @param monitor            the history column to watch
     * @param patience           epochs without improvement tolerated, at least 1
     * @param restoreBestWeights whether to restore the best epoch's weights when stopping
     */
    public FitOptions earlyStopping(String monitor, int patience, boolean restoreBestWeights) {
        Require.notNull("monitor", monitor);
        if (!monitor.equals("loss") && !monitor.startsWith("val_")) {
            throw new IllegalArgumentException("monitor must be \"loss\", \"val_loss\" or \"val_<metric>\", got \""
                    + monitor + "\"");
        }
        this.monitor = monitor;
        this.patience = Require.positive("patience", patience);
        this.restoreBestWeights = restoreBestWeights;
        return this;
    }

    /** {@link #earlyStopping(String, int, boolean)} on {@code val_loss}, restoring the best weights. */
    public FitOptions earlyStopping(int patience) {
        return earlyStopping("val_loss", patience, true);
    }

    /** A copy of these options. */
    public FitOptions copy() {
        FitOptions c = new FitOptions();
        c.batchSize = batchSize;
        c.seed = seed;
        c.name = name;
        c.out = out;
        c.clipNorm = clipNorm;
        c.clipValue = clipValue;
        c.loss = loss;
        c.learningRate = learningRate;
        c.monitor = monitor;
        c.patience = patience;
        c.restoreBestWeights = restoreBestWeights;
        return c;
    }

    /** The loss reported as {@code val_loss}, or null for MSE. */
    public Metric loss() {
        return loss;
    }

    /** The learning rate for the fit, or NaN to keep the model's. */
    public double learningRate() {
        return learningRate;
    }

    /** The early-stopping column, or null when early stopping is off. */
    public String monitor() {
        return monitor;
    }

    /** Epochs without improvement before stopping. */
    public int patience() {
        return patience;
    }

    /** Whether stopping restores the best epoch's weights. */
    public boolean restoreBestWeights() {
        return restoreBestWeights;
    }

    /** The gradient-norm clipping threshold, or NaN for none. */
    public double clipNorm() {
        return clipNorm;
    }

    /** The gradient-value clipping threshold, or NaN for none. */
    public double clipValue() {
        return clipValue;
    }

    /** The minibatch size. */
    public int batchSize() {
        return batchSize;
    }

    /** The shuffling seed. */
    public long seed() {
        return seed;
    }

    /** The model's name, or null for a generated one. */
    public String name() {
        return name;
    }

    /** Where progress lines go, or null. */
    public PrintStream out() {
        return out;
    }
}
