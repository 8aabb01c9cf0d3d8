package io.github.seqbook.layers.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Each recorded op, replayed, must equal the same op computed eagerly, also on strided views and after new inputs. */
class OpTapeTest {
    private static INDArray rand(long... shape) {
        return Nd4j.rand(DataType.DOUBLE, shape).subi(0.5);
    }

    @Test
    void replayedOpsEqualEagerOnes() {
        Nd4j.getRandom().setSeed(1);
        INDArray a = rand(4, 3);
        INDArray b = rand(3, 5);
        INDArray big = rand(4, 10);
        INDArray colView = big.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 5)); // strided [4, 3]
        INDArray row = rand(3);
        INDArray col = rand(4, 1);
        INDArray c = Nd4j.create(DataType.DOUBLE, 4, 5);
        INDArray acc = rand(4, 5);
        INDArray accStart = acc.dup();
        INDArray sum = Nd4j.create(DataType.DOUBLE, 4, 3);
        INDArray diff = Nd4j.create(DataType.DOUBLE, 4, 3);
        INDArray prod = Nd4j.create(DataType.DOUBLE, 4, 3);
        INDArray prodCol = Nd4j.create(DataType.DOUBLE, 4, 3);
        INDArray th = Nd4j.create(DataType.DOUBLE, 4, 3);
        INDArray sg = Nd4j.create(DataType.DOUBLE, 4, 3);
        INDArray tom = Nd4j.create(DataType.DOUBLE, 4, 3);
        INDArray oms = Nd4j.create(DataType.DOUBLE, 4, 3);
        INDArray plus = Nd4j.create(DataType.DOUBLE, 4, 3);
        INDArray scaled = Nd4j.create(DataType.DOUBLE, 4, 3);
        INDArray rs = Nd4j.create(DataType.DOUBLE, 4, 3);
        INDArray filled = Nd4j.create(DataType.DOUBLE, 4, 3);
        INDArray colSums = Nd4j.create(DataType.DOUBLE, 1, 3);
        INDArray rowMeans = Nd4j.create(DataType.DOUBLE, 4, 1);
        INDArray positive = Nd4j.rand(DataType.DOUBLE, 4, 3).addi(0.1);

        try (OpTape tape = new OpTape(DataType.DOUBLE)) {
            tape.gemm(a, b, c, false, false, false);
            tape.gemm(a, b, acc, false, false, true);
            tape.add(colView, a, sum);
            tape.sub(a, row, diff);
            tape.mul(colView, a, prod);
            tape.mul(a, col, prodCol);
            tape.tanh(colView, th);
            tape.sigmoid(a, sg);
            tape.timesOneMinus(sg, tom);
            tape.oneMinusSquare(th, oms);
            tape.addScalar(a, 0.25, plus);
            tape.scale(colView, -2.0, scaled);
            tape.rsqrt(positive, rs);
            tape.fillRows(filled, row.reshape(1, 3));
            tape.sumRows(a, colSums, false);
            tape.meanColumns(a, rowMeans);
            for (int i = 0; i < 2; i++) {
                tape.run(); // replaying twice must give the same (non-accumulating ops) results
            }
        }
        double eps = 1e-12;
        assertTrue(c.equalsWithEps(a.mmul(b), eps));
        assertTrue(acc.equalsWithEps(accStart.add(a.mmul(b).mul(2)), eps), "accumulating gemm adds once per replay");
        assertTrue(sum.equalsWithEps(colView.add(a), eps));
        assertTrue(diff.equalsWithEps(a.subRowVector(row), eps));
        assertTrue(prod.equalsWithEps(colView.mul(a), eps));
        assertTrue(prodCol.equalsWithEps(a.mulColumnVector(col), eps));
        assertTrue(th.equalsWithEps(Transforms.tanh(colView, true), eps));
        assertTrue(sg.equalsWithEps(Transforms.sigmoid(a, true), eps));
        assertTrue(tom.equalsWithEps(sg.mul(sg.rsub(1)), eps));
        assertTrue(oms.equalsWithEps(th.mul(th).rsub(1), eps));
        assertTrue(plus.equalsWithEps(a.add(0.25), eps));
        assertTrue(scaled.equalsWithEps(colView.mul(-2), eps));
        assertTrue(rs.equalsWithEps(Transforms.pow(positive, -0.5, true), eps));
        assertTrue(filled.equalsWithEps(Nd4j.zeros(DataType.DOUBLE, 4, 3).addRowVector(row), eps));
        assertTrue(colSums.equalsWithEps(a.sum(true, 0), eps));
        assertTrue(rowMeans.equalsWithEps(a.mean(true, 1), eps));
    }

    @Test
    void everyRecordedOpKindReplaysAsADirectNativeCallOnTheCpuBackend() {
        INDArray a = rand(4, 3);
        INDArray z = Nd4j.create(DataType.DOUBLE, 4, 3);
        try (OpTape tape = new OpTape(DataType.DOUBLE)) {
            tape.gemm(a, rand(3, 3), z, false, false, true);
            tape.add(a, a, z);
            tape.sub(a, a, z);
            tape.mul(a, a, z);
            tape.tanh(a, z);
            tape.sigmoid(a, z);
            tape.timesOneMinus(a, z);
            tape.oneMinusSquare(a, z);
            tape.relu(a, z);
            tape.reluBackward(a, a, z);
            tape.addScalar(a, 1.0, z);
            tape.scale(a, 2.0, z);
            tape.sign(a, z);
            tape.clip(a, -0.1, 0.1, z);
            tape.rsqrt(a, z);
            tape.copy(a, z);
            // the tests run on ND4J's CPU backend: a silent fall-back to the executioner would cost 2-5 us per op
            assertEquals(tape.size(), tape.directCount());
        }
    }

    @Test
    void copyMovesValuesBetweenLayouts() {
        INDArray rows = rand(5, 12); // [batch, 3 gates x 4 units]
        INDArray planes = Nd4j.create(DataType.DOUBLE, 3, 5, 4);
        INDArray back = Nd4j.create(DataType.DOUBLE, 5, 12);
        try (OpTape tape = new OpTape(DataType.DOUBLE)) {
            tape.copy(GatePlanes.byGate(rows, 3), planes);
            tape.copy(planes, GatePlanes.byGate(back, 3));
            tape.run();
        }
        for (int k = 0; k < 3; k++) {
            assertEquals(rows.get(NDArrayIndex.all(), NDArrayIndex.interval(4 * k, 4 * k + 4)),
                    planes.get(NDArrayIndex.point(k), NDArrayIndex.all(), NDArrayIndex.all()));
        }
        assertEquals(rows, back);
    }

    /** A matrix of the given shape as a row block of a taller one (an offset view), e.g. a step of a state array. */
    private static INDArray rowsOfTaller(DataType type, long rows, long cols) {
        INDArray tall = Nd4j.rand(type, rows + 3, cols).subi(0.5);
        return Nd4j.create(tall.data(), new long[] {rows, cols}, new long[] {cols, 1}, 2 * cols, 'c', type);
    }

    @Test
    void productsCalledThroughBlasEqualNd4jsOpBitForBit() {
        // a matrix product, then the vector cases of the layers: a 1-feature input's product (k = 1), a 1-output
        // product (n = 1) and sums over rows (m = 1)
        for (long[] mkn : new long[][] {{6, 5, 7}, {6, 1, 7}, {6, 5, 1}, {1, 5, 7}, {9, 1, 1}, {1, 1, 9}}) {
            productsCalledThroughBlasEqualNd4jsOpBitForBit(mkn[0], mkn[1], mkn[2]);
        }
        // a [1, k] x [k, 1] product stays an ND4J op (the layers record none; kept out rather than tested)
        INDArray v = Nd4j.rand(DataType.FLOAT, 1, 5);
        INDArray w = Nd4j.rand(DataType.FLOAT, 5, 1);
        INDArray d = Nd4j.create(DataType.FLOAT, 1, 1);
        assertEquals(null, BlasGemm.prepare(new org.nd4j.linalg.api.ops.impl.reduce.Mmul(v, w, d, 1.0, 0.0,
                org.nd4j.linalg.api.blas.params.MMulTranspose.allFalse()), new INDArray[] {v, w, d}));
    }

    private void productsCalledThroughBlasEqualNd4jsOpBitForBit(long m, long k, long n) {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int layout = 0; layout < 6; layout++) {
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        for (boolean accumulate : new boolean[] {false, true}) {
                            long[] aShape = ta ? new long[] {k, m} : new long[] {m, k};
                            long[] bShape = tb ? new long[] {n, k} : new long[] {k, n};
                            INDArray a = Nd4j.rand(type, aShape).subi(0.5);
                            INDArray b = Nd4j.rand(type, bShape).subi(0.5);
                            INDArray c = Nd4j.rand(type, m, n).subi(0.5);
                            switch (layout) {
                                case 1 -> a = a.dup('f');
                                case 2 -> b = b.dup('f');
                                case 3 -> c = c.dup('f');
                                case 4 -> { // offset views, as the layers' steps and kernel taps
                                    a = rowsOfTaller(type, aShape[0], aShape[1]).assign(a);
                                    c = rowsOfTaller(type, m, n).assign(c);
                                }
                                case 5 -> // a column block of a wider matrix (strided rows)
                                    b = Nd4j.rand(type, bShape[0], 3 * bShape[1]).get(NDArrayIndex.all(),
                                            NDArrayIndex.interval(bShape[1], 2 * bShape[1])).assign(b);
                                default -> { }
                            }
                            INDArray expected = c.dup(c.ordering());
                            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.reduce.Mmul(a, b, expected, 1.0,
                                    accumulate ? 1.0 : 0.0, org.nd4j.linalg.api.blas.params.MMulTranspose.builder()
                                            .transposeA(ta).transposeB(tb).build()));
                            try (OpTape tape = new OpTape(type)) {
                                tape.gemm(a, b, c, ta, tb, accumulate);
                                String what = "[" + m + ", " + k + "] x [" + k + ", " + n + "] " + type + " layout "
                                        + layout + " ta " + ta + " tb " + tb + " acc " + accumulate;
                                assertTrue(BlasGemm.prepare(new org.nd4j.linalg.api.ops.impl.reduce.Mmul(a, b, c, 1.0,
                                        accumulate ? 1.0 : 0.0, org.nd4j.linalg.api.blas.params.MMulTranspose.builder()
                                                .transposeA(ta).transposeB(tb).build()), new INDArray[] {a, b, c}) != null,
                                        "called through BLAS: " + what);
                                tape.run();
                                assertTrue(java.util.Arrays.equals(expected.dup('c').data().asDouble(),
                                        c.dup('c').data().asDouble()), what);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aFailingReplayedOpIsReportedWithItsName() {
        try (OpTape tape = new OpTape(DataType.DOUBLE)) {
            INDArray z = Nd4j.create(DataType.DOUBLE, 4, 3);
            tape.add(rand(4, 3), rand(2, 5), z);
            IllegalStateException e = assertThrows(IllegalStateException.class, tape::run);
            assertTrue(e.getMessage().contains("add"), e.getMessage());
        }
    }

    @Test
    void replaySeesNewContentsOfTheRecordedArrays() {
        INDArray x = Nd4j.create(DataType.DOUBLE, 2, 2);
        INDArray y = Nd4j.create(DataType.DOUBLE, 2, 2);
        try (OpTape tape = new OpTape(DataType.DOUBLE)) {
            tape.tanh(x, y);
            x.assign(0.5);
            tape.run();
            assertEquals(Math.tanh(0.5), y.getDouble(1, 1), 1e-15);
            x.assign(-1.0);
            tape.run();
            assertEquals(Math.tanh(-1.0), y.getDouble(0, 1), 1e-15);
        }
    }

    @Test
    void gemmRefusesStridedOutput() {
        INDArray big = Nd4j.create(DataType.DOUBLE, 3, 6);
        try (OpTape tape = new OpTape(DataType.DOUBLE)) {
            assertThrows(IllegalArgumentException.class, () -> tape.gemm(rand(3, 2), rand(2, 3),
                    big.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3)), false, false, false));
        }
    }

    @Test
    void scratchAndConstantsAreSharedByShape() {
        try (OpTape tape = new OpTape(DataType.FLOAT)) {
            assertTrue(tape.scratch("t", 2, 3) == tape.scratch("t", 2, 3));
            assertTrue(tape.scratch("t", 2, 3) != tape.scratch("t", 3, 2));
            assertEquals(DataType.FLOAT, tape.constant(1.0, 2).dataType());
            assertEquals(2.0, tape.constant(1.0, 2).sumNumber().doubleValue(), 0);
        }
    }

    @Test
    void reluAndItsBackwardPassAndRebindingAndPartialRuns() {
        INDArray x = Nd4j.createFromArray(new double[][] {{-1.5, 0.0, 2.0}, {3.0, -0.25, 1e-9}});
        INDArray eps = Nd4j.createFromArray(new double[][] {{10, 20, 30}, {40, 50, 60}});
        INDArray y = Nd4j.create(DataType.DOUBLE, 2, 3);
        INDArray dx = Nd4j.create(DataType.DOUBLE, 2, 3);
        try (OpTape tape = new OpTape(DataType.DOUBLE)) {
            tape.relu(x, y);
            tape.reluBackward(x, eps, dx);
            tape.run();
            assertEquals(Transforms.relu(x, true), y);
            // eps where x > 0 (also the tiny 1e-9), 0 where x <= 0
            assertEquals(Nd4j.createFromArray(new double[][] {{0, 0, 30}, {40, 0, 60}}), dx);
            assertThrows(IllegalArgumentException.class, () -> tape.reluBackward(x, eps, eps));

            // rebinding: op 0 reads another input and writes another output; run(1) skips op 0
            INDArray x2 = x.neg();
            INDArray y2 = Nd4j.create(DataType.DOUBLE, 2, 3);
            tape.rebindInput(0, 0, x2);
            tape.rebindOutput(0, y2);
            y.assign(-7);
            tape.run(1);
            assertEquals(0.0, y2.sumNumber().doubleValue(), "op 0 skipped");
            tape.run();
            assertEquals(Transforms.relu(x2, true), y2);
            assertEquals(-7.0, y.getDouble(0, 0), "the old output is no longer written");
        }
    }

    /** x, y and z of one shape in the layouts the layers record: contiguous, f order, strided columns, offset rows. */
    private static INDArray[] binaryOperands(DataType type, int layout) {
        INDArray x = Nd4j.rand(type, 6, 5).subi(0.5).muli(3);
        INDArray y = Nd4j.rand(type, 6, 5).subi(0.5).muli(3);
        INDArray z = Nd4j.create(type, 6, 5);
        switch (layout) {
            case 1 -> { // f order
                x = x.dup('f');
                z = z.dup('f');
            }
            case 2 -> // a column block of a wider matrix, as a gate of an LSTM's [batch, 4 * units] rows
                y = Nd4j.rand(type, 6, 15).get(NDArrayIndex.all(), NDArrayIndex.interval(5, 10)).assign(y);
            case 3 -> { // offset rows of a taller array, as a step of a state array
                x = rowsOfTaller(type, 6, 5).assign(x);
                z = rowsOfTaller(type, 6, 5);
            }
            case 4 -> z = x; // in place
            default -> { }
        }
        return new INDArray[] {x, y, z};
    }

    @Test
    void elementWiseOpsRunAsLegacyPairwiseAndBroadcastCallsWithTheCustomOpsBits() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int layout = 0; layout < 5; layout++) {
                // y: the same shape, a row [k], a row [1, k], a column [n, 1]
                for (int yKind = 0; yKind < 4; yKind++) {
                    for (String name : new String[] {"add", "sub", "mul"}) {
                        INDArray[] o = binaryOperands(type, layout);
                        INDArray x = o[0];
                        INDArray z = o[2];
                        INDArray y = switch (yKind) {
                            case 1 -> Nd4j.rand(type, 5).subi(0.5);
                            case 2 -> Nd4j.rand(type, 1, 5).subi(0.5);
                            case 3 -> Nd4j.rand(type, 6, 1).subi(0.5);
                            default -> o[1];
                        };
                        INDArray xBefore = x.dup('c');
                        INDArray expected = Nd4j.create(type, 6, 5);
                        Nd4j.exec(customOp(name, xBefore, y, expected));
                        String what = type + " layout " + layout + " y " + java.util.Arrays.toString(y.shape()) + " "
                                + name;
                        assertTrue(DirectCpuCalls.BinaryElementWise.prepare(customOp(name, x, y, z), new INDArray[] {x, y, z})
                                != null, "legacy call: " + what);
                        try (OpTape tape = new OpTape(type)) {
                            switch (name) {
                                case "add" -> tape.add(x, y, z);
                                case "sub" -> tape.sub(x, y, z);
                                default -> tape.mul(x, y, z);
                            }
                            tape.run();
                        }
                        assertTrue(java.util.Arrays.equals(expected.data().asDouble(), z.dup('c').data().asDouble()),
                                what);
                    }
                }
            }
        }
        // a vector on the left (z = row - m) stays a custom op
        INDArray m = rand(4, 3);
        INDArray row = rand(3);
        INDArray out = Nd4j.create(DataType.DOUBLE, 4, 3);
        assertEquals(null, DirectCpuCalls.BinaryElementWise.prepare(customOp("sub", row, m, out), new INDArray[] {row, m, out}));
    }

    @Test
    void broadcastsOfSquareMatricesAndOfVectorViewsKeepTheirDimension() {
        Nd4j.getRandom().setSeed(7);
        INDArray square = Nd4j.rand(DataType.FLOAT, 5, 5).subi(0.5);
        INDArray wide = Nd4j.rand(DataType.FLOAT, 3, 12).subi(0.5);
        INDArray[] ys = {
            Nd4j.rand(DataType.FLOAT, 5, 1).subi(0.5),            // a column of a square matrix: dimension 0
            Nd4j.rand(DataType.FLOAT, 5).subi(0.5),               // a row [k] of a square matrix: dimension 1
            wide.get(NDArrayIndex.point(1), NDArrayIndex.interval(3, 8)).reshape(1, 5),   // an offset row view
            wide.get(NDArrayIndex.interval(0, 3), NDArrayIndex.point(4)).reshape(3, 1),   // a strided column view
        };
        INDArray[] xs = {square, square, square, Nd4j.rand(DataType.FLOAT, 3, 5).subi(0.5)};
        for (int i = 0; i < ys.length; i++) {
            for (String name : new String[] {"add", "sub", "mul"}) {
                INDArray x = xs[i];
                INDArray y = ys[i];
                INDArray z = Nd4j.create(DataType.FLOAT, x.shape());
                INDArray expected = Nd4j.create(DataType.FLOAT, x.shape());
                Nd4j.exec(customOp(name, x, y, expected));
                String what = "case " + i + " " + name + " y " + java.util.Arrays.toString(y.shape());
                assertTrue(DirectCpuCalls.BinaryElementWise.prepare(customOp(name, x, y, z), new INDArray[] {x, y, z})
                        != null, "legacy call: " + what);
                try (OpTape tape = new OpTape(DataType.FLOAT)) {
                    switch (name) {
                        case "add" -> tape.add(x, y, z);
                        case "sub" -> tape.sub(x, y, z);
                        default -> tape.mul(x, y, z);
                    }
                    tape.run();
                }
                assertTrue(java.util.Arrays.equals(expected.data().asFloat(), z.data().asFloat()), what);
            }
        }
    }

    private static org.nd4j.linalg.api.ops.CustomOp customOp(String name, INDArray x, INDArray y, INDArray z) {
        return switch (name) {
            case "add" -> new org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp(x, y, z);
            case "sub" -> new org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp(x, y, z);
            default -> new org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp(x, y, z);
        };
    }
}
