/**
 * Keras-like training on the book's arrays: {@link io.github.seqbook.training.Training} ({@code fit} with per-epoch
 * progress lines and a {@link io.github.seqbook.training.History}, {@code evaluate}, {@code predict}; options in
 * {@link io.github.seqbook.training.FitOptions}; divergence stops with a
 * {@link io.github.seqbook.training.TrainingDivergedException}), {@link io.github.seqbook.training.Metrics} (MSE,
 * last-time-step MSE, the naive baseline) and {@link io.github.seqbook.training.Forecasts} (naive forecasts,
 * forecasting several steps ahead one at a time, MC Dropout with {@link io.github.seqbook.training.Uncertainty}).
 *
 * <p>Data arrive in the book's layout {@code [batch, steps, 1]} and are converted to the networks' NCW here. Every
 * entry point checks its input against the model before DL4J sees it, including the input length (a valid
 * convolution needs a minimum, a Flatten + Dense model one exact length).
 *
 * <p>Side effects, documented where they happen: {@code fit} with a clipping option sets it on the model's layers,
 * where it stays for later fits; {@code Forecasts.mcDropout} reseeds ND4J's global random generator.
 */
package io.github.seqbook.training;
