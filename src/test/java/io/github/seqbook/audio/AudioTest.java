package io.github.seqbook.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chord synthesizer's WAV decodes, lasts as long as the chords, sounds the right pitches, and plays in HTML. */
class AudioTest {
    @TempDir
    Path tmp;

    /** 16 chords of a C major chord, then 16 of silence in two voices. */
    static int[][] chords() {
        int[][] c = new int[32][];
        for (int i = 0; i < 32; i++) {
            c[i] = i < 16 ? new int[] {72, 67, 64, 48} : new int[] {72, 0, 0, 48};
        }
        return c;
    }

    /** Decodes a WAV with javax.sound.sampled into samples in [-1, 1], checking it is 16-bit mono PCM. */
    static double[] decode(byte[] wav, int expectedRate) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
            AudioFormat f = in.getFormat();
            assertEquals(AudioFormat.Encoding.PCM_SIGNED, f.getEncoding());
            assertEquals(expectedRate, f.getSampleRate(), 0.0);
            assertEquals(16, f.getSampleSizeInBits());
            assertEquals(1, f.getChannels());
            byte[] pcm = in.readAllBytes();
            assertEquals(in.getFrameLength() * 2, pcm.length);
            double[] s = new double[pcm.length / 2];
            for (int i = 0; i < s.length; i++) {
                int v = f.isBigEndian() ? (pcm[2 * i] << 8) | (pcm[2 * i + 1] & 0xff)
                        : (pcm[2 * i + 1] << 8) | (pcm[2 * i] & 0xff);
                s[i] = v / 32768.0;
            }
            return s;
        }
    }

    /** Power of frequency {@code hz} in the samples (Goertzel), per sample. */
    static double power(double[] s, int from, int to, double hz, int rate) {
        double w = 2 * Math.PI * hz / rate;
        double re = 0;
        double im = 0;
        for (int i = from; i < to; i++) {
            re += s[i] * Math.cos(w * i);
            im += s[i] * Math.sin(w * i);
        }
        return (re * re + im * im) / ((double) (to - from) * (to - from));
    }

    @Test
    void wavDecodesWithTheBooksTempoAndIsNotSilent() throws Exception {
        ChordSynthesizer synth = ChordSynthesizer.book();
        Wav wav = synth.wav(chords());
        double[] s = decode(wav.bytes(), 16_000);
        // 160 chords a minute: 0.375 s = 6000 samples per chord; 32 chords plus the held last one.
        assertEquals(6000, synth.samplesPerChord());
        assertEquals(33 * 6000, s.length);
        assertEquals(33 * 0.375, wav.seconds(), 1e-9);
        assertEquals(synth.seconds(32), wav.seconds(), 1e-9);
        double rms = 0;
        double peak = 0;
        for (double v : s) {
            rms += v * v;
            peak = Math.max(peak, Math.abs(v));
        }
        rms = Math.sqrt(rms / s.length);
        assertTrue(rms > 0.02, "not silent: rms " + rms);
        assertTrue(peak <= synth.amplitude() + 1e-3, "peak " + peak + " within the amplitude");
    }

    @Test
    void notesSoundAtTheirPitch() throws Exception {
        int[][] a4 = new int[8][];
        for (int i = 0; i < 8; i++) {
            a4[i] = new int[] {69, 0, 0, 0}; // A4, 440 Hz, alone
        }
        assertEquals(440.0, ChordSynthesizer.frequency(69), 1e-9);
        assertEquals(880.0, ChordSynthesizer.frequency(81), 1e-9);
        double[] s = decode(ChordSynthesizer.book().wav(a4).bytes(), 16_000);
        int from = 6000;
        int to = 6000 * 6;
        double at440 = power(s, from, to, 440, 16_000);
        assertTrue(at440 > 100 * power(s, from, to, 466.16, 16_000), "A4 not A#4");
        assertTrue(at440 > 100 * power(s, from, to, 415.30, 16_000), "A4 not G#4");
        assertTrue(power(s, from, to, 880, 16_000) > 10 * power(s, from, to, 660, 16_000), "a 2nd harmonic");
        // In the chords above, the C major chord sounds E4 (64) in the first half and not in the second.
        double[] c = decode(ChordSynthesizer.book().wav(chords()).bytes(), 16_000);
        double e4 = ChordSynthesizer.frequency(64);
        assertTrue(power(c, 6000, 15 * 6000, e4, 16_000) > 100 * power(c, 17 * 6000, 31 * 6000, e4, 16_000));
    }

    @Test
    void silenceIsSilent() throws Exception {
        double[] s = decode(ChordSynthesizer.book().wav(new int[][] {{0, 0, 0, 0}, {0, 0, 0, 0}}).bytes(), 16_000);
        assertEquals(3 * 6000, s.length);
        for (double v : s) {
            assertEquals(0.0, v);
        }
    }

    @Test
    void htmlHasAPlayableAudioElementWithTheWavAsADataUri() throws Exception {
        Wav wav = ChordSynthesizer.of(120, 8000, 0.3).wav(chords());
        String html = wav.toHtml();
        Matcher m = Pattern.compile("<audio\\s+controls[^>]*\\ssrc=\"data:audio/wav;base64,([A-Za-z0-9+/=]+)\"[^>]*>")
                .matcher(html);
        assertTrue(m.find(), html.substring(0, Math.min(200, html.length())));
        assertTrue(html.trim().endsWith("</audio>"));
        byte[] embedded = Base64.getDecoder().decode(m.group(1));
        assertArrayEquals(wav.bytes(), embedded);
        double[] s = decode(embedded, 8000);
        assertEquals(33 * 4000, s.length); // 120 chords a minute at 8 kHz: 4000 samples per chord
        assertTrue(wav.toText().contains("16.5 s") && wav.toText().contains("8000 Hz"), wav.toText());
    }

    @Test
    void savesTheWavFile() throws Exception {
        Wav wav = ChordSynthesizer.book().wav(chords());
        Path file = wav.save(tmp.resolve("out/bach.wav"));
        assertArrayEquals(wav.bytes(), Files.readAllBytes(file));
        assertEquals(33 * 6000, AudioSystem.getAudioFileFormat(file.toFile()).getFrameLength());
    }

    @Test
    void soundFilesGoNextToTheNotebook() {
        Path folder = Wav.folder("06_audio");
        String results = System.getenv("SEQBOOK_RESULTS_DIR");
        Path expected = results == null || results.isBlank() ? Path.of("06_audio").toAbsolutePath()
                : Path.of(results).toAbsolutePath().getParent().resolve("06_audio");
        assertEquals(expected, folder);
        assertThrows(IllegalArgumentException.class, () -> Wav.folder("../up"));
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChordSynthesizer.book().wav(new int[][] {{72, 67, 64, 99}}));
        assertTrue(e.getMessage().contains("99"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Wav.of(new double[] {0, Double.NaN}, 8000));
        assertTrue(e.getMessage().contains("index 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ChordSynthesizer.of(160, 100, 0.5));
        assertTrue(e.getMessage().contains("sampleRate"), e.getMessage());
    }
}
