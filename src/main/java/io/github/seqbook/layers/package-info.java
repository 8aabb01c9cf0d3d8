/**
 * The layers, cells and initialisers the chapter uses that DL4J lacks or computes differently from Keras: the
 * classes a model builder names. Recurrent layers (NCW by default, returning sequences):
 * {@link io.github.seqbook.layers.KerasSimpleRnn} ({@code SimpleRNN}), {@link io.github.seqbook.layers.KerasLstm}
 * ({@code LSTM}), {@link io.github.seqbook.layers.Gru} ({@code GRU}, TF 2 defaults),
 * {@link io.github.seqbook.layers.LayerNormSimpleRnn} (the book's {@code RNN(LNSimpleRNNCell)}) and
 * {@link io.github.seqbook.layers.RecurrentLoop} (the book's {@code MyRNN}) over a
 * {@link io.github.seqbook.layers.RecurrentCell} such as {@link io.github.seqbook.layers.LayerNormSimpleRnnCell};
 * Keras' {@code dropout} and {@code recurrent_dropout} as options of the first three (per-sample masks, see
 * {@link io.github.seqbook.layers.engine.CustomRecurrentLayer}); DropConnect on the recurrent weights, one mask per
 * batch ({@link io.github.seqbook.layers.RecurrentDropConnect}, notebook 02's first MC Dropout model); WaveNet's
 * {@link io.github.seqbook.layers.GatedActivationUnit} and its causal convolutions
 * ({@link io.github.seqbook.layers.CausalConv1D}, DL4J's causal {@code Convolution1DLayer} computed fast); Keras'
 * {@code BatchNormalization} on sequences ({@link io.github.seqbook.layers.SequenceBatchNormalization}, DL4J's
 * {@code BatchNormalization} in {@code TimeDistributed} computed fast); Keras' {@code Flatten} for sequences
 * ({@link io.github.seqbook.layers.FlattenSequence}); Keras' initialisers
 * ({@link io.github.seqbook.layers.KerasGlorotUniform}, {@link io.github.seqbook.layers.OrthogonalInit}). Drop-ins
 * for DL4J's layers with DL4J's configuration and values, computed faster on the layouts the layers above hand over:
 * Keras' {@code Add} ({@link io.github.seqbook.layers.ElementWiseAdd}) and {@code Activation}
 * ({@link io.github.seqbook.layers.ElementWiseActivationLayer}), and the output and loss layers
 * ({@link io.github.seqbook.layers.DenseOutputLayer}, {@link io.github.seqbook.layers.SequenceOutputLayer},
 * {@link io.github.seqbook.layers.SequenceLossLayer}).
 *
 * <p>These are the classes DL4J writes into a saved model's JSON, so they keep their names and package: models
 * saved earlier load unchanged. How the recurrent layers compute (op tapes, parameter layout and initialisation,
 * the time-major work arrays, one {@code ...Impl} per layer) lives in {@link io.github.seqbook.layers.engine}; a
 * custom {@link io.github.seqbook.layers.RecurrentCell} needs two classes from there,
 * {@link io.github.seqbook.layers.engine.OpTape} and {@link io.github.seqbook.layers.engine.ParamSpec}.
 */
package io.github.seqbook.layers;
