package io.github.seqbook.notebook;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * IJava's side of {@link Display}, all by reflection (IJava has no extension hook and its API,
 * {@code io.github.spencerpark:jupyter-jvm-basekernel}, is not on the library's class path): registers a
 * {@code RenderFunction} for {@link Displayable} with the kernel's {@code Renderer}, and displays through
 * {@code BaseKernel.display(DisplayData)}, as IJava's own {@code display(Object)} does.
 */
final class IJavaRenderers {
    static final String RENDER_FUNCTION = "io.github.spencerpark.jupyter.kernel.display.RenderFunction";

    /** Renderers that already have ours. */
    private static final Set<Object> REGISTERED = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    private IJavaRenderers() {
    }

    /**
     * Teaches an IJava {@code Renderer} to render every {@link Displayable} as {@code text/html} (preferred) and
     * {@code text/plain}; nothing happens the second time.
     *
     * @return false when {@code renderer} does not have IJava's registration API
     */
    static boolean register(Object renderer) {
        if (renderer == null) {
            return false;
        }
        if (REGISTERED.contains(renderer)) {
            return true;
        }
        try {
            ClassLoader loader = renderer.getClass().getClassLoader();
            Class<?> renderFunction = Class.forName(RENDER_FUNCTION, false, loader);
            Object registration = renderer.getClass().getMethod("createRegistration", Class.class)
                    .invoke(renderer, Displayable.class);
            registration = registration.getClass().getMethod("preferring", String[].class)
                    .invoke(registration, (Object) new String[] {"text/html"});
            registration = registration.getClass().getMethod("supporting", String[].class)
                    .invoke(registration, (Object) new String[] {"text/plain"});
            Object function = Proxy.newProxyInstance(loader, new Class<?>[] {renderFunction}, RENDER);
            registration.getClass().getMethod("register", renderFunction).invoke(registration, function);
            REGISTERED.add(renderer);
            return true;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** Registers with the IJava kernel running this notebook, if any; returns that kernel or null. */
    static Object connectRunningKernel() {
        try {
            Class<?> kernelStatics = Class.forName(Display.IJAVA_KERNEL, true, Display.class.getClassLoader());
            Object kernel = kernelStatics.getMethod("getKernelInstance").invoke(null);
            if (kernel != null && register(kernel.getClass().getMethod("getRenderer").invoke(kernel))) {
                return kernel;
            }
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            // not IJava, or no notebook running
        }
        return null;
    }

    /** Displays {@code value} through the running IJava kernel; false when there is none. */
    static boolean display(Displayable value) {
        Object kernel = connectRunningKernel();
        if (kernel == null) {
            return false;
        }
        try {
            Object renderer = kernel.getClass().getMethod("getRenderer").invoke(kernel);
            Object data = renderer.getClass().getMethod("render", Object.class).invoke(renderer, value);
            kernel.getClass().getMethod("display", data.getClass()).invoke(kernel, data);
            return true;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** The render function: {@code RenderFunction.render(data, context)} puts both forms in the output bundle. */
    private static final InvocationHandler RENDER = (proxy, method, args) -> switch (method.getName()) {
        case "render" -> {
            Displayable value = (Displayable) args[0];
            Object out = args[1].getClass().getMethod("getOutputContainer").invoke(args[1]);
            out.getClass().getMethod("putHTML", String.class).invoke(out, value.toHtml());
            out.getClass().getMethod("putText", String.class).invoke(out, value.toText());
            yield null;
        }
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        case "toString" -> "seqbook Displayable renderer";
        default -> throw new UnsupportedOperationException(method.toString());
    };
}
