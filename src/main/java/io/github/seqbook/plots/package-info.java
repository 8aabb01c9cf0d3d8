/**
 * The chapter's figures with XChart, returned as images a notebook cell shows inline:
 * {@link io.github.seqbook.plots.Plots} draws the book's {@code plot_series}, {@code plot_learning_curves},
 * {@code plot_multiple_forecasts} and an MC Dropout band, in the book's colours, 400 x 320 pixels per panel;
 * {@link io.github.seqbook.plots.PianoRoll} draws a chorale (exercise 10).
 */
package io.github.seqbook.plots;
