/**
 * Sound for the notebooks (chapter 15, exercise 10: listening to Bach's chorales and the model's own):
 * {@link io.github.seqbook.audio.ChordSynthesizer} plays chords of notes with a small additive synthesizer, and
 * {@link io.github.seqbook.audio.Wav} holds the result as a WAV file in memory that a notebook shows as an HTML audio
 * player and that can be saved next to it.
 */
package io.github.seqbook.audio;
