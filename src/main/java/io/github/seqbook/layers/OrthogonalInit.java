package io.github.seqbook.layers;

import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras' {@code Orthogonal} initializer (the default for recurrent kernels): a random normal matrix made
 * orthonormal by a QR decomposition whose signs are fixed so that {@code R} has a positive diagonal.
 * DL4J has no such {@code WeightInit}; without it a SimpleRNN trains noticeably worse than in the book.
 */
public final class OrthogonalInit implements IWeightInit {
    private static final long serialVersionUID = 1L;

    @Override
    public INDArray init(double fanIn, double fanOut, long[] shape, char order, INDArray paramView) {
        long rows = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            rows *= shape[i];
        }
        int numRows = Math.toIntExact(rows);
        int numCols = Math.toIntExact(shape[shape.length - 1]);
        boolean transpose = numRows < numCols;
        int tall = Math.max(numRows, numCols);
        int wide = Math.min(numRows, numCols);
        // Draw from ND4J's generator so a configuration seed makes the weights reproducible.
        double[][] a = Nd4j.randn(DataType.DOUBLE, tall, wide).toDoubleMatrix();
        double[][] q = orthonormalColumns(a);
        double[][] out = new double[numRows][numCols];
        for (int r = 0; r < numRows; r++) {
            for (int c = 0; c < numCols; c++) {
                out[r][c] = transpose ? q[c][r] : q[r][c];
            }
        }
        INDArray values = Nd4j.create(out).castTo(paramView.dataType()).reshape('c', shape);
        INDArray view = paramView.reshape(order, shape);
        view.assign(values);
        return view;
    }

    /**
     * Modified Gram-Schmidt on the columns of {@code a} (rows >= columns): the thin {@code Q} of
     * {@code a = QR} with {@code R}'s diagonal positive, which is what Keras gets from {@code qr} and the
     * sign correction {@code q *= sign(diag(r))}.
     */
    static double[][] orthonormalColumns(double[][] a) {
        int rows = a.length;
        int cols = a[0].length;
        double[][] q = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            q[r] = a[r].clone();
        }
        for (int j = 0; j < cols; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int r = 0; r < rows; r++) {
                    dot += q[r][k] * q[r][j];
                }
                for (int r = 0; r < rows; r++) {
                    q[r][j] -= dot * q[r][k];
                }
            }
            double norm = 0;
            for (int r = 0; r < rows; r++) {
                norm += q[r][j] * q[r][j];
            }
            norm = Math.sqrt(norm);
            for (int r = 0; r < rows; r++) {
                q[r][j] /= norm;
            }
        }
        return q;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OrthogonalInit;
    }

    @Override
    public int hashCode() {
        return OrthogonalInit.class.hashCode();
    }

    @Override
    public String toString() {
        return "OrthogonalInit()";
    }
}
