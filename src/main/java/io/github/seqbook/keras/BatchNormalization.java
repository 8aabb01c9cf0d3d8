package io.github.seqbook.keras;

import io.github.seqbook.models.Models;

/**
 * Keras' {@code BatchNormalization()} (momentum 0.99, epsilon 1e-3): normalises each feature with the batch's
 * statistics in training and moving averages at inference; on sequences the statistics run over batch and time,
 * as Keras does on a 3-D input ({@link io.github.seqbook.layers.SequenceBatchNormalization}). {@code 4 * features}
 * parameters as Keras counts them (gamma, beta trainable; moving mean and variance not). See
 * {@link Models#kerasBatchNormalization()}.
 */
public final class BatchNormalization extends Layer {
    BatchNormalization() {
    }

    @Override
    public String kerasClass() {
        return "BatchNormalization";
    }

    @Override
    String nameStem() {
        return "batch_normalization";
    }

    @Override
    Shape outputShape(Shape input) {
        return input;
    }

    @Override
    Built build(Shape input) {
        if (input.sequence()) {
            return Built.of(Models.kerasBatchNormalization());
        }
        return Built.of(new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().decay(0.99).eps(1e-3)
                .useLogStd(false).build());
    }

    @Override
    public String toString() {
        return "BatchNormalization()";
    }
}
