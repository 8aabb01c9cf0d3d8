/**
 * What a notebook cell needs beyond the chapter's code: {@link io.github.seqbook.notebook.Chapter#setup()} (the first
 * cell; side effect: it sets float32 as ND4J's default data type for the whole JVM) and
 * {@link io.github.seqbook.notebook.Display} (rich output through the Java kernel, text elsewhere).
 */
package io.github.seqbook.notebook;
