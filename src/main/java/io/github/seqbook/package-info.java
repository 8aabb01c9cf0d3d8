/**
 * seqbook: chapter 15 of Géron's <i>Hands-On Machine Learning</i> ("Processing Sequences Using RNNs and CNNs") on
 * Deeplearning4j, as a library the chapter's Java notebooks load with {@code %jars}.
 *
 * <p>The packages, in the order a notebook meets them: {@link io.github.seqbook.notebook} (the first cell, rich
 * output), {@link io.github.seqbook.data} (the book's series, splits and targets), {@link io.github.seqbook.models}
 * (one builder per model of the chapter, saving and loading), {@link io.github.seqbook.training} (Keras-like fit,
 * evaluate, predict, forecasts, metrics), {@link io.github.seqbook.plots} (the chapter's figures),
 * {@link io.github.seqbook.tables} (the results table against the book's numbers), and
 * {@link io.github.seqbook.layers} (the custom layers the chapter writes by hand; their machinery lives in
 * {@link io.github.seqbook.layers.engine}).
 *
 * <p>This package holds what all of them share: {@link io.github.seqbook.Require} (argument checks with messages
 * naming the argument, the value and what is allowed), {@link io.github.seqbook.RunMode} (full or quick mode) and
 * {@link io.github.seqbook.SequenceLayout} (every conversion between the book's {@code [batch, steps, features]},
 * DL4J's NCW and the layers' time-major layout).
 */
package io.github.seqbook;
