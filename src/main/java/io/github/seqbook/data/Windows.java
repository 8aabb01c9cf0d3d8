package io.github.seqbook.data;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.github.seqbook.Require;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.DateColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

/**
 * Training windows cut from your own series, as Keras' {@code timeseries_dataset_from_array} cuts them: a series of
 * {@code T} time steps with {@code F} features (a {@code double[]}, an {@code INDArray [T]} or {@code [T, F]}, a
 * Tablesaw column or table) becomes inputs {@code x [windows, length, F]} and targets that follow each window:
 * <ul>
 *   <li>{@link #nextValues}: the next {@code ahead} values of the target features, {@code y [windows, ahead * k]}
 *   ({@code k} targets, step-major: {@code y[:, a * k + j]} is target {@code j}, {@code a + 1} steps after the window);
 *   for one target, {@code [windows, ahead]} as the book's {@code Y = series[:, -ahead:, 0]};</li>
 *   <li>{@link #sequenceToSequence}: at every step {@code t} of the window the next {@code ahead} values,
 *   {@code y [windows, length, ahead * k]}, the targets of the book's "Forecasting several steps ahead".</li>
 * </ul>
 * Window {@code i} starts at row {@code i * stride} (Keras' {@code sequence_stride}); only windows whose targets lie
 * inside the series are made. {@link #shuffle(long)} shuffles the windows with a seed, {@link #rows} and
 * {@link #between} keep a range of rows (Keras' {@code start_index}/{@code end_index}) or dates before cutting, so
 * that training, validation and test windows come from disjoint periods; {@link Split#batches} cuts batches.
 * Settings return new instances; the series is copied once, as float32.
 */
public final class Windows {
    private final float[][] rows;           // [T][F]
    private final List<LocalDate> dates;    // null when none
    private final int length;
    private final int ahead;
    private final int stride;
    private final int[] targets;
    private final Long shuffleSeed;

    private Windows(float[][] rows, List<LocalDate> dates, int length, int ahead, int stride, int[] targets,
                    Long shuffleSeed) {
        this.rows = rows;
        this.dates = dates;
        this.length = length;
        this.ahead = ahead;
        this.stride = stride;
        this.targets = targets;
        this.shuffleSeed = shuffleSeed;
    }

    /** A univariate series, one value per step. */
    public static Windows of(double[] series) {
        Require.notNull("series", series);
        float[][] rows = new float[series.length][1];
        for (int t = 0; t < series.length; t++) {
            rows[t][0] = (float) series[t];
        }
        return create(rows, null);
    }

    /** A series {@code [T]} (univariate) or {@code [T, F]} (F features per step). */
    public static Windows of(INDArray series) {
        Require.notNull("series", series);
        if (series.rank() != 1 && series.rank() != 2) {
            throw new IllegalArgumentException("series must have shape [time] or [time, features], got "
                    + Arrays.toString(series.shape()));
        }
        INDArray m = series.rank() == 1 ? series.reshape(series.length(), 1) : series;
        return create(m.castTo(DataType.FLOAT).toFloatMatrix(), null);
    }

    /** A univariate series from a Tablesaw column (missing values are refused). */
    public static Windows of(NumericColumn<?> column) {
        Require.notNull("column", column);
        return of(Table.create(column.name(), column), column.name());
    }

