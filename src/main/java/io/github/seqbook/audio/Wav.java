package io.github.seqbook.audio;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import io.github.seqbook.Require;
import io.github.seqbook.notebook.Display;
import io.github.seqbook.notebook.Displayable;

/**
 * A sound as a WAV file in memory (16-bit signed little-endian mono PCM), written with {@code javax.sound.sampled},
 * that a notebook shows as an audio player: {@link #toHtml()} is an HTML {@code <audio controls>} element whose
 * source is the WAV itself, base64-encoded in a {@code data:audio/wav} URI, so it plays without a server or a file
 * next to the notebook: in Jupyter Notebook, in JupyterLab, and in the notebook exported to HTML (IPython's
 * {@code Audio} works the same way). JupyterLab only renders it in a trusted notebook: outputs a kernel produces
 * in the open session are trusted; a notebook opened later needs "Trust Notebook" first.
 *
 * @param bytes      the whole WAV file (RIFF header and PCM data)
 * @param sampleRate samples per second
 * @param frames     number of samples
 */
public record Wav(byte[] bytes, int sampleRate, long frames) implements Displayable {
    /** Checks the values and copies the bytes. */
    public Wav {
        Require.notNull("bytes", bytes);
        Require.positive("sampleRate", sampleRate);
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be >= 1, got " + frames);
        }
        bytes = bytes.clone();
    }

    /**
     * Encodes samples as 16-bit PCM WAV.
     *
     * @param samples    values in [-1, 1] (larger ones are clipped), at least one
     * @param sampleRate samples per second, at least 1
     * @throws IllegalArgumentException when a sample is NaN or infinite
     */
    public static Wav of(double[] samples, int sampleRate) {
        Require.notNull("samples", samples);
        Require.positive("sampleRate", sampleRate);
        if (samples.length == 0) {
            throw new IllegalArgumentException("samples must hold at least one value");
        }
        byte[] pcm = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            double s = samples[i];
            if (!Double.isFinite(s)) {
                throw new IllegalArgumentException("samples must be finite, got " + s + " at index " + i);
            }
            int v = (int) Math.round(Math.max(-1, Math.min(1, s)) * Short.MAX_VALUE);
            pcm[2 * i] = (byte) v;
            pcm[2 * i + 1] = (byte) (v >> 8);
        }
        AudioFormat format = new AudioFormat(sampleRate, 16, 1, true, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream(pcm.length + 64);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), format, samples.length)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, out);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode " + samples.length + " samples as WAV", e);
        }
        return new Wav(out.toByteArray(), sampleRate, samples.length);
    }

    /** The WAV file's bytes (a copy). */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Duration in seconds. */
    public double seconds() {
        return (double) frames / sampleRate;
    }

    /** The WAV as a {@code data:audio/wav;base64,...} URI. */
    public String dataUri() {
        return "data:audio/wav;base64," + Base64.getEncoder().encodeToString(bytes);
    }

    /** An HTML audio player with this sound embedded (see the class comment). */
    @Override
    public String toHtml() {
        return "<audio controls preload=\"auto\" src=\"" + dataUri() + "\">Your browser cannot play WAV audio.</audio>";
    }

    @Override
    public String toText() {
        return String.format("WAV audio: %.1f s, %d Hz, 16-bit mono, %,d bytes (a notebook shows a player)", seconds(),
                sampleRate, bytes.length);
    }

    /** Shows the player in the notebook (the text form elsewhere). */
    public void show() {
        Display.show(this);
    }

    /**
     * Writes the WAV file, creating parent folders; an existing file is replaced (written beside, then moved).
     *
     * @return the file's absolute path
     */
    public Path save(Path file) {
        Require.notNull("file", file);
        Path target = file.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            // Not createTempFile: its owner-only permissions would stay on the moved file.
            Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                    + System.nanoTime() + ".tmp");
            try {
                Files.write(tmp, bytes);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target, e);
        }
        return target;
    }

    /**
     * Where a notebook keeps its sound files: next to the executed notebook when the project's runner executes it
     * (it sets {@code SEQBOOK_RESULTS_DIR} to {@code <out>/results}; the files go to {@code <out>/<name>}), else the
     * folder {@code <name>} next to the notebook (the kernel's working directory).
     *
     * @param name a folder name, e.g. {@code "06_audio"}: letters, digits, '_' or '-'
     */
    public static Path folder(String name) {
        Require.notNull("name", name);
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("name must use letters, digits, '_' or '-', got '" + name + "'");
        }
        String results = System.getenv("SEQBOOK_RESULTS_DIR");
        if (results != null && !results.isBlank()) {
            Path parent = Path.of(results).toAbsolutePath().getParent();
            if (parent != null) {
                return parent.resolve(name);
            }
        }
        return Path.of(name).toAbsolutePath();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Wav w && w.sampleRate == sampleRate && w.frames == frames
                && java.util.Arrays.equals(w.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toText();
    }
}
