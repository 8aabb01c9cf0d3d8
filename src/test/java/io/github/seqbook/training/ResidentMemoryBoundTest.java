package io.github.seqbook.training;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A collection is asked for above the bound, at most once a second, never without a bound. */
class ResidentMemoryBoundTest {
    private static final long S = 1_000_000_000L;

    @Test
    void collectsAboveTheBoundAtMostOnceASecond() {
        assertTrue(ResidentMemoryBound.due(2_000, 1_000, 10 * S, 8 * S));
        assertFalse(ResidentMemoryBound.due(900, 1_000, 10 * S, 8 * S), "below the bound");
        assertFalse(ResidentMemoryBound.due(2_000, 1_000, 10 * S, 10 * S - S / 2), "half a second after the last");
        assertTrue(ResidentMemoryBound.due(2_000, 1_000, 10 * S, 9 * S), "a second after the last");
        assertFalse(ResidentMemoryBound.due(2_000, 0, 10 * S, 0), "no bound");
    }

    @Test
    void readsThisProcesssResidentMemory() {
        long rss = org.bytedeco.javacpp.Pointer.physicalBytesInaccurate(Long.MAX_VALUE);
        assertTrue(rss > 20L << 20, "a JVM with ND4J loaded has more than 20 MB resident, read " + rss);
        ResidentMemoryBound.check();
    }
}
