package io.github.seqbook.audio;

import io.github.seqbook.Require;
import io.github.seqbook.data.Chorales;

/**
 * A small additive synthesizer that turns chords of notes into sound, so that a chorale can be heard in the notebook
 * (the book's {@code play_chords} does the same with numpy sine waves). Plain Java, no sound files or downloads.
 *
 * <p>Each chord lasts one beat ({@code 60 / tempo} seconds; the book plays 160 beats per minute). Each of the 4
 * voices plays its note (MIDI number {@code n} at {@code 440 * 2^((n - 69) / 12)} Hz) as a fundamental with two
 * softer harmonics, so that it sounds a little like an organ rather than a pure sine. A voice that keeps the same note
 * over consecutive chords holds it (one long note, as the chorale is notated in sixteenths); a voice that changes note
 * fades the old one out and the new one in over a few milliseconds, which avoids clicks. Silence (0) plays nothing.
 * The last chord is held twice as long and fades out, as in the book.
 *
 * <p>Output: 16-bit signed mono PCM at {@link #sampleRate()} samples per second, packed by {@link Wav}.
 */
public final class ChordSynthesizer {
    /** The book's tempo, beats (chords) per minute. */
    public static final double BOOK_TEMPO = 160;
    /**
     * Default samples per second: 16 kHz reproduces the highest note (880 Hz) and its harmonics, and keeps an
     * embedded minute of music under 2 MB, which matters for a notebook that embeds five players.
     */
    public static final int DEFAULT_SAMPLE_RATE = 16_000;
    /** Default peak level of the mix, as a fraction of full scale. */
    public static final double DEFAULT_AMPLITUDE = 0.5;

    /** Relative levels of the fundamental and the 2nd and 3rd harmonics. */
    private static final double[] HARMONICS = {1.0, 0.35, 0.15};
    private static final double HARMONIC_SUM = 1.5;
    /** Fade in / fade out of a note, in seconds. */
    private static final double RAMP_SECONDS = 0.008;

    private final double tempo;
    private final int sampleRate;
    private final double amplitude;

    private ChordSynthesizer(double tempo, int sampleRate, double amplitude) {
        this.tempo = tempo;
        this.sampleRate = sampleRate;
        this.amplitude = amplitude;
    }

    /** The book's tempo (160 chords a minute), 16 kHz, half of full scale. */
    public static ChordSynthesizer book() {
        return new ChordSynthesizer(BOOK_TEMPO, DEFAULT_SAMPLE_RATE, DEFAULT_AMPLITUDE);
    }

    /**
     * A synthesizer with explicit settings.
     *
     * @param tempo      chords per minute, in [20, 1000]
     * @param sampleRate samples per second, in [8000, 96000]
     * @param amplitude  peak level as a fraction of full scale, in (0, 1]
     */
    public static ChordSynthesizer of(double tempo, int sampleRate, double amplitude) {
        Require.inRange("tempo", tempo, 20, 1000);
        Require.inRange("sampleRate", sampleRate, 8000, 96000);
        Require.inRange("amplitude", amplitude, 1e-6, 1.0);
        return new ChordSynthesizer(tempo, sampleRate, amplitude);
    }

    /** Chords per minute. */
    public double tempo() {
        return tempo;
    }

    /** Samples per second. */
    public int sampleRate() {
        return sampleRate;
    }

    /** Peak level as a fraction of full scale. */
    public double amplitude() {
        return amplitude;
    }

    /** Samples per chord: {@code round(sampleRate * 60 / tempo)}. */
    public int samplesPerChord() {
        return (int) Math.round(sampleRate * 60.0 / tempo);
    }

    /** Duration in seconds of {@code chords} chords: one beat each, plus one more for the held last chord. */
    public double seconds(int chords) {
        Require.positive("chords", chords);
        return (double) (chords + 1) * samplesPerChord() / sampleRate;
    }

    /** The frequency in Hz of a MIDI note (69 = A4 = 440 Hz, 12 notes per octave). */
    public static double frequency(int note) {
        return 440.0 * Math.pow(2, (note - 69) / 12.0);
    }

    /**
     * Plays the chords into samples in [-1, 1].
     *
     * @param chords {@code int[n][4]} of notes in {0} ∪ [36, 81] (see {@link Chorales})
     * @return {@code (n + 1) * samplesPerChord()} samples
     */
    public double[] samples(int[][] chords) {
        Chorales.checkChorale("chords", chords);
        int per = samplesPerChord();
        int n = chords.length;
        int total = (n + 1) * per;
        double[] out = new double[total];
        int ramp = Math.max(1, (int) Math.round(RAMP_SECONDS * sampleRate));
        for (int v = 0; v < Chorales.VOICES; v++) {
            double phase = 0; // carried across chords, so a held note is one unbroken wave
            for (int c = 0; c < n; c++) {
                int note = chords[c][v];
                if (note == Chorales.SILENCE) {
                    phase = 0;
                    continue;
                }
                boolean starts = c == 0 || chords[c - 1][v] != note;
                boolean last = c == n - 1;
                boolean ends = !last && chords[c + 1][v] != note;
                if (starts) {
                    phase = 0;
                }
                int from = c * per;
                int length = last ? 2 * per : per; // the book holds the last chord longer
                double step = 2 * Math.PI * frequency(note) / sampleRate;
                for (int i = 0; i < length; i++) {
                    double gain = 1;
                    if (starts && i < ramp) {
                        gain = (double) i / ramp;
                    }
                    if (ends && i >= length - ramp) {
                        gain = Math.min(gain, (double) (length - 1 - i) / ramp);
                    }
                    if (last) {
                        // fade out over the whole held chord (squared, as the book's fade)
                        double left = 1.0 - (double) i / length;
                        gain *= left * left;
                    }
                    double wave = 0;
                    for (int h = 0; h < HARMONICS.length; h++) {
                        wave += HARMONICS[h] * Math.sin((h + 1) * phase);
                    }
                    out[from + i] += gain * wave / HARMONIC_SUM;
                    phase += step;
                }
                phase %= 2 * Math.PI;
            }
        }
        for (int i = 0; i < total; i++) {
            out[i] *= amplitude / Chorales.VOICES;
        }
        return out;
    }

    /** Plays the chords into a 16-bit PCM WAV (see {@link #samples}). */
    public Wav wav(int[][] chords) {
        return Wav.of(samples(chords), sampleRate);
    }

    @Override
    public String toString() {
        return String.format("ChordSynthesizer(tempo=%s, sampleRate=%d, amplitude=%s)", tempo, sampleRate, amplitude);
    }
}
