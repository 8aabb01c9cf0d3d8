package io.github.seqbook.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.seqbook.training.Metrics;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class TargetsTest {
    /** One series 0, 1, ..., 6 (as [1, 7, 1]); values make every slice easy to check by hand. */
    static INDArray ramp() {
        return Nd4j.create(new float[] {0, 1, 2, 3, 4, 5, 6}, new long[] {1, 7, 1}, 'c');
    }

    @Test
    void sequenceToSequenceHandComputed() {
        // steps 4, ahead 3: at step t the targets are t+1, t+2, t+3.
        INDArray y = Targets.sequenceToSequence(ramp(), 4, 3);
        assertArrayEquals(new long[] {1, 4, 3}, y.shape());
        float[][] expected = {{1, 2, 3}, {2, 3, 4}, {3, 4, 5}, {4, 5, 6}};
        for (int t = 0; t < 4; t++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(expected[t][k], y.getFloat(0, t, k), 0f, "Y[0," + t + "," + k + "]");
            }
        }
    }

    @Test
    void downsampleKeepsEveryStrideStepFromStart() {
        // Y of the ramp with steps 4, ahead 3 is {{1,2,3},{2,3,4},{3,4,5},{4,5,6}}: Y[:, 1::2] keeps steps 1 and 3.
        INDArray y = Targets.downsample(Targets.sequenceToSequence(ramp(), 4, 3), 1, 2);
        assertArrayEquals(new long[] {1, 2, 3}, y.shape());
        assertArrayEquals(new float[] {2, 3, 4, 4, 5, 6}, y.data().asFloat());
    }

    @Test
    void booksStridedConvolutionTargets() {
        // Y[:, 3::2] of 50 steps: steps 3, 5, ..., 49, one per output of Conv1D(kernel 4, stride 2, valid).
        SeriesData d = SeriesData.sequenceToSequence(50, 10).downsampleTargets(3, 2);
        assertArrayEquals(new long[] {2000, 24, 10}, d.valid().y().shape());
        assertArrayEquals(new long[] {2000, 50, 1}, d.valid().x().shape());
        // Output step i sees inputs 2i..2i+3; its target is the 10 values after input 2i+3: series[2i+4 .. 2i+13].
        for (int i : new int[] {0, 11, 23}) {
            for (int k = 0; k < 10; k++) {
                assertEquals(d.series().getFloat(7000 + 5, 2 * i + 4 + k, 0), d.valid().y().getFloat(5, i, k), 0f);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> SeriesData.nextValue(50).downsampleTargets(3, 2));
        assertThrows(IllegalArgumentException.class, () -> Targets.downsample(d.valid().y(), 24, 0));
        assertThrows(IllegalArgumentException.class, () -> Targets.downsample(d.valid().y(), 24, 1));
    }

    @Test
    void downsampleAtTheLastStepKeepsOneColumn() {
        // numpy: Y[:, 3::2] of 4 steps is step 3 alone; Y[:, 49::2] of 50 steps is step 49 alone.
        SeriesData short4 = SeriesData.sequenceToSequence(4, 10);
        SeriesData d = short4.downsampleTargets(3, 2);
        assertArrayEquals(new long[] {2000, 1, 10}, d.valid().y().shape());
        assertEquals(short4.valid().y().get(NDArrayIndex.all(), NDArrayIndex.interval(3, 4), NDArrayIndex.all()),
                d.valid().y());
        INDArray y50 = SeriesData.sequenceToSequence(50, 10).valid().y();
        INDArray last = Targets.downsample(y50, 49, 2);
        assertArrayEquals(new long[] {2000, 1, 10}, last.shape());
        assertEquals(y50.get(NDArrayIndex.all(), NDArrayIndex.interval(49, 50), NDArrayIndex.all()), last);
    }

    @Test
    void downsampleFollowsNumpySlicingForEveryStartAndStride() {
        // Y[:, start::stride] keeps steps start, start + stride, ... below steps: checked step by step against the
        // definition for every start and for strides up to beyond the length.
        INDArray y = Targets.sequenceToSequence(SeriesGenerator.generate(2, 13, 5), 10, 3);
        for (int start = 0; start < 10; start++) {
            for (int stride = 1; stride <= 11; stride++) {
                INDArray kept = Targets.downsample(y, start, stride);
                int expectedSteps = (10 - start + stride - 1) / stride;
                assertArrayEquals(new long[] {2, expectedSteps, 3}, kept.shape(), "start " + start + ", stride " + stride);
                for (int i = 0; i < expectedSteps; i++) {
                    assertEquals(y.get(NDArrayIndex.all(), NDArrayIndex.point(start + (long) i * stride), NDArrayIndex.all()),
                            kept.get(NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.all()),
                            "start " + start + ", stride " + stride + ", kept step " + i);
                }
            }
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Targets.downsample(y, 10, 1));
        assertTrue(e.getMessage().contains("start") && e.getMessage().contains("[0, 9]") && e.getMessage().contains("10"),
                e.getMessage());
    }

    @Test
    void inputsAndNextValues() {
        assertArrayEquals(new float[] {0, 1, 2, 3}, Targets.inputs(ramp(), 4).data().asFloat());
        assertArrayEquals(new float[] {4, 5, 6}, Targets.nextValues(ramp(), 4, 3).data().asFloat());
        assertArrayEquals(new long[] {1, 3}, Targets.nextValues(ramp(), 4, 3).shape());
    }

    @Test
    void rejectsWindowsThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> Targets.sequenceToSequence(ramp(), 5, 3));
        assertThrows(IllegalArgumentException.class, () -> Targets.nextValues(ramp(), 4, 0));
        assertThrows(IllegalArgumentException.class, () -> Targets.inputs(Nd4j.zeros(3, 4), 2));
    }

    @Test
    void booksSplitsAndNaiveBaseline() {
        SeriesData d = SeriesData.nextValue(50);
        assertArrayEquals(new long[] {2000, 50, 1}, d.valid().x().shape());
        assertArrayEquals(new long[] {2000, 1}, d.valid().y().shape());
        assertArrayEquals(new long[] {1000, 50, 1}, d.test().x().shape());
        // The book prints 0.020211367 (float32); numpy_reference.json has the float64 value.
        assertEquals(0.020211366936564445, Metrics.naiveMse(d.valid().x(), d.valid().y()), 2e-9);
    }

    @Test
    void naiveTenStepsOn60StepDataset() {
        SeriesData d = SeriesData.nextValues(50, 10);
        assertArrayEquals(new long[] {2000, 10}, d.valid().y().shape());
        // numpy's value is a float32 mean (its rounding error is ~1e-7 here); ours is summed in double.
        assertEquals(0.2569740116596222, Metrics.naiveMse(d.valid().x(), d.valid().y()), 1e-7);
    }

    @Test
    void seq2seqDatasetShapes() {
        SeriesData d = SeriesData.sequenceToSequence(50, 10);
        assertArrayEquals(new long[] {2000, 50, 10}, d.valid().y().shape());
        // Y[:, -1] is the 10-step target of the vector-output models.
        INDArray last = d.valid().y().get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(49), org.nd4j.linalg.indexing.NDArrayIndex.all());
        assertEquals(SeriesData.nextValues(50, 10).valid().y(), last);
    }
}
