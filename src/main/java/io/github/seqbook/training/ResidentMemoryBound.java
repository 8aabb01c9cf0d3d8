package io.github.seqbook.training;

import org.bytedeco.javacpp.Pointer;

/**
 * JavaCPP's bound on the process's resident memory ({@code -Dorg.bytedeco.javacpp.maxPhysicalBytes}, which the
 * kernelspec sets to the heap plus 800 MB), checked once per training batch and inference chunk. ND4J's arrays live
 * outside the heap and are freed only when the collector finds their Java objects dead; JavaCPP checks the bound,
 * and collects when it is passed, only when it allocates a pointer of its own. Since ND4J's shape buffers are cached
 * ({@code CachingShapeInfoProvider}) those allocations are rare, so the check would rarely run; here it runs at
 * least once a batch (about 1 us: a read of {@code /proc/self/statm}). A collection is asked for at most once a
 * second, so that a model that needs more than the bound slows down only a little.
 */
final class ResidentMemoryBound {
    private static final long MIN_NANOS_BETWEEN_COLLECTIONS = 1_000_000_000L;
    private static long lastCollection = System.nanoTime() - MIN_NANOS_BETWEEN_COLLECTIONS;

    private ResidentMemoryBound() {
    }

    /** Asks for a collection if the resident memory is above JavaCPP's bound (none set: nothing to check). */
    static void check() {
        long max = Pointer.maxPhysicalBytes();
        if (max <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (due(Pointer.physicalBytesInaccurate(max), max, now, lastCollection)) {
            lastCollection = now;
            System.gc();
        }
    }

    /** Whether to collect: resident bytes above a positive bound and the last collection a second or more ago. */
    static boolean due(long resident, long max, long now, long last) {
        return max > 0 && resident > max && now - last >= MIN_NANOS_BETWEEN_COLLECTIONS;
    }
}
