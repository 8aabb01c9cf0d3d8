package io.github.seqbook.keras;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Keras' layer names within one model: explicit names kept, others {@code stem}, {@code stem_1}, {@code stem_2}, ... */
final class Names {
    private final Map<String, Integer> counters = new HashMap<>();
    private final Set<String> used = new HashSet<>();

    String next(Layer layer) {
        String name = layer.explicitName();
        if (name == null) {
            do {
                int n = counters.merge(layer.nameStem(), 1, Integer::sum) - 1;
                name = n == 0 ? layer.nameStem() : layer.nameStem() + "_" + n;
            } while (used.contains(name));
        }
        return reserve(name);
    }

    String reserve(String name) {
        if (!used.add(name)) {
            throw new IllegalArgumentException("two layers of the model are named '" + name + "'; layer names must be "
                    + "unique");
        }
        return name;
    }
}
