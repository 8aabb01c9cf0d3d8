package io.github.seqbook.training;

import java.io.PrintStream;

import io.github.seqbook.Require;

/**
 * Options of {@link Training#fit}: batch size (Keras' 32 by default), the shuffling seed, a model name for
 * tables, where progress lines go ({@code System.out} by default; {@code null} for silence), and gradient
 * clipping by norm or by value.
 */
public final class FitOptions {
    private int batchSize = Training.BATCH_SIZE;
    private long seed = 42;
    private String name;
    private PrintStream out = System.out;
    private double clipNorm = Double.NaN;
    private double clipValue = Double.NaN;

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
