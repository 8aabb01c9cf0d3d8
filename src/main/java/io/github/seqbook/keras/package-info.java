/**
 * The Keras-shaped model API: {@link io.github.seqbook.keras.Keras} (static factories for inputs, layers, models,
 * optimizers, losses and metrics), the layer descriptions ({@link io.github.seqbook.keras.Layer} and its subclasses,
 * Keras' names and defaults), the models ({@link io.github.seqbook.keras.Sequential},
 * {@link io.github.seqbook.keras.Functional}) that compile into DL4J networks built on the library's fast layers, and
 * the few DL4J pieces Keras has and DL4J 1.0.0-M2.1 lacks ({@link io.github.seqbook.keras.HuberLoss},
 * {@link io.github.seqbook.keras.SgdMomentum}, the {@link io.github.seqbook.keras.LayerNormalization} layer).
 */
package io.github.seqbook.keras;
