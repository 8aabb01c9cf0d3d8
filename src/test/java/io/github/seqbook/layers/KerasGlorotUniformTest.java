package io.github.seqbook.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class KerasGlorotUniformTest {

    @Test
    void limitsUseKerasFans() {
        // Conv1D(20, kernel_size=4) on 1 channel: Keras kernel (4, 1, 20), fan_in 4, fan_out 80.
        assertEquals(Math.sqrt(6.0 / (4 + 80)), KerasGlorotUniform.limit(new long[] {20, 1, 4, 1}), 1e-15);
        // Conv1D(64, kernel_size=2) on 32 channels: fan_in 64, fan_out 128.
        assertEquals(Math.sqrt(6.0 / (64 + 128)), KerasGlorotUniform.limit(new long[] {64, 32, 2, 1}), 1e-15);
        // Dense / LSTM input kernel [in, out].
        assertEquals(Math.sqrt(6.0 / (20 + 80)), KerasGlorotUniform.limit(new long[] {20, 80}), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> KerasGlorotUniform.limit(new long[] {2, 3, 4}));
    }

    @Test
    void valuesFillTheRangeAndIgnoreDl4jFans() {
        long[] shape = {64, 32, 2, 1};
        INDArray view = Nd4j.create(DataType.FLOAT, 64 * 32 * 2);
        Nd4j.getRandom().setSeed(1);
        // Fans of 1 would give a limit of 1.73 if they were used.
        INDArray w = new KerasGlorotUniform().init(1, 1, shape, 'c', view);
        double limit = KerasGlorotUniform.limit(shape);
        assertTrue(w.amaxNumber().doubleValue() <= limit);
        assertTrue(w.amaxNumber().doubleValue() > 0.99 * limit, "4096 draws should reach the bound");
        assertEquals(0.0, w.meanNumber().doubleValue(), 0.01);
        assertEquals(view, w.reshape(view.length()), "the weights must be written into the parameter view");
    }
}
