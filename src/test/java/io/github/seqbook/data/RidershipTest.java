package io.github.seqbook.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.DateColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** The ridership table against the real file (from TestData.mirror()) and the book's printed numbers. */
class RidershipTest {
    @TempDir
    static Path cache;

    static Table df;

    @BeforeAll
    static void load() {
        df = Ridership.load(DataFiles.of(cache, DataFilesTest.MIRROR));
    }

    @Test
    void oneRowPerDaySortedWithTheBooksColumns() {
        assertEquals(List.of("date", "day_type", "bus", "rail"), df.columnNames());
        // 7,701 rows in the file, two months repeated: 7,639 days from 2001-01-01 to 2021-11-30, none missing.
        assertEquals(7_639, df.rowCount());
        DateColumn date = df.dateColumn("date");
        assertEquals(LocalDate.of(2001, 1, 1), date.get(0));
        assertEquals(LocalDate.of(2021, 11, 30), date.get(df.rowCount() - 1));
        for (int i = 1; i < df.rowCount(); i++) {
            assertEquals(date.get(i - 1).plusDays(1), date.get(i), "row " + i);
        }
    }

    @Test
    void memorialDay2019IsAHoliday() {
        // The book: list(df.loc["2019-05-25":"2019-05-27"]["day_type"]) is ['A', 'U', 'U'].
        Table days = Ridership.between(df, LocalDate.of(2019, 5, 25), LocalDate.of(2019, 5, 27));
        assertEquals(List.of("A", "U", "U"), days.stringColumn("day_type").asList());
    }

    @Test
    void naiveForecastErrorsAreTheBooks() {
        Table errors = Ridership.naiveForecastErrors(df, 7, "2019-03", "2019-05");
        assertEquals(List.of("bus", "rail"), errors.stringColumn("series").asList());
        // The book prints these to 6 decimals (diff_7.abs().mean() and (diff_7 / targets).abs().mean()).
        assertEquals(43_915.608696, errors.doubleColumn("mae").get(0), 5e-7);
        assertEquals(42_143.271739, errors.doubleColumn("mae").get(1), 5e-7);
        assertEquals(0.082938, errors.doubleColumn("mape").get(0), 5e-7);
        assertEquals(0.089948, errors.doubleColumn("mape").get(1), 5e-7);
    }

    @Test
    void monthsIncludeBothEnds() {
        Table spring = Ridership.months(df, "2019-03", "2019-05");
        assertEquals(31 + 30 + 31, spring.rowCount());
        assertEquals(LocalDate.of(2019, 3, 1), spring.dateColumn("date").get(0));
        assertEquals(LocalDate.of(2019, 5, 31), spring.dateColumn("date").get(91));
    }

    @Test
    void differenceOnAHandMadeTable() {
        DateColumn date = DateColumn.create("date");
        IntColumn bus = IntColumn.create("bus");
        IntColumn rail = IntColumn.create("rail");
        for (int i = 0; i < 10; i++) {
            date.append(LocalDate.of(2020, 1, 1).plusDays(i));
            bus.append(i * i);
            rail.append(100 - i);
        }
        Table small = Table.create("small", date, StringColumn.create("day_type", 10), bus, rail);
        Table diff = Ridership.difference(small, 7);
        for (int i = 0; i < 7; i++) {
            assertTrue(diff.doubleColumn("bus").isMissing(i), "row " + i + " has no value 7 days earlier");
        }
        // bus: i^2 - (i-7)^2 = 14i - 49; rail: -7.
        for (int i = 7; i < 10; i++) {
            assertEquals(14 * i - 49, diff.doubleColumn("bus").get(i), 0.0);
            assertEquals(-7, diff.doubleColumn("rail").get(i), 0.0);
        }
        assertEquals(date.get(9), diff.dateColumn("date").get(9));
    }

    @Test
    void windowsOfAHandMadeSeries() {
        Split s = Ridership.windows("ramp", new double[] {0, 1, 2, 3, 4, 5}, 3);
        assertArrayEquals(new long[] {3, 3, 1}, s.x().shape());
        assertArrayEquals(new float[] {0, 1, 2, 1, 2, 3, 2, 3, 4}, s.x().data().asFloat());
        assertArrayEquals(new float[] {3, 4, 5}, s.y().data().asFloat());
        assertThrows(IllegalArgumentException.class, () -> Ridership.windows("short", new double[] {1, 2, 3}, 3));
    }