    /**
     * A series whose features are columns of a Tablesaw table, in the order given (all numeric columns when none
     * are named); if the table has a date column, it is kept for {@link #between}.
     */
    public static Windows of(Table table, String... columns) {
        Require.notNull("table", table);
        Require.notNull("columns", columns);
        List<NumericColumn<?>> cols = new ArrayList<>();
        if (columns.length == 0) {
            cols.addAll(table.numericColumns());
        } else {
            for (String name : columns) {
                if (!table.columnNames().contains(name)) {
                    throw new IllegalArgumentException("columns: no column '" + name + "' in the table; it has "
                            + table.columnNames());
                }
                if (!(table.column(name) instanceof NumericColumn<?> n)) {
                    throw new IllegalArgumentException("columns: '" + name + "' is not numeric");
                }
                cols.add(n);
            }
        }
        if (cols.isEmpty()) {
            throw new IllegalArgumentException("table has no numeric column to take values from");
        }
        float[][] rows = new float[table.rowCount()][cols.size()];
        for (int j = 0; j < cols.size(); j++) {
            NumericColumn<?> c = cols.get(j);
            for (int t = 0; t < rows.length; t++) {
                if (c.isMissing(t)) {
                    throw new IllegalArgumentException("column '" + c.name() + "' has a missing value at row " + t
                            + "; fill or drop missing values first");
                }
                rows[t][j] = (float) c.getDouble(t);
            }
        }
        List<LocalDate> dates = table.columns().stream().filter(c -> c instanceof DateColumn).findFirst()
                .map(c -> ((DateColumn) c).asList()).orElse(null);
        return create(rows, dates);
    }

