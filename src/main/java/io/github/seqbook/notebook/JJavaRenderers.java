package io.github.seqbook.notebook;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

/**
 * JJava's side of {@link Display}, written against JJava's kernel API ({@code org.dflib.jjava:jjava-jupyter},
 * which the jar does not contain): only loaded once {@link Display} has seen that API on the class path.
 *
 * <p>The renderer is registered for {@link Displayable} as loaded by the notebook's class loader, the one
 * that loads the tables a cell returns; that is why {@link JJavaExtension} asks the kernel to evaluate this
 * class's name rather than calling it directly.
 */
public final class JJavaRenderers {
    /** Renderers that already have ours, so that registering twice adds nothing. */
    private static final Set<Renderer> REGISTERED = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    private JJavaRenderers() {
    }

    /**
     * Teaches {@code renderer} to render every {@link Displayable} as {@code text/html} ({@link Displayable#toHtml()},
     * preferred) and {@code text/plain} ({@link Displayable#toText()}); nothing happens the second time.
     */
    public static void register(Renderer renderer) {
        if (renderer == null || !REGISTERED.add(renderer)) {
            return;
        }
        renderer.createRegistration(Displayable.class)
                .preferring(MIMEType.TEXT_HTML)
                .supporting(MIMEType.TEXT_PLAIN)
                .register((value, context) -> {
                    context.renderIfRequested(MIMEType.TEXT_HTML, () -> value.toHtml());
                    context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> value.toText());
                });
    }

    /** Registers with the kernel running this notebook, if any; returns that kernel or null. */
    static BaseKernel connectRunningKernel() {
        BaseKernel kernel = runningKernel();
        if (kernel != null) {
            register(kernel.getRenderer());
        }
        return kernel;
    }

    /** Displays {@code value} through the running JJava kernel; false when there is none. */
    static boolean display(Displayable value) {
        BaseKernel kernel = connectRunningKernel();
        if (kernel == null) {
            return false;
        }
        kernel.display(kernel.getRenderer().render(value));
        return true;
    }

    private static BaseKernel runningKernel() {
        try {
            return BaseKernel.notebookKernel();
        } catch (NullPointerException e) {
            return null; // the API is present but no notebook runs (tests, plain programs)
        }
    }
}
