package io.github.seqbook.notebook;

import java.lang.reflect.Method;

import io.github.seqbook.Require;

/**
 * Shows rich output from library code through the Java kernel this project installs (rapaio's, found by
 * reflection so the library does not depend on it). Under any other kernel (IJava) and outside a kernel
 * (tests, plain programs) the text fallback is printed instead, so notebooks still run unchanged.
 */
public final class Display {
    private Display() {
    }

    /**
     * Displays {@code html} as {@code text/html}, or prints {@code textFallback} when no kernel is found.
     *
     * @return true when a kernel displayed it
     */
    public static boolean html(String html, String textFallback) {
        Require.notNull("html", html);
        if (rapaio("text/html", html)) {
            return true;
        }
        System.out.println(textFallback);
        return false;
    }

    private static boolean rapaio(String mime, Object value) {
        try {
            Class<?> global = Class.forName("org.rapaio.jupyter.kernel.global.Global", false, classLoader());
            Method display = global.getMethod("display", String.class, Object.class);
            display.invoke(null, mime, value);
            return true;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return false;
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Display.class.getClassLoader();
    }
}
