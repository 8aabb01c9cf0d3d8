package io.github.seqbook.data;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import io.github.seqbook.Require;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DateColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * The Chicago Transit Authority's daily boardings, the series of the third edition's chapter 15, as a Tablesaw
 * table with the book's columns: {@code date} (one row per day, sorted), {@code day_type} ("W" weekday, "A"
 * Saturday, "U" Sunday or holiday), {@code bus} and {@code rail} (riders per day).
 *
 * <p>Book section: "Forecasting a Time Series" (3rd edition): the loading code, the 7-day differencing and the
 * naive forecast's MAE and MAPE.
 */
public final class Ridership {
    /** The CSV inside {@link DataFile#RIDERSHIP}. */
    public static final String CSV_ENTRY = "ridership/CTA_-_Ridership_-_Daily_Boarding_Totals.csv";
    /** The series columns. */
    public static final String BUS = "bus";
    public static final String RAIL = "rail";
    /** The day types of the CSV, in pandas' {@code get_dummies} order (sorted): Saturday, Sunday/holiday, weekday. */
    public static final java.util.List<String> DAY_TYPES = java.util.List.of("A", "U", "W");
    /**
     * The columns of {@link #multivariate}, in the book's {@code df_mulvar} order: bus and rail (millions of riders)
     * and tomorrow's day type one-hot.
     */
    public static final java.util.List<String> MULTIVARIATE_COLUMNS = java.util.List.of(BUS, RAIL,
            "next_day_type_A", "next_day_type_U", "next_day_type_W");

    private static final DateTimeFormatter CSV_DATE = DateTimeFormatter.ofPattern("MM/dd/yyyy");

    private Ridership() {
    }

    /** {@link #load(DataFiles)} with the cache and mirror the environment names ({@link DataFiles#fromEnvironment()}). */
    public static Table load() {
        return load(DataFiles.fromEnvironment());
    }

    /**
     * Fetches {@code ridership.tgz} (cache, checksum, mirror: see {@link DataFiles}), unpacks it and reads the CSV.
     *
     * @return 7,639 days, 2001-01-01..2021-11-30, columns date, day_type, bus, rail
     * @throws DataUnavailableException when the file cannot be had (offline without a mirror)
     */
    public static Table load(DataFiles files) {
        Require.notNull("files", files);
        return read(files.extract(DataFile.RIDERSHIP, CSV_ENTRY));
    }

    /**
     * Reads the CTA's CSV ({@code service_date,day_type,bus,rail_boardings,total_rides}, dates MM/DD/YYYY) the way
     * the book does with pandas: shorter names, sorted by date, {@code total} dropped (it is bus + rail), duplicated
     * rows dropped (the file repeats two months, 2011-10 and 2014-07: 7,701 rows, 7,639 days).
     */
    public static Table read(Path csv) {
        Require.notNull("csv", csv);
        Table raw;
        try {
            raw = Table.read().usingOptions(CsvReadOptions.builder(csv.toFile())
                    .tableName("ridership")
                    .dateFormat(CSV_DATE)
                    .columnTypes(new ColumnType[] {ColumnType.LOCAL_DATE, ColumnType.STRING, ColumnType.INTEGER,
                        ColumnType.INTEGER, ColumnType.INTEGER}));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("csv " + csv + " is not the CTA ridership file (header "
                    + "service_date,day_type,bus,rail_boardings,total_rides, dates MM/DD/YYYY): " + e.getMessage(), e);
        }
        raw.column(0).setName("date");
        raw.column(1).setName("day_type");
        raw.column(2).setName(BUS);
        raw.column(3).setName(RAIL);
        Table df = raw.removeColumns(4).sortAscendingOn("date").dropDuplicateRows();
        df.setName("ridership");
        return df;
    }

