package io.github.seqbook.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The loss computes per value what a chain of ND4J ops computes (the definition, kept here as the reference), bit
 * for bit, on every path: float arrays in one pass, labels in another layout, double arrays, masks.
 */
class HuberLossTest {
    private static final double DELTA = 1.0;

    /** Per-value losses as ND4J ops: the loss before its one-pass form. */
    private static INDArray referencePerValue(INDArray labels, INDArray preOutput) {
        INDArray output = preOutput.dup();
        INDArray abs = Transforms.abs(output.subi(labels.castTo(output.dataType())), false);
        INDArray quadratic = Transforms.min(abs, DELTA, true);
        INDArray linear = abs.subi(quadratic);
        return quadratic.muli(quadratic).muli(0.5).addi(linear.muli(DELTA));
    }

    private static INDArray referenceGradient(INDArray labels, INDArray preOutput) {
        INDArray error = preOutput.dup().subi(labels.castTo(preOutput.dataType()));
        return Transforms.max(Transforms.min(error, DELTA, false), -DELTA, false).divi(error.size(1));
    }

    /** Errors around the threshold, exact ties (|e| = delta), +0 and -0, a large value and a NaN. */
    private static INDArray[] data(DataType type) {
        Nd4j.getRandom().setSeed(3);
        INDArray pre = Nd4j.rand(type, 57, 14).subi(0.5).muli(6);
        INDArray labels = Nd4j.rand(type, 57, 14).subi(0.5).muli(4);
        labels.putScalar(0, 0, pre.getDouble(0, 0) - DELTA);
        labels.putScalar(0, 1, pre.getDouble(0, 1) + DELTA);
        labels.putScalar(0, 2, pre.getDouble(0, 2));
        labels.putScalar(1, 0, pre.getDouble(1, 0) + 1e6);
        pre.putScalar(0, 3, -0.0); // error -0
        labels.putScalar(0, 3, 0.0);
        pre.putScalar(2, 5, Double.NaN);
        return new INDArray[] {labels, pre};
    }

    private static void assertBitForBit(INDArray expected, INDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.dup('c').data().asDouble(), actual.dup('c').data().asDouble());
    }

    @Test
    void floatPathsEqualTheNd4jOpsBitForBit() {
        HuberLoss loss = new HuberLoss(DELTA);
        INDArray[] d = data(DataType.FLOAT);
        for (INDArray labels : new INDArray[] {d[0], d[0].dup('f')}) {
            INDArray reference = referencePerValue(labels, d[1]);
            INDArray scores = loss.computeScoreArray(labels, d[1], new ActivationIdentity(), null);
            assertBitForBit(reference.sum(true, 1).divi(14), scores);
            assertEquals(reference.sum(true, 1).divi(14).sumNumber().doubleValue(),
                    loss.computeScore(labels, d[1], new ActivationIdentity(), null, false));
            assertBitForBit(referenceGradient(labels, d[1]),
                    loss.computeGradient(labels, d[1], new ActivationIdentity(), null));
        }
    }

    @Test
    void doublesAndMasksTakeTheOpsAndAgree() {
        HuberLoss loss = new HuberLoss(DELTA);
        INDArray[] d = data(DataType.DOUBLE);
        assertBitForBit(referencePerValue(d[0], d[1]).sum(true, 1).divi(14),
                loss.computeScoreArray(d[0], d[1], new ActivationIdentity(), null));
        INDArray[] f = data(DataType.FLOAT);
        INDArray mask = Nd4j.ones(DataType.FLOAT, 57, 1);
        mask.putScalar(3, 0, 0.0);
        INDArray masked = loss.computeScoreArray(f[0], f[1], new ActivationIdentity(), mask);
        INDArray unmasked = loss.computeScoreArray(f[0], f[1], new ActivationIdentity(), null);
        assertEquals(0.0, masked.getDouble(3, 0));
        assertEquals(unmasked.getDouble(4, 0), masked.getDouble(4, 0));
    }
}
