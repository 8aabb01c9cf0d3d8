package io.github.seqbook.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Function;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.github.seqbook.layers.engine.DenseLayout;
import io.github.seqbook.models.Models;

/** {@link ElementWiseAdd} computes what DL4J's {@code ElementWiseVertex(Add)} computes, bit for bit, in any layout. */
class ElementWiseAddTest {
    private static final LayerWorkspaceMgr MGR = LayerWorkspaceMgr.noWorkspaces();

    private static BaseGraphVertex vertex(boolean ours) {
        ElementWiseVertex conf = ours ? new ElementWiseAdd() : new ElementWiseVertex(ElementWiseVertex.Op.Add);
        return (BaseGraphVertex) conf.instantiate(null, "add", 0, null, false, DataType.FLOAT);
    }

    private static float[] values(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    /** Forward and backward of both vertices on inputs made by {@code layout} from c-order [4, 6, 9] arrays. */
    private static void assertSameAsDl4j(Function<INDArray, INDArray> layout, int inputs) {
        INDArray[] x = new INDArray[inputs];
        for (int i = 0; i < inputs; i++) {
            x[i] = layout.apply(Nd4j.randn(DataType.FLOAT, 4, 6, 9).muli(1e3)); // large and small values: rounding shows
        }
        INDArray eps = layout.apply(Nd4j.randn(DataType.FLOAT, 4, 6, 9));
        INDArray[] results = new INDArray[2];
        INDArray[][] grads = new INDArray[2][];
        for (int k = 0; k < 2; k++) {
            BaseGraphVertex v = vertex(k == 0);
            v.setInputs(x);
            results[k] = v.doForward(true, MGR);
            v.setEpsilon(eps);
            grads[k] = v.doBackward(false, MGR).getSecond();
        }
        assertArrayEquals(values(results[1]), values(results[0]));
        if (DenseLayout.isDense(x[0]) && java.util.Arrays.equals(x[0].stride(), x[inputs - 1].stride())) {
            assertArrayEquals(x[0].stride(), results[0].stride(), "the sum keeps its inputs' layout");
            assertArrayEquals(eps.stride(), grads[0][0].stride(), "dL/d input keeps dL/d sum's layout");
        }
        assertEquals(inputs, grads[0].length);
        for (int i = 0; i < inputs; i++) {
            assertArrayEquals(values(eps), values(grads[0][i]));
            for (int j = 0; j < i; j++) {
                assertEquals(false, grads[0][i] == grads[0][j], "each input gets its own copy");
            }
        }
    }

    @Test
    void timeMajorInputsAsTheConvolutionsReturnThem() {
        // [steps, batch, channels] in c order seen as [batch, channels, steps]
        Function<INDArray, INDArray> timeMajor = a -> a.reshape(9, 4, 6).dup('c').permute(1, 2, 0);
        assertEquals(true, DenseLayout.isDense(timeMajor.apply(Nd4j.create(DataType.FLOAT, 4, 6, 9))));
        assertSameAsDl4j(timeMajor, 2);
        assertSameAsDl4j(timeMajor, 3);
    }

    @Test
    void cOrderFOrderAndMixedInputs() {
        assertSameAsDl4j(a -> a, 2);
        assertSameAsDl4j(a -> a.dup('f'), 3);
        int[] n = {0};
        assertSameAsDl4j(a -> n[0]++ % 2 == 0 ? a : a.dup('f'), 3); // mixed layouts: DL4J's own path
    }

    @Test
    void theOriginalWavenetSavesAndLoadsItsAddVertices() {
        ComputationGraphConfiguration conf = Models.originalWavenet(50, 10, true).getConfiguration();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertInstanceOf(ElementWiseAdd.class, back.getVertices().get("skip_sum"));
        assertInstanceOf(ElementWiseAdd.class, back.getVertices().get("block0_residual"));
        assertEquals(conf.toJson(), back.toJson());
        assertThrows(IllegalArgumentException.class, () -> new ElementWiseAdd().setOp(ElementWiseVertex.Op.Product));
    }
}