    private static Windows create(float[][] rows, List<LocalDate> dates) {
        if (rows.length < 2) {
            throw new IllegalArgumentException("series must have at least 2 time steps, got " + rows.length);
        }
        for (float[] row : rows) {
            for (float v : row) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("series must hold only finite values, but it contains NaN or Inf");
                }
            }
        }
        int[] all = new int[rows[0].length];
        Arrays.setAll(all, j -> j);
        return new Windows(rows, dates, Math.min(rows.length - 1, 1), 1, 1, all, null);
    }

    /** Keras' {@code sequence_length}: time steps per input window, at least 1. */
    public Windows length(int length) {
        return new Windows(rows, dates, Require.positive("length", length), ahead, stride, targets, shuffleSeed);
    }

    /** How many future values each window forecasts (1 by default). */
    public Windows ahead(int ahead) {
        return new Windows(rows, dates, length, Require.positive("ahead", ahead), stride, targets, shuffleSeed);
    }

    /** Keras' {@code sequence_stride}: steps between the starts of consecutive windows (1 by default). */
    public Windows stride(int stride) {
        return new Windows(rows, dates, length, ahead, Require.positive("stride", stride), targets, shuffleSeed);
    }

    /** The features to forecast, by index (all features by default). */
    public Windows targets(int... features) {
        Require.notNull("features", features);
        if (features.length == 0) {
            throw new IllegalArgumentException("targets: name at least one feature");
        }
        for (int f : features) {
            Require.inRange("target feature", f, 0, features() - 1);
        }
        return new Windows(rows, dates, length, ahead, stride, features.clone(), shuffleSeed);
    }

    /** Shuffles the windows with {@code seed} (Keras' {@code shuffle=True, seed=seed}); unshuffled by default. */
    public Windows shuffle(long seed) {
        return new Windows(rows, dates, length, ahead, stride, targets, seed);
    }

    /** Only time rows {@code [from, to)} (Keras' {@code start_index}, {@code end_index}), before cutting windows. */
    public Windows rows(int from, int to) {
        Require.inRange("from", from, 0, rows.length - 2);
        Require.inRange("to", to, from + 2, rows.length);
        return new Windows(Arrays.copyOfRange(rows, from, to), dates == null ? null : dates.subList(from, to), length,
                ahead, stride, targets, shuffleSeed);
    }

    /**
     * Only the rows dated in {@code [from, to)}, before cutting windows (the series must come from a table with a
     * date column).
     */
    public Windows between(LocalDate from, LocalDate to) {
        Require.notNull("from", from);
        Require.notNull("to", to);
        if (dates == null) {
            throw new IllegalArgumentException("between: this series has no dates; build it from a table with a date "
                    + "column, or use rows(from, to)");
        }
        int first = -1;
        int last = -1;
        for (int t = 0; t < dates.size(); t++) {
            LocalDate d = dates.get(t);
            if (d != null && !d.isBefore(from) && d.isBefore(to)) {
                first = first < 0 ? t : first;
                last = t;
            }
        }
        if (first < 0 || last - first < 1) {
            throw new IllegalArgumentException("between: fewer than 2 rows dated in [" + from + ", " + to + ")");
        }
        return rows(first, last + 1);
    }

    /** Time steps of the (selected) series. */
    public int steps() {
        return rows.length;
    }

    /** Features per step. */
    public int features() {
        return rows[0].length;
    }

    /** Number of windows the settings give. */
    public int count() {
        int span = rows.length - length - ahead;
        return span < 0 ? 0 : span / stride + 1;
    }

    /**
     * Inputs and the next {@code ahead} values of the targets: {@code x [windows, length, features]},
     * {@code y [windows, ahead * targets]}.
     *
     * @param name the split's name, e.g. "train"
     */
    public Split nextValues(String name) {
        int n = requireWindows();
        int k = targets.length;
        float[] y = new float[n * ahead * k];
        int[] starts = starts(n);
        for (int w = 0; w < n; w++) {
            int end = starts[w] + length;
            for (int a = 0; a < ahead; a++) {
                for (int j = 0; j < k; j++) {
                    y[(w * ahead + a) * k + j] = rows[end + a][targets[j]];
                }
            }
        }
        return new Split(name, inputs(starts), Nd4j.create(y, new long[] {n, (long) ahead * k}, 'c'));
    }

    /**
     * Inputs and, at every step {@code t} of each window, the next {@code ahead} values of the targets:
     * {@code x [windows, length, features]}, {@code y [windows, length, ahead * targets]} with
     * {@code y[w, t, a * k + j]} the value of target {@code j} at step {@code t + 1 + a} of the window.
     *
     * @param name the split's name, e.g. "train"
     */
    public Split sequenceToSequence(String name) {
        int n = requireWindows();
        int k = targets.length;
        float[] y = new float[n * length * ahead * k];
        int[] starts = starts(n);
        int i = 0;
        for (int w = 0; w < n; w++) {
            for (int t = 0; t < length; t++) {
                for (int a = 0; a < ahead; a++) {
                    for (int j = 0; j < k; j++) {
                        y[i++] = rows[starts[w] + t + 1 + a][targets[j]];
                    }
                }
            }
        }
        return new Split(name, inputs(starts), Nd4j.create(y, new long[] {n, length, (long) ahead * k}, 'c'));
    }

    private int requireWindows() {
        int n = count();
        if (n < 1) {
            throw new IllegalArgumentException("the series has " + rows.length + " steps, too few for one window of "
                    + "length " + length + " and " + ahead + " value(s) ahead (needs " + (length + ahead) + ")");
        }
        return n;
    }

    /** Start rows of the windows, shuffled if asked. */
    private int[] starts(int n) {
        int[] s = new int[n];
        Arrays.setAll(s, w -> w * stride);
        if (shuffleSeed != null) {
            Random random = new Random(shuffleSeed);
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int tmp = s[i];
                s[i] = s[j];
                s[j] = tmp;
            }
        }
        return s;
    }

    private INDArray inputs(int[] starts) {
        int f = features();
        float[] x = new float[starts.length * length * f];
        int i = 0;
        for (int start : starts) {
            for (int t = 0; t < length; t++) {
                System.arraycopy(rows[start + t], 0, x, i, f);
                i += f;
            }
        }
        return Nd4j.create(x, new long[] {starts.length, length, f}, 'c');
    }

    @Override
    public String toString() {
        return String.format("Windows(%d steps x %d features, length %d, ahead %d, stride %d, targets %s%s: %d windows)",
                rows.length, features(), length, ahead, stride, Arrays.toString(targets),
                shuffleSeed != null ? ", shuffled" : "", count());
    }
}
