package io.github.seqbook.training;

import java.io.PrintStream;

import io.github.seqbook.Require;

/**
 * Options of {@link Training#fit}: batch size (Keras' 32 by default), the shuffling seed, a model name for
 * tables, and where progress lines go ({@code System.out} by default; {@code null} for silence).
 */
public final class FitOptions {
    private int batchSize = Training.BATCH_SIZE;
    private long seed = 42;
    private String name;
    private PrintStream out = System.out;

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
