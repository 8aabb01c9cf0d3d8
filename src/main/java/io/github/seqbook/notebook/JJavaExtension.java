package io.github.seqbook.notebook;

import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.Renderer;

/**
 * JJava's extension hook: listed in {@code META-INF/services/org.dflib.jjava.jupyter.Extension}, so JJava installs
 * it when {@code %classpath} (or {@code %maven}) adds the jar; other kernels never load it.
 *
 * <p>JJava loads extensions in a class loader of its own: in 1.0-a6 a child of the notebook's class loader, in other
 * releases a child of the kernel's, where a renderer registered for this copy of {@link Displayable} would never
 * match the tables a cell returns. The extension therefore asks the kernel to evaluate the class literal of
 * {@link JJavaRenderers}, which gives the notebook's copy in either case, and registers through that copy.
 */
public final class JJavaExtension implements Extension {
    /** What the kernel evaluates: the notebook's copy of {@link JJavaRenderers}. */
    static final String NOTEBOOK_RENDERERS = "io.github.seqbook.notebook.JJavaRenderers.class";

    @Override
    public void install(BaseKernel kernel) {
        try {
            Object renderers = kernel.evalRaw(NOTEBOOK_RENDERERS);
            if (renderers instanceof Class<?> type) {
                type.getMethod("register", Renderer.class).invoke(null, kernel.getRenderer());
            }
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            // Never fail the %classpath cell: the tables then register on first use (Display.connect()).
        }
    }
}
