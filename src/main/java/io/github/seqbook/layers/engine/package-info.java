/**
 * The machinery behind the recurrent layers of {@link io.github.seqbook.layers}, which notebooks and model builders
 * never name: {@link io.github.seqbook.layers.engine.CustomRecurrentLayer} (the configuration base: parameters as
 * {@link io.github.seqbook.layers.engine.ParamSpec}s, initialised by {@code SpecParamInitializer} with Keras' shapes
 * and draw order), {@link io.github.seqbook.layers.engine.TimeMajorRnnImpl} (the DL4J layer: format conversion,
 * {@code rnnTimeStep} state, gradients) with one {@code ...Impl} subclass per layer, the time-major work arrays
 * ({@code StepArray}), recorded-and-replayed ND4J ops ({@link io.github.seqbook.layers.engine.OpTape}, why: per-op
 * dispatch dominates at the chapter's sizes) and layer normalization's forward and backward steps
 * ({@link io.github.seqbook.layers.engine.LayerNormOps}).
 *
 * <p>Classes here are public only where Java needs it across the two packages (the layers construct their
 * {@code ...Impl}; a custom cell records on an {@code OpTape}); they are not a stable API. None of them appears in a
 * saved model's JSON.
 */
package io.github.seqbook.layers.engine;
