package io.github.seqbook.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.github.seqbook.Require;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bach's chorales (chapter 15, exercise 10): 382 chorales, 229 for training, 76 for validation and 77 for testing,
 * each a sequence of chords of 4 notes (soprano, alto, tenor, bass), one chord per sixteenth note. A note is a
 * piano key number (MIDI) from {@value #MIN_NOTE} (C1 in the book's naming) to {@value #MAX_NOTE} (A5), and 0 is
 * silence.
 *
 * <p>{@link #prepare} turns them into the book's training data: windows of {@value #WINDOW_SIZE} + 1 chords every
 * {@value #WINDOW_SHIFT} chords (the incomplete last window of each chorale dropped), notes mapped to tokens
 * ({@link #token}: 36..81 to 1..46, silence stays 0), each window unrolled into an arpeggio of 132 notes; the inputs
 * are its first 131 notes and the targets its last 131, the next note at every step. The model therefore learns to
 * predict one note at a time.
 *
 * <p>Chords are {@code int[4]} arrays of notes; a chorale is an {@code int[chords][4]}.
 *
 * @param train the 229 training chorales, in file order ({@code chorale_000.csv}, ...)
 * @param valid the 76 validation chorales
 * @param test  the 77 test chorales
 */
public record Chorales(List<int[][]> train, List<int[][]> valid, List<int[][]> test) {
    /** The lowest note of the data set (C1 as the book names it: MIDI 36). */
    public static final int MIN_NOTE = 36;
    /** The highest note of the data set (A5: MIDI 81). */
    public static final int MAX_NOTE = 81;
    /** The value of a voice that plays no note. */
    public static final int SILENCE = 0;
    /** Notes per chord (soprano, alto, tenor, bass). */
    public static final int VOICES = 4;
    /** Distinct tokens: silence and the 46 notes, Keras' {@code input_dim} of the embedding and the output size. */
    public static final int TOKENS = MAX_NOTE - MIN_NOTE + 2;
    /** The book's window size in chords (each window holds one more chord: the last target). */
    public static final int WINDOW_SIZE = 32;
    /** The book's shift between windows, in chords. */
    public static final int WINDOW_SHIFT = 16;
    /** The folder inside {@link DataFile#JSB_CHORALES}. */
    public static final String FOLDER = "jsb_chorales";

    /** Copies the lists and checks every chord. */
    public Chorales {
        train = checked("train", train);
        valid = checked("valid", valid);
        test = checked("test", test);
    }

    private static List<int[][]> checked(String name, List<int[][]> chorales) {
        Require.notNull(name, chorales);
        for (int i = 0; i < chorales.size(); i++) {
            checkChorale(name + "[" + i + "]", chorales.get(i));
        }
        return List.copyOf(chorales);
    }

    // ---- loading --------------------------------------------------------------------------------------------------

    /** {@link #load(DataFiles)} with the cache and mirror the environment names ({@link DataFiles#fromEnvironment()}). */
    public static Chorales load() {
        return load(DataFiles.fromEnvironment());
    }

    /**
     * Fetches {@code jsb_chorales.tgz} (cache, checksum, mirror: see {@link DataFiles}), unpacks it and reads the
     * three folders, as the book's {@code load_chorales}.
     *
     * @throws DataUnavailableException when the archive cannot be had (offline without a mirror)
     */
    public static Chorales load(DataFiles files) {
        Require.notNull("files", files);
        Path first = files.extract(DataFile.JSB_CHORALES, FOLDER + "/train/chorale_000.csv");
        return read(first.getParent().getParent());
    }

    /**
     * Reads {@code train/}, {@code valid/} and {@code test/} of an unpacked {@code jsb_chorales} folder, each file
     * {@code chorale_*.csv} in name order.
     *
     * @throws IllegalArgumentException when a folder is missing or a file is not a chorale
     */
    public static Chorales read(Path folder) {
        Require.notNull("folder", folder);
        return new Chorales(readFolder(folder.resolve("train")), readFolder(folder.resolve("valid")),
                readFolder(folder.resolve("test")));
    }

    private static List<int[][]> readFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("folder " + dir + " is missing: a jsb_chorales folder holds train/, "
                    + "valid/ and test/");
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> csvs = files.filter(p -> p.getFileName().toString().matches("chorale_.*\\.csv")).sorted()
                    .toList();
            List<int[][]> out = new ArrayList<>();
            for (Path csv : csvs) {
                out.add(readCsv(csv));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * One chorale file: a header {@code note0,note1,note2,note3} and one chord of 4 notes per line.
     *
     * @return {@code int[chords][4]}
     * @throws IllegalArgumentException when a line does not hold 4 notes in {0} ∪ [36, 81]
     */
    public static int[][] readCsv(Path csv) {
        Require.notNull("csv", csv);
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv, e);
        }
        if (lines.isEmpty() || !lines.get(0).trim().equals("note0,note1,note2,note3")) {
            throw new IllegalArgumentException("csv " + csv + " is not a chorale: its header must be "
                    + "note0,note1,note2,note3");
        }
        List<int[]> chords = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] cells = line.split(",");
            if (cells.length != VOICES) {
                throw new IllegalArgumentException("csv " + csv + " line " + (i + 1) + " must hold 4 notes, got \""
                        + line + "\"");
            }
            int[] chord = new int[VOICES];
            for (int v = 0; v < VOICES; v++) {
                try {
                    chord[v] = (int) Double.parseDouble(cells[v].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("csv " + csv + " line " + (i + 1) + " must hold 4 numbers, got \""
                            + line + "\"", e);
                }
            }
            checkChord(csv + " line " + (i + 1), chord);
            chords.add(chord);
        }
        return chords.toArray(new int[0][]);
    }

    /** All chorales of the three splits (382). */
    public int size() {
        return train.size() + valid.size() + test.size();
    }

    /**
     * The first chorales of each split, for quick runs.
     *
     * @param trainCount chorales kept for training, in [1, 229]
     * @param validCount chorales kept for validation, in [1, 76]
     * @param testCount  chorales kept for testing, in [1, 77]
     */
    public Chorales head(int trainCount, int validCount, int testCount) {
        Require.inRange("trainCount", trainCount, 1, train.size());
        Require.inRange("validCount", validCount, 1, valid.size());
        Require.inRange("testCount", testCount, 1, test.size());
        return new Chorales(train.subList(0, trainCount), valid.subList(0, validCount), test.subList(0, testCount));
    }

    // ---- notes and tokens -----------------------------------------------------------------------------------------

    /**
     * The book's shift of note values: notes 36..81 become tokens 1..46 and silence stays 0.
     *
     * @throws IllegalArgumentException for a note outside {0} ∪ [36, 81]
     */
    public static int token(int note) {
        checkNote("note", note);
        return note == SILENCE ? 0 : note - MIN_NOTE + 1;
    }

    /**
     * The inverse of {@link #token}: tokens 1..46 become notes 36..81, 0 stays silence.
     *
     * @throws IllegalArgumentException for a token outside [0, 46]
     */
    public static int note(int token) {
        Require.inRange("token", token, 0, TOKENS - 1);
        return token == 0 ? SILENCE : token + MIN_NOTE - 1;
    }

    /** A chorale unrolled into tokens, chord after chord (the book's arpeggio): {@code 4 * chords} values. */
    public static int[] arpeggio(int[][] chords) {
        checkChorale("chords", chords);
        int[] out = new int[chords.length * VOICES];
        for (int c = 0; c < chords.length; c++) {
            for (int v = 0; v < VOICES; v++) {
                out[c * VOICES + v] = token(chords[c][v]);
            }
        }
        return out;
    }

    /**
     * Tokens grouped back into chords of notes, 4 by 4 (the inverse of {@link #arpeggio}).
     *
     * @throws IllegalArgumentException when the length is not a multiple of 4 or a token is outside [0, 46]
     */
    public static int[][] chords(int[] tokens) {
        Require.notNull("tokens", tokens);
        if (tokens.length % VOICES != 0) {
            throw new IllegalArgumentException("tokens must hold 4 notes per chord (a multiple of 4), got "
                    + tokens.length);
        }
        int[][] out = new int[tokens.length / VOICES][VOICES];
        for (int i = 0; i < tokens.length; i++) {
            out[i / VOICES][i % VOICES] = note(tokens[i]);
        }
        return out;
    }

    // ---- windows and splits ---------------------------------------------------------------------------------------

    /**
     * The book's windows: for each chorale, the chords {@code [s, s + windowSize + 1)} for {@code s = 0, shift,
     * 2 shift, ...} while the window is complete, each unrolled into {@code 4 * (windowSize + 1)} tokens, chorale
     * after chorale.
     *
     * @param windowSize chords per window before the extra target chord (the book: 32)
     * @param shift      chords between the starts of two windows (the book: 16)
     */
    public static List<int[]> windows(List<int[][]> chorales, int windowSize, int shift) {
        Require.notNull("chorales", chorales);
        Require.positive("windowSize", windowSize);
        Require.positive("shift", shift);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < chorales.size(); i++) {
            int[] tokens = arpeggio(Require.notNull("chorales[" + i + "]", chorales.get(i)));
            int chords = tokens.length / VOICES;
            for (int start = 0; start + windowSize + 1 <= chords; start += shift) {
                int[] w = new int[(windowSize + 1) * VOICES];
                System.arraycopy(tokens, start * VOICES, w, 0, w.length);
                out.add(w);
            }
        }
        return out;
    }

    /**
     * Windows as a {@link Split} for the model: inputs {@code x} the first {@code L - 1} tokens of each window and
     * targets {@code y} the last {@code L - 1} (the next note at every step), both {@code [windows, L - 1, 1]}
     * with {@code L = 4 * (windowSize + 1)} (131 steps for the book's windows). Token ids are stored as numbers
     * (the embedding reads them; the loss reads the targets as class indices).
     *
     * @throws IllegalArgumentException when no window is given or they differ in length
     */
    public static Split split(String name, List<int[]> windows) {
        Require.notNull("name", name);
        Require.notNull("windows", windows);
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("windows for split " + name + " must not be empty (every chorale was "
                    + "shorter than one window)");
        }
        int length = windows.get(0).length;
        if (length < 2) {
            throw new IllegalArgumentException("windows must hold at least 2 notes, got " + length);
        }
        int n = windows.size();
        int steps = length - 1;
        float[] x = new float[n * steps];
        float[] y = new float[n * steps];
        for (int i = 0; i < n; i++) {
            int[] w = windows.get(i);
            if (w.length != length) {
                throw new IllegalArgumentException("windows[" + i + "] holds " + w.length + " notes, the first one "
                        + length);
            }
            for (int t = 0; t < steps; t++) {
                x[i * steps + t] = w[t];
                y[i * steps + t] = w[t + 1];
            }
        }
        return new Split(name, Nd4j.create(x, new long[] {n, steps, 1}, DataType.FLOAT),
                Nd4j.create(y, new long[] {n, steps, 1}, DataType.FLOAT));
    }

    /**
     * Tokens of a chorale's start as the model's input {@code [1, 4 * chords, 1]}, e.g. the seed of a generation.
     */
    public static INDArray inputs(int[][] chords) {
        int[] tokens = arpeggio(chords);
        float[] x = new float[tokens.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = tokens[i];
        }
        return Nd4j.create(x, new long[] {1, tokens.length, 1}, DataType.FLOAT);
    }

    /**
     * The book's {@code bach_dataset} for the three splits, with its settings ({@value #WINDOW_SIZE}-chord windows
     * every {@value #WINDOW_SHIFT} chords): the training windows shuffled with {@code seed} (the book shuffles them
     * through a buffer), validation and test windows in order. Batching (32) happens in {@code fit}.
     *
     * @return 3,111 / 1,039 / 1,067 windows of 131 steps for the whole data set
     */
    public Splits prepare(long seed) {
        List<int[]> trainWindows = new ArrayList<>(windows(train, WINDOW_SIZE, WINDOW_SHIFT));
        Collections.shuffle(trainWindows, new Random(seed));
        return new Splits(split("train", trainWindows), split("valid", windows(valid, WINDOW_SIZE, WINDOW_SHIFT)),
                split("test", windows(test, WINDOW_SIZE, WINDOW_SHIFT)));
    }

    /**
     * The prepared splits: inputs and targets {@code [windows, 131, 1]} of tokens.
     *
     * @param train shuffled training windows
     * @param valid validation windows
     * @param test  test windows
     */
    public record Splits(Split train, Split valid, Split test) {
        /** Checks that none is null. */
        public Splits {
            Require.notNull("train", train);
            Require.notNull("valid", valid);
            Require.notNull("test", test);
        }

        /** One line per split with its shapes, as the book prints them. */
        public String describe() {
            return train + "\n" + valid + "\n" + test + "\n";
        }

        @Override
        public String toString() {
            return describe().trim();
        }
    }

    // ---- checks ---------------------------------------------------------------------------------------------------

    private static void checkNote(String what, int note) {
        if (note != SILENCE && (note < MIN_NOTE || note > MAX_NOTE)) {
            throw new IllegalArgumentException(what + " must be 0 (silence) or a note in [" + MIN_NOTE + ", " + MAX_NOTE
                    + "], got " + note);
        }
    }

    private static void checkChord(String what, int[] chord) {
        Require.notNull(what, chord);
        if (chord.length != VOICES) {
            throw new IllegalArgumentException(what + " must hold 4 notes, got " + chord.length);
        }
        for (int v = 0; v < VOICES; v++) {
            checkNote(what + " note " + v, chord[v]);
        }
    }

    /** Fails unless {@code chords} is a non-empty {@code int[chords][4]} of valid notes. */
    public static void checkChorale(String name, int[][] chords) {
        Require.notNull(name, chords);
        if (chords.length == 0) {
            throw new IllegalArgumentException(name + " must hold at least one chord");
        }
        for (int c = 0; c < chords.length; c++) {
            checkChord(name + "[" + c + "]", chords[c]);
        }
    }

    @Override
    public String toString() {
        return String.format("Chorales: %d train, %d valid, %d test", train.size(), valid.size(), test.size());
    }
}