    @Test
    void booksRailSplits() {
        Split train = Ridership.railWindows(df, "train", "2016-01", "2018-12", 56);
        Split valid = Ridership.railWindows(df, "valid", "2019-01", "2019-05", 56);
        Split test = Ridership.railWindows(df, "test", "2019-06", "2021-11", 56);
        // 1,096, 151 and 914 days, less the 56 of the first window.
        assertEquals(1_040, train.size());
        assertEquals(95, valid.size());
        assertEquals(858, test.size());
        assertEquals(56, valid.steps());
        Table days = Ridership.months(df, "2019-01", "2019-05");
        // The first window is January 1 .. February 25; its target is February 26 (the book's "57th day of 2019").
        assertEquals(LocalDate.of(2019, 2, 26), days.dateColumn("date").get(56));
        assertEquals(days.intColumn("rail").get(0) / 1e6, valid.x().getDouble(0, 0, 0), 1e-6);
        assertEquals(days.intColumn("rail").get(56) / 1e6, valid.y().getDouble(0, 0), 1e-6);
        assertEquals(days.intColumn("rail").get(150) / 1e6, valid.y().getDouble(94, 0), 1e-6);
    }

    @Test
    void multivariateSeriesHasTomorrowsDayTypeOneHot() {
        Table mulvar = Ridership.multivariate(df);
        assertEquals(List.of("date", "bus", "rail", "next_day_type_A", "next_day_type_U", "next_day_type_W"),
                mulvar.columnNames());
        assertEquals(df.rowCount(), mulvar.rowCount());
        // Friday 2019-05-24 .. Tuesday 2019-05-28: tomorrow is a Saturday (A), a Sunday (U), Memorial Day (U), a
        // weekday (W), a weekday (W).
        Table days = Ridership.between(mulvar, LocalDate.of(2019, 5, 24), LocalDate.of(2019, 5, 28));
        double[][] expected = {{1, 0, 0}, {0, 1, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, 1}};
        for (int r = 0; r < expected.length; r++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(expected[r][k], days.doubleColumn(3 + k).getDouble(r), "row " + r + " type " + k);
            }
        }
        Table raw = Ridership.between(df, LocalDate.of(2019, 5, 24), LocalDate.of(2019, 5, 24));
        assertEquals(raw.intColumn("bus").get(0) / 1e6, days.doubleColumn("bus").getDouble(0), 1e-12);
        assertEquals(raw.intColumn("rail").get(0) / 1e6, days.doubleColumn("rail").getDouble(0), 1e-12);
        // The last day has no tomorrow: all three zeros, as pandas' get_dummies makes them for NaN.
        int last = mulvar.rowCount() - 1;
        assertEquals(0, mulvar.doubleColumn(3).getDouble(last) + mulvar.doubleColumn(4).getDouble(last)
                + mulvar.doubleColumn(5).getDouble(last));
        // Windows of the five columns, rail as target: the book's train_mulvar_ds (1,040 windows).
        Split train = Windows.of(Ridership.months(mulvar, "2016-01", "2018-12"),
                Ridership.MULTIVARIATE_COLUMNS.toArray(new String[0])).length(56).targets(1).nextValues("train");
        assertArrayEquals(new long[] {1_040, 56, 5}, train.x().shape());
        assertEquals(Ridership.railWindows(df, "train", "2016-01", "2018-12", 56).y().getDouble(7, 0),
                train.y().getDouble(7, 0), 1e-6);
        Table bad = df.copy();
        bad.stringColumn("day_type").set(3, "X");
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> Ridership.multivariate(bad));
        assertTrue(type.getMessage().contains("\"X\"") && type.getMessage().contains("2001-01-04"), type.getMessage());
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException month = assertThrows(IllegalArgumentException.class,
                () -> Ridership.months(df, "2019-3", "2019-05"));
        assertTrue(month.getMessage().contains("fromMonth") && month.getMessage().contains("2019-3"));
        assertThrows(IllegalArgumentException.class, () -> Ridership.months(df, "2019-05", "2019-03"));
        assertThrows(IllegalArgumentException.class, () -> Ridership.difference(df, 0));
        IllegalArgumentException early = assertThrows(IllegalArgumentException.class,
                () -> Ridership.naiveForecastErrors(df, 7, "2001-01", "2001-02"));
        assertTrue(early.getMessage().contains("2001-01-01"), early.getMessage());
        IllegalArgumentException column = assertThrows(IllegalArgumentException.class,
                () -> Ridership.values(df, "total"));
        assertTrue(column.getMessage().contains("total"));
    }
}
