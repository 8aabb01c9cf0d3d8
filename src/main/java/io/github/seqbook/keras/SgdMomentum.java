package io.github.seqbook.keras;

import java.util.Map;

import io.github.seqbook.Require;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Keras' {@code SGD(learning_rate, momentum)} with classical (heavy-ball) momentum, which DL4J lacks (its
 * {@code Nesterovs} is the {@code nesterov=True} variant): {@code v = momentum * v - lr * g; w = w + v}.
 */
public final class SgdMomentum implements IUpdater {
    private static final long serialVersionUID = 1L;

    private double learningRate;
    private final double momentum;

    /**
     * @param learningRate step size, > 0
     * @param momentum     momentum in [0, 1)
     */
    public SgdMomentum(@JsonProperty("learningRate") double learningRate, @JsonProperty("momentum") double momentum) {
        this.learningRate = Require.positive("learningRate", learningRate);
        this.momentum = Require.inRange("momentum", momentum, 0.0, 0.999999);
    }

    /** The learning rate. */
    public double getLearningRate() {
        return learningRate;
    }

    /** The momentum. */
    public double getMomentum() {
        return momentum;
    }

    @Override
    public long stateSize(long numParams) {
        return numParams;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater u = new Updater(this);
        u.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        Updater u = new Updater(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public SgdMomentum clone() {
        return new SgdMomentum(learningRate, momentum);
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        if (lrSchedule != null) {
            throw new IllegalArgumentException("SgdMomentum takes a fixed learning rate, not a schedule");
        }
        this.learningRate = Require.positive("learningRate", lr);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SgdMomentum s && s.learningRate == learningRate && s.momentum == momentum;
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(learningRate) + Double.hashCode(momentum);
    }

    @Override
    public String toString() {
        return "SgdMomentum(learningRate=" + learningRate + ", momentum=" + momentum + ")";
    }

    /** The velocity state and the update rule. */
    private static final class Updater implements GradientUpdater<SgdMomentum> {
        private static final String VELOCITY = "V";
        private final SgdMomentum config;
        private INDArray v;

        Updater(SgdMomentum config) {
            this.config = config;
        }

        @Override
        public SgdMomentum getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> state, boolean initialize) {
            if (state == null || !state.containsKey(VELOCITY)) {
                throw new IllegalStateException("SgdMomentum needs its velocity state \"" + VELOCITY + "\"");
            }
            v = state.get(VELOCITY);
            if (initialize) {
                v.assign(0);
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            return Map.of(VELOCITY, v);
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            if (initialize) {
                viewArray.assign(0);
            }
            v = viewArray.reshape(gradientOrder, gradientShape);
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            // DL4J subtracts what this leaves in `gradient` from the parameters: leave -v.
            v.muli(config.momentum).subi(gradient.mul(config.learningRate));
            gradient.assign(v).negi();
        }
    }
}
