/**
 * The results table at the end of each notebook ({@link io.github.seqbook.tables.Results}, a Tablesaw table shown
 * as HTML and written as CSV for the run's summary) and the book's own numbers it compares against
 * ({@link io.github.seqbook.tables.BookResults}).
 */
package io.github.seqbook.tables;
