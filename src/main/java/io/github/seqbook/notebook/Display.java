package io.github.seqbook.notebook;

import java.lang.reflect.Method;

import io.github.seqbook.Require;

/**
 * The one place that decides how a {@link Displayable} reaches the notebook, for whichever Java kernel runs it.
 * Every kernel is found at run time, so the library depends on none of them:
 * <ul>
 *   <li>the kernel this project installs (rapaio's): {@code Global.display("text/html", html)};</li>
 *   <li>JJava: a renderer for {@link Displayable} registered with the kernel's {@code Renderer} (by
 *       {@link JJavaExtension} when {@code %classpath} loads the jar, else on first use), and
 *       {@code BaseKernel.display} for {@link #show};</li>
 *   <li>IJava: the same renderer registered through IJava's {@code Renderer} by reflection, and IJava's
 *       {@code display(Object)};</li>
 *   <li>anywhere else (tests, plain programs): {@link Displayable#toText()} printed to standard output.</li>
 * </ul>
 * Under JJava and IJava a {@link Displayable} left as a cell's last expression renders as HTML too, with the text
 * form as its {@code text/plain}.
 */
public final class Display {
    static final String RAPAIO_GLOBAL = "org.rapaio.jupyter.kernel.global.Global";
    static final String JJAVA_KERNEL = "org.dflib.jjava.jupyter.kernel.BaseKernel";
    static final String IJAVA_KERNEL = "io.github.spencerpark.ijava.runtime.Kernel";

    private Display() {
    }

    /**
     * Displays {@code value} as HTML in the notebook, or prints its text form when no kernel is found.
     *
     * @return true when a kernel displayed it
     */
    public static boolean show(Displayable value) {
        Require.notNull("value", value);
        if (rapaio("text/html", value.toHtml()) || jjava(value) || ijava(value)) {
            return true;
        }
        System.out.println(value.toText());
        return false;
    }

    /**
     * Displays {@code html} as {@code text/html} (with {@code textFallback} as its {@code text/plain}), or prints
     * {@code textFallback} when no kernel is found.
     *
     * @return true when a kernel displayed it
     */
    public static boolean html(String html, String textFallback) {
        Require.notNull("html", html);
        Require.notNull("textFallback", textFallback);
        return show(new Fragment(html, textFallback));
    }

    /**
     * Registers the library's renderer with JJava or IJava when one of them runs this code, so that tables left as
     * a cell's value render as HTML; does nothing elsewhere and nothing the second time. The library's tables call
     * it when their class is first used.
     */
    public static void connect() {
        if (present(JJAVA_KERNEL)) {
            try {
                JJavaRenderers.connectRunningKernel();
            } catch (LinkageError | RuntimeException e) {
                // another JJava version: tables still show through show() or as text
            }
        }
        if (present(IJAVA_KERNEL)) {
            IJavaRenderers.connectRunningKernel();
        }
    }

    private static boolean rapaio(String mime, Object value) {
        try {
            Class<?> global = Class.forName(RAPAIO_GLOBAL, false, contextClassLoader());
            Method display = global.getMethod("display", String.class, Object.class);
            display.invoke(null, mime, value);
            return true;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return false;
        }
    }

    private static boolean jjava(Displayable value) {
        if (!present(JJAVA_KERNEL)) {
            return false;
        }
        try {
            return JJavaRenderers.display(value);
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    private static boolean ijava(Displayable value) {
        return present(IJAVA_KERNEL) && IJavaRenderers.display(value);
    }

    /** Whether a class is visible to the library's own class loader (the notebook's, under a kernel). */
    static boolean present(String className) {
        try {
            Class.forName(className, false, Display.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static ClassLoader contextClassLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Display.class.getClassLoader();
    }

    /** Ready-made HTML with its text form, for {@link #html}. */
    private record Fragment(String html, String text) implements Displayable {
        @Override
        public String toHtml() {
            return html;
        }

        @Override
        public String toText() {
            return text;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
