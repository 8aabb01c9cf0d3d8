package io.github.seqbook.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;

import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Checks the generator against values printed by numpy 1.24 for the book's code. */
class SeriesGeneratorTest {
    static JsonNode ref;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = SeriesGeneratorTest.class.getResourceAsStream("/numpy_reference.json")) {
            ref = new ObjectMapper().readTree(in);
        }
    }

    static double[] doubles(JsonNode node) {
        double[] out = new double[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asDouble();
        }
        return out;
    }

    /** Asserts float32 values equal numpy's within one float32 ulp (libm vs Java sin). */
    static void assertWithinOneUlp(double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            float e = (float) expected[i];
            assertTrue(Math.abs(e - actual[i]) <= Math.ulp(e),
                    "value " + i + ": numpy " + e + ", ours " + actual[i]);
        }
    }

    @Test
    void randMatchesNumpyLegacySeeding() {
        assertArrayEquals(doubles(ref.get("seed42_rand3")), new NumpyRandom(42).rand(3), 0.0);
        NumpyRandom rng = new NumpyRandom(42);
        double[] flat = rng.rand(4);
        JsonNode m = ref.get("seed42_rand_2x2");
        assertEquals(m.get(1).get(1).asDouble(), flat[3], 0.0);
    }

    @Test
    void small4x6MatchesNumpy() {
        float[] v = SeriesGenerator.generate(4, 6, 42).data().asFloat();
        JsonNode rows = ref.get("seed42_generate_4x6");
        for (int r = 0; r < 4; r++) {
            float[] row = new float[6];
            System.arraycopy(v, r * 6, row, 0, 6);
            assertWithinOneUlp(doubles(rows.get(r)), row);
        }
    }

    @Test
    void booksDatasetMatchesNumpy() {
        INDArray s = SeriesGenerator.generate(10000, 51, 42);
        assertArrayEquals(new long[] {10000, 51, 1}, s.shape());
        assertEquals(DataType.FLOAT, s.dataType());
        float[] v = s.data().asFloat();
        float[] first5 = new float[5];
        System.arraycopy(v, 0, first5, 0, 5);
        assertWithinOneUlp(doubles(ref.get("seed42_generate_10000x51_first_series_first5")), first5);
        double sum = 0;
        for (float f : v) {
            sum += f;
        }
        // float64 sum of all 510,000 float32 values: a mismatch in any value shifts it far beyond this bound.
        assertEquals(ref.get("seed42_generate_10000x51_float64_sum").asDouble(), sum, 1e-4);
    }

    @Test
    void seed43SeriesMatchesNumpy() {
        assertWithinOneUlp(doubles(ref.get("seed43_generate_1x60")),
                SeriesGenerator.generate(1, 60, 43).data().asFloat());
    }

    @Test
    void linspaceLikeNumpy() {
        double[] t = SeriesGenerator.linspace(51);
        assertEquals(0.0, t[0]);
        assertEquals(1.0, t[50]);
        assertEquals(25 * (1.0 / 50), t[25], 0.0);
        assertArrayEquals(new double[] {0.0}, SeriesGenerator.linspace(1));
    }

    @Test
    void sameSeedSameData() {
        assertEquals(SeriesGenerator.generate(50, 20, 7), SeriesGenerator.generate(50, 20, 7));
        assertTrue(!SeriesGenerator.generate(50, 20, 7).equals(SeriesGenerator.generate(50, 20, 8)));
    }

    @Test
    void badArgumentsNameTheArgument() {
        var e = assertThrows(IllegalArgumentException.class, () -> SeriesGenerator.generate(0, 10, 42));
        assertTrue(e.getMessage().contains("batch"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SeriesGenerator.generate(3, -1, 42));
        assertTrue(e.getMessage().contains("steps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NumpyRandom(-1));
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
    }
}
