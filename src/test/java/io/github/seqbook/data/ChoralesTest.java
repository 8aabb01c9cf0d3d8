package io.github.seqbook.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Bach's chorales: loading, the book's note shift, windows, arpeggios and splits. */
class ChoralesTest {
    @TempDir
    static Path tmp;
    static Chorales chorales;

    @BeforeAll
    static void load() {
        chorales = Chorales.load(DataFiles.of(tmp.resolve("cache"), DataFilesTest.MIRROR));
    }

    @Test
    void loadsTheBooksThreeSplits() {
        assertEquals(229, chorales.train().size());
        assertEquals(76, chorales.valid().size());
        assertEquals(77, chorales.test().size());
        assertEquals(382, chorales.size());
        // The book: notes from 36 to 81, and 0 for silence; chorales of 100 to 640 chords.
        int min = Integer.MAX_VALUE;
        int max = 0;
        boolean silence = false;
        int shortest = Integer.MAX_VALUE;
        int longest = 0;
        for (List<int[][]> split : List.of(chorales.train(), chorales.valid(), chorales.test())) {
            for (int[][] chorale : split) {
                shortest = Math.min(shortest, chorale.length);
                longest = Math.max(longest, chorale.length);
                for (int[] chord : chorale) {
                    assertEquals(4, chord.length);
                    for (int note : chord) {
                        if (note == 0) {
                            silence = true;
                        } else {
                            min = Math.min(min, note);
                            max = Math.max(max, note);
                        }
                    }
                }
            }
        }
        assertEquals(36, min);
        assertEquals(81, max);
        assertTrue(silence);
        assertEquals(100, shortest);
        assertEquals(640, longest);
        // chorale_000.csv of the training set starts with the chord 74, 70, 65, 58.
        assertArrayEquals(new int[] {74, 70, 65, 58}, chorales.train().get(0)[0]);
    }

