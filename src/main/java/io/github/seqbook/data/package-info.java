/**
 * The chapter's data, in the book's (Keras') layout {@code [batch, steps, features]}: the generated series, exactly
 * the book's numbers ({@link io.github.seqbook.data.SeriesGenerator} over a port of numpy's legacy generator,
 * {@link io.github.seqbook.data.NumpyRandom}), the 7,000 / 2,000 / 1,000 splits
 * ({@link io.github.seqbook.data.SeriesData}, {@link io.github.seqbook.data.Split}) and the targets as the book
 * slices them: next value, next values, sequence to sequence, downsampled ({@link io.github.seqbook.data.Targets}).
 * Sections "Forecasting a Time Series" and "Forecasting Several Time Steps Ahead". Downloaded data sets
 * ({@link io.github.seqbook.data.DataFiles}): the ridership series ({@link io.github.seqbook.data.Ridership}) and Bach's
 * chorales for exercise 10 ({@link io.github.seqbook.data.Chorales}).
 */
package io.github.seqbook.data;