    /**
     * The rows from the first day of {@code fromMonth} to the last day of {@code toMonth}, both included, like
     * pandas' {@code df["2019-03":"2019-05"]}.
     *
     * @param fromMonth a month as {@code yyyy-MM}
     * @param toMonth   a month as {@code yyyy-MM}, not before {@code fromMonth}
     */
    public static Table months(Table df, String fromMonth, String toMonth) {
        YearMonth from = month("fromMonth", fromMonth);
        YearMonth to = month("toMonth", toMonth);
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("toMonth must not be before fromMonth, got " + fromMonth + " .. " + toMonth);
        }
        return between(df, from.atDay(1), to.atEndOfMonth());
    }

    /** The rows whose {@code date} lies in {@code [from, to]}, both included. */
    public static Table between(Table df, LocalDate from, LocalDate to) {
        Require.notNull("df", df);
        Require.notNull("from", from);
        Require.notNull("to", to);
        DateColumn date = dates(df);
        return df.where(date.isOnOrAfter(from).and(date.isOnOrBefore(to)));
    }

    /**
     * The book's {@code df[["bus", "rail"]].diff(lag)}: each value minus the one {@code lag} rows earlier (rows are
     * days, so {@code lag} 7 compares a day with the same weekday a week before). The first {@code lag} rows have
     * no earlier value and are missing (NaN), as in pandas.
     *
     * @return columns date, bus, rail (riders per day, as doubles)
     */
    public static Table difference(Table df, int lag) {
        Require.notNull("df", df);
        Require.positive("lag", lag);
        Table out = Table.create(df.name() + " diff(" + lag + ")", dates(df).copy());
        for (String name : new String[] {BUS, RAIL}) {
            DoubleColumn values = series(df, name).asDoubleColumn();
            DoubleColumn diff = values.subtract(values.lag(lag));
            diff.setName(name);
            out.addColumns(diff);
        }
        return out;
    }

    /**
     * Errors of the naive forecast "same as {@code lag} days earlier" over the months {@code fromMonth..toMonth}:
     * the mean absolute error (riders per day) and the mean absolute percentage error (a fraction: 0.08 is 8%),
     * as the book computes them with {@code diff_7.abs().mean()} and {@code (diff_7 / targets).abs().mean()}.
     *
     * @return one row per series (bus, rail), columns series, mae, mape
     */
    public static Table naiveForecastErrors(Table df, int lag, String fromMonth, String toMonth) {
        Table diff = months(difference(df, lag), fromMonth, toMonth);
        Table targets = months(df, fromMonth, toMonth);
        if (diff.rowCount() == 0) {
            throw new IllegalArgumentException("no rows in " + fromMonth + " .. " + toMonth + " (the data covers "
                    + dates(df).min() + " .. " + dates(df).max() + ")");
        }
        StringColumn names = StringColumn.create("series");
        DoubleColumn mae = DoubleColumn.create("mae");
        DoubleColumn mape = DoubleColumn.create("mape");
        for (String name : new String[] {BUS, RAIL}) {
            DoubleColumn error = diff.doubleColumn(name);
            if (error.countMissing() > 0) {
                throw new IllegalArgumentException("the " + lag + "-day naive forecast needs " + lag
                        + " days before " + fromMonth + ", but the data starts on " + dates(df).min());
            }
            names.append(name);
            mae.append(error.abs().mean());
            mape.append(error.divide(series(targets, name).asDoubleColumn()).abs().mean());
        }
        return Table.create("naive forecast (lag " + lag + ") " + fromMonth + " .. " + toMonth, names, mae, mape);
    }

    /**
     * The book's windows for the rail series: {@code df["rail"][fromMonth:toMonth] / 1e6} cut into every window of
     * {@code seqLength} consecutive days, each with the next day as its target, as
     * {@code tf.keras.utils.timeseries_dataset_from_array(rail, targets=rail[seq_length:], sequence_length=seq_length)}
     * (before batching and shuffling, which training does). The book: train "2016-01".."2018-12", valid
     * "2019-01".."2019-05", test "2019-06".."2021-11", {@code seqLength} 56.
     *
     * @param name the split's name, e.g. "train"
     * @return {@code x [windows, seqLength, 1]} and {@code y [windows, 1]} in millions of riders per day, where
     *         {@code windows = days - seqLength}
     */
    public static Split railWindows(Table df, String name, String fromMonth, String toMonth, int seqLength) {
        double[] rail = values(months(df, fromMonth, toMonth), RAIL);
        for (int i = 0; i < rail.length; i++) {
            rail[i] /= 1e6;
        }
        return windows(name, rail, seqLength);
    }

    /**
     * The book's multivariate series {@code df_mulvar}: bus and rail divided by 1e6 (millions of riders per day) and
     * tomorrow's day type one-hot ({@code df["day_type"].shift(-1)} then {@code pd.get_dummies}): tomorrow is known
     * today (a weekday, a Saturday, or a Sunday or holiday), and it explains most of tomorrow's ridership. The last day
     * has no tomorrow: its three day-type columns are 0, as pandas makes them for a missing value.
     *
     * <p>Book section: "Forecasting Multivariate Time Series" (3rd edition, chapter 15).
     *
     * @param df a table like {@link #load()}'s (date, day_type, bus, rail)
     * @return columns date and {@link #MULTIVARIATE_COLUMNS} (doubles), one row per row of {@code df}
     * @throws IllegalArgumentException when a day type is not one of {@link #DAY_TYPES}
     */
    public static Table multivariate(Table df) {
        Require.notNull("df", df);
        if (!df.columnNames().contains("day_type") || !(df.column("day_type") instanceof StringColumn dayType)) {
            throw new IllegalArgumentException("df must have a day_type text column like Ridership.load()'s, got "
                    + "columns " + df.columnNames());
        }
        Table out = Table.create(df.name() + " multivariate", dates(df).copy());
        for (String name : new String[] {BUS, RAIL}) {
            DoubleColumn millions = series(df, name).asDoubleColumn().divide(1e6);
            millions.setName(name);
            out.addColumns(millions);
        }
        int n = df.rowCount();
        DoubleColumn[] oneHot = new DoubleColumn[DAY_TYPES.size()];
        for (int k = 0; k < oneHot.length; k++) {
            oneHot[k] = DoubleColumn.create("next_day_type_" + DAY_TYPES.get(k), n);
        }
        for (int r = 0; r < n; r++) {
            int tomorrow = -1;
            if (r + 1 < n) {
                String type = dayType.get(r + 1);
                tomorrow = DAY_TYPES.indexOf(type);
                if (tomorrow < 0) {
                    throw new IllegalArgumentException("day_type must be one of " + DAY_TYPES + ", got \"" + type
                            + "\" on " + dates(df).get(r + 1));
                }
            }
            for (int k = 0; k < oneHot.length; k++) {
                oneHot[k].set(r, k == tomorrow ? 1.0 : 0.0);
            }
        }
        out.addColumns(oneHot);
        return out;
    }

    /**
     * Every window of {@code seqLength} consecutive values of {@code series} with the value after it as target:
     * {@code x[i] = series[i .. i + seqLength)}, {@code y[i] = series[i + seqLength]}.
     *
     * @return {@code x [series.length - seqLength, seqLength, 1]}, {@code y [series.length - seqLength, 1]}
     * @throws IllegalArgumentException when the series has {@code seqLength} values or fewer
     */
    public static Split windows(String name, double[] series, int seqLength) {
        Require.notNull("name", name);
        Require.notNull("series", series);
        Require.positive("seqLength", seqLength);
        int count = series.length - seqLength;
        if (count < 1) {
            throw new IllegalArgumentException("series must be longer than seqLength = " + seqLength + " for " + name
                    + ", got " + series.length + " values");
        }
        float[] x = new float[count * seqLength];
        float[] y = new float[count];
        for (int i = 0; i < count; i++) {
            for (int t = 0; t < seqLength; t++) {
                x[i * seqLength + t] = (float) series[i + t];
            }
            y[i] = (float) series[i + seqLength];
        }
        return new Split(name, Nd4j.create(x, new long[] {count, seqLength, 1}, 'c'),
                Nd4j.create(y, new long[] {count, 1}, 'c'));
    }

    /** A series column as doubles, in row order (riders per day). */
    public static double[] values(Table df, String column) {
        return series(df, column).asDoubleArray();
    }

    private static NumericColumn<?> series(Table df, String name) {
        if (!df.columnNames().contains(name) || !(df.column(name) instanceof NumericColumn<?> c)) {
            throw new IllegalArgumentException("column must be a numeric column of " + df.name() + " (one of "
                    + df.columnNames() + "), got \"" + name + "\"");
        }
        return c;
    }

    private static DateColumn dates(Table df) {
        if (!df.columnNames().contains("date") || !(df.column("date") instanceof DateColumn d)) {
            throw new IllegalArgumentException("df must have a date column like Ridership.load()'s, got columns "
                    + df.columnNames());
        }
        return d;
    }

    private static YearMonth month(String name, String value) {
        Require.notNull(name, value);
        try {
            return YearMonth.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be a month as yyyy-MM, e.g. 2019-03, got \"" + value + "\"");
        }
    }
}
