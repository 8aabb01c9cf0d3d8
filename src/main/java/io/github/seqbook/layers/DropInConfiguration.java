package io.github.seqbook.layers;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the library's drop-in subclasses of DL4J layer configurations ({@link CausalConv1D},
 * {@link SequenceBatchNormalization}, the output and loss layers, ...) share: copying a DL4J configuration into the
 * subclass (DL4J's configuration classes have only private constructors from their builders, so the drop-in copies
 * every instance field declared by the DL4J class and its superclasses), and wiring the runtime layer as DL4J's
 * {@code instantiate} does.
 */
final class DropInConfiguration {
    private DropInConfiguration() {
    }

    /**
     * Wires a new runtime {@code layer} as DL4J's {@code instantiate} methods do: listeners, index, the parameter view
     * and the parameters {@code initializer} lays out in it (initialised when {@code initialize}), configuration.
     */
    static <L extends org.deeplearning4j.nn.api.Layer> L wire(L layer, NeuralNetConfiguration conf,
                                                               Collection<TrainingListener> listeners, int index,
                                                               INDArray paramsView, boolean initialize,
                                                               ParamInitializer initializer) {
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer.init(conf, paramsView, initialize));
        layer.setConf(conf);
        return layer;
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