    @Test
    void notesShiftToTokensAndBack() {
        assertEquals(0, Chorales.token(0));
        assertEquals(1, Chorales.token(36));
        assertEquals(46, Chorales.token(81));
        assertEquals(47, Chorales.TOKENS);
        for (int note = 36; note <= 81; note++) {
            assertEquals(note, Chorales.note(Chorales.token(note)));
        }
        assertEquals(0, Chorales.note(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Chorales.token(35));
        assertTrue(e.getMessage().contains("note") && e.getMessage().contains("35"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Chorales.note(47));
        assertTrue(e.getMessage().contains("token") && e.getMessage().contains("47"), e.getMessage());
    }

    @Test
    void arpeggioUnrollsChordAfterChord() {
        int[][] chords = {{74, 70, 65, 58}, {0, 70, 65, 36}};
        assertArrayEquals(new int[] {39, 35, 30, 23, 0, 35, 30, 1}, Chorales.arpeggio(chords));
        assertTrue(Arrays.deepEquals(chords, Chorales.chords(Chorales.arpeggio(chords))));
        assertThrows(IllegalArgumentException.class, () -> Chorales.chords(new int[] {1, 2, 3}));
    }

    /** A chorale whose chord {@code c} holds notes 36 + (c mod 40) + v for voice v, so every window is recognisable. */
    static int[][] numbered(int length) {
        int[][] chords = new int[length][4];
        for (int c = 0; c < length; c++) {
            for (int v = 0; v < 4; v++) {
                chords[c][v] = 36 + c % 40 + v;
            }
        }
        return chords;
    }

    @Test
    void windowsOf33ChordsEvery16DropTheIncompleteLast() {
        // 70 chords: windows start at 0, 16 and 32 (32 + 33 = 65 <= 70); one at 48 would need 81 chords.
        List<int[]> windows = Chorales.windows(List.<int[][]>of(numbered(70)), 32, 16);
        assertEquals(3, windows.size());
        for (int w = 0; w < 3; w++) {
            assertEquals(132, windows.get(w).length);
            int firstChord = 16 * w;
            assertEquals(Chorales.token(36 + firstChord % 40), windows.get(w)[0]);
            int lastChord = firstChord + 32;
            assertEquals(Chorales.token(36 + lastChord % 40 + 3), windows.get(w)[131]);
        }
        // A chorale shorter than one window gives none; exactly 33 chords give one.
        assertEquals(0, Chorales.windows(List.<int[][]>of(numbered(32)), 32, 16).size());
        assertEquals(1, Chorales.windows(List.<int[][]>of(numbered(33)), 32, 16).size());
    }

    @Test
    void targetsAreTheInputsShiftedByOneNote() {
        List<int[]> windows = Chorales.windows(List.<int[][]>of(numbered(70)), 32, 16);
        Split split = Chorales.split("train", windows);
        assertArrayEquals(new long[] {3, 131, 1}, split.x().shape());
        assertArrayEquals(new long[] {3, 131, 1}, split.y().shape());
        for (int w = 0; w < 3; w++) {
            for (int t = 0; t < 131; t++) {
                assertEquals(windows.get(w)[t], split.x().getInt(w, t, 0));
                assertEquals(windows.get(w)[t + 1], split.y().getInt(w, t, 0));
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Chorales.split("valid", List.of()));
        assertTrue(e.getMessage().contains("valid"), e.getMessage());
    }

    @Test
    void preparedSplitsHaveTheBooksWindowCounts() {
        Chorales.Splits data = chorales.prepare(42);
        // Counted from the chorales' lengths: sum over chorales of floor((length - 33) / 16) + 1.
        assertEquals(count(chorales.train()), data.train().size());
        assertEquals(count(chorales.valid()), data.valid().size());
        assertEquals(count(chorales.test()), data.test().size());
        assertEquals(98, (data.train().size() + 31) / 32, "the book's 98 batches of 32 per epoch");
        assertEquals(131, data.train().steps());
        assertEquals(0.0, data.valid().x().minNumber().doubleValue());
        assertEquals(46.0, data.train().x().maxNumber().doubleValue());
    }

    private static int count(List<int[][]> split) {
        int n = 0;
        for (int[][] chorale : split) {
            n += chorale.length < 33 ? 0 : (chorale.length - 33) / 16 + 1;
        }
        return n;
    }

    @Test
    void trainingWindowsAreShuffledWithTheSeed() {
        Chorales small = chorales.head(5, 3, 2);
        assertEquals(List.of(5, 3, 2), List.of(small.train().size(), small.valid().size(), small.test().size()));
        assertTrue(small.valid().get(2) == chorales.valid().get(2));
        INDArray inOrder = Chorales.split("train", Chorales.windows(small.train(), 32, 16)).x();
        INDArray a = small.prepare(42).train().x();
        INDArray b = small.prepare(42).train().x();
        INDArray c = small.prepare(7).train().x();
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertNotEquals(inOrder, a);
        // The same windows, in another order.
        assertEquals(sortedRows(inOrder), sortedRows(a));
        // Validation windows keep the chorales' order.
        assertEquals(Chorales.split("valid", Chorales.windows(small.valid(), 32, 16)).x(), small.prepare(42).valid().x());
    }

    private static List<String> sortedRows(INDArray x) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < x.size(0); i++) {
            rows.add(Arrays.toString(x.slice(i).toFloatVector()));
        }
        rows.sort(null);
        return rows;
    }

    @Test
    void badFilesAreNamed() throws Exception {
        Path bad = tmp.resolve("chorale_bad.csv");
        Files.writeString(bad, "note0,note1,note2,note3\n74,70,65,58\n74,70,99,58\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Chorales.readCsv(bad));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("99"), e.getMessage());
        Files.writeString(bad, "a,b\n1,2\n");
        e = assertThrows(IllegalArgumentException.class, () -> Chorales.readCsv(bad));
        assertTrue(e.getMessage().contains("header"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Chorales.read(tmp.resolve("nowhere")));
        assertTrue(e.getMessage().contains("train"), e.getMessage());
    }
}
