package io.github.seqbook.layers;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Copies a DL4J layer configuration into the library's drop-in subclass of it ({@link CausalConv1D},
 * {@link SequenceBatchNormalization}): DL4J's configuration classes have only private constructors from their
 * builders, so the drop-in copies every instance field declared by the DL4J class and its superclasses.
 */
final class DropInConfiguration {
    private DropInConfiguration() {
    }

    /**
     * Sets every non-static field that {@code dl4jClass} and its superclasses declare from {@code source} onto
     * {@code target}, and returns {@code target}.
     *
     * @throws IllegalStateException when the JVM refuses access to a field (named, with {@code what})
     */
    static <T> T copy(Class<?> dl4jClass, Object source, T target, String what) {
        for (Class<?> c = dl4jClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    f.set(target, f.get(source));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("Cannot copy " + f + " of the " + what + "'s configuration", e);
                }
            }
        }
        return target;
    }
}
