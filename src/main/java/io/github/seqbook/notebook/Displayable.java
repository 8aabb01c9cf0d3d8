package io.github.seqbook.notebook;

/**
 * A value the notebooks show as a table: {@link #toHtml()} where the kernel displays HTML, {@link #toText()}
 * (numbers to 4 significant digits) where it does not. {@link Display} decides which one, and how, for the kernel
 * that runs the notebook; implementations return {@link #toText()} from {@code toString()} too.
 */
public interface Displayable {
    /** An HTML fragment (no {@code <html>} or {@code <body>}), the same under every kernel. */
    String toHtml();

    /** The same content as fixed-width text. */
    String toText();
}
