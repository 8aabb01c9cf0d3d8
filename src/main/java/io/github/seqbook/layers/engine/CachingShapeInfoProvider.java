package io.github.seqbook.layers.engine;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.BaseShapeInfoProvider;
import org.nd4j.linalg.api.ndarray.ShapeInfoProvider;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's shape-information buffers, cached by shape, strides, order and type: every new array or view needs one.
 * ND4J 1.0.0-M2.1's CPU backend names a caching provider ({@code DirectShapeInfoProvider}) whose cache the arrays
 * never reach (they call an overload it does not override), so each array asks libnd4j again, through two JavaCPP
 * pointers whose registration reads the process's resident memory (JavaCPP's {@code maxPhysicalBytes} check): about
 * 2-3 us per array, measured as a third of a ridership linear model's epoch and 6-9% of the recurrent and
 * convolutional models'. libnd4j caches the buffers themselves (they are constant), so sharing them across arrays is
 * what it does already; each caller gets its own copy of the Java-side {@code long[]}.
 *
 * <p>{@link #install} puts it in place of the CPU backend's provider (the training loop does, once); other
 * backends keep theirs. At most {@value #MAX_ENTRIES} shapes are kept; later ones are created as ND4J does.
 */
public final class CachingShapeInfoProvider extends BaseShapeInfoProvider {
    /** Shapes kept (a training loop uses a few dozen); about 200 bytes each. */
    static final int MAX_ENTRIES = 20_000;

    private final ConcurrentHashMap<Key, Pair<DataBuffer, long[]>> cache = new ConcurrentHashMap<>();

    /** A cache key: {@code kind} 0 for (data type, empty), 1 for ND4J's packed extras in {@code extras}. */
    private record Key(long[] shape, long[] stride, long ews, char order, int kind, long extras) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.ews == ews && k.order == order && k.kind == kind && k.extras == extras
                    && Arrays.equals(k.shape, shape) && Arrays.equals(k.stride, stride);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(stride)) + Long.hashCode(ews * 131 + order)
                    + 17 * Long.hashCode(extras) + kind;
        }
    }

    @Override
    public Pair<DataBuffer, long[]> createShapeInformation(long[] shape, long[] stride, long elementWiseStride,
                                                          char order, DataType dataType, boolean empty) {
        return cached(new Key(shape.clone(), stride.clone(), elementWiseStride, order, 0,
                        dataType.ordinal() * 2L + (empty ? 1 : 0)),
                () -> super.createShapeInformation(shape, stride, elementWiseStride, order, dataType, empty));
    }

    @Override
    public Pair<DataBuffer, long[]> createShapeInformation(long[] shape, long[] stride, long elementWiseStride,
                                                          char order, long extras) {
        return cached(new Key(shape.clone(), stride.clone(), elementWiseStride, order, 1, extras),
                () -> super.createShapeInformation(shape, stride, elementWiseStride, order, extras));
    }

    /** The cached buffer for {@code key}, made by {@code create} (and kept, while there is room) if there is none. */
    private Pair<DataBuffer, long[]> cached(Key key, Supplier<Pair<DataBuffer, long[]>> create) {
        Pair<DataBuffer, long[]> p = cache.get(key);
        if (p == null) {
            p = create.get();
            if (cache.size() < MAX_ENTRIES) {
                cache.putIfAbsent(key, Pair.create(p.getFirst(), p.getSecond().clone()));
            }
        }
        return Pair.create(p.getFirst(), p.getSecond().clone());
    }

    @Override
    public void purgeCache() {
        cache.clear();
    }

    /** The provider ND4J's CPU backend names, whose cache 1.0.0-M2.1's arrays never reach. */
    static final String CPU_PROVIDER = "org.nd4j.linalg.cpu.nativecpu.DirectShapeInfoProvider";

    /**
     * Makes ND4J create shape buffers through this provider if it uses the CPU backend's own; returns true when this
     * provider is in use afterwards. ND4J offers no setter after start-up (its JVM option {@code shapeinfoprovider} is
     * read once, when it starts, before a kernel loads this library), so the field is set by reflection; an ND4J
     * without that field keeps its provider. Arrays made before keep their buffers.
     * {@code -Dseqbook.shapeInfoCache=false} keeps ND4J's provider (for comparisons and diagnosis).
     */
    public static synchronized boolean install() {
        ShapeInfoProvider current = Nd4j.getShapeInfoProvider();
        if (current instanceof CachingShapeInfoProvider) {
            return true;
        }
        if (current == null || !current.getClass().getName().equals(CPU_PROVIDER)
                || "false".equals(System.getProperty("seqbook.shapeInfoCache"))) {
            return false;
        }
        try {
            Field field = Nd4j.class.getDeclaredField("shapeInfoProvider");
            field.setAccessible(true);
            field.set(null, new CachingShapeInfoProvider());
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** Shapes held, for tests. */
    int size() {
        return cache.size();
    }
}
