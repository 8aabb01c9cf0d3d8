import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Locale;

import io.github.seqbook.arima.Sarima;
import io.github.seqbook.data.DataFiles;
import io.github.seqbook.data.Ridership;
import tech.tablesaw.api.Table;

/**
 * The library's side of bench/sarima_check.py: the book's SARIMA(1,0,0)(0,1,1,7) on the rail series through
 * io.github.seqbook.arima.Sarima (JDemetra+), one-day forecast for 2019-06-01 and the daily refit loop over
 * 2019-03-01..2019-05-31; writes target/bench/sarima_java.csv for the Python side to compare.
 *
 * <pre>SEQBOOK_DATA_MIRROR=../shared/data java -cp target/seqbook.jar bench/SarimaCheck.java</pre>
 */
public class SarimaCheck {
    public static void main(String[] args) throws IOException {
        Table df = Ridership.load();
        Sarima model = Sarima.of(1, 0, 0, 0, 1, 1, 7);
        double[] rail = Ridership.values(Ridership.months(df, "2019-01", "2019-05"), Ridership.RAIL);

        long start = System.nanoTime();
        Sarima.Fit fit = model.fit(rail);
        System.out.printf(Locale.ROOT, "one-day forecast for 2019-06-01 (book 427,758.6; target 379,044): %,.1f%n",
                fit.forecast(1)[0]);
        System.out.println("  " + fit);

        int first = 31 + 28; // 2019-03-01
        double[] forecasts = model.rollingForecasts(rail, first);
        double mae = 0;
        StringBuilder csv = new StringBuilder("date,actual,forecast\n");
        for (int i = 0; i < forecasts.length; i++) {
            mae += Math.abs(forecasts[i] - rail[first + i]) / forecasts.length;
            csv.append(LocalDate.of(2019, 3, 1).plusDays(i)).append(',').append((long) rail[first + i]).append(',')
                    .append(String.format(Locale.ROOT, "%.6f", forecasts[i])).append('\n');
        }
        System.out.printf(Locale.ROOT, "refit every day 2019-03-01..2019-05-31 (%d fits; book MAE 32,040.7): MAE %,.1f"
                + " (%.2f s for all fits)%n", forecasts.length, mae, (System.nanoTime() - start) / 1e9);
        Path out = Path.of("target/bench/sarima_java.csv");
        Files.createDirectories(out.getParent());
        Files.writeString(out, csv);
        System.out.println("wrote " + out);
    }
}
