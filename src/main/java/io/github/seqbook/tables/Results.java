package io.github.seqbook.tables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.github.seqbook.Require;
import io.github.seqbook.RunMode;
import io.github.seqbook.notebook.Display;
import io.github.seqbook.training.History;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The results table at the end of each notebook: model | metric | this run | book | ratio | epochs | s/epoch |
 * params | mode, with the book's value looked up in {@link BookResults}.
 *
 * <p>{@link #show()} displays it as an HTML table. When the notebook runner sets {@code SEQBOOK_RESULTS_DIR},
 * it also writes {@code <dir>/<notebook>.csv}, which the runner merges into one CSV for the whole chapter.
 */
public final class Results {
    private final String notebook;
    private final Table table;

    private Results(String notebook) {
        this.notebook = notebook;
        this.table = Table.create("Notebook " + notebook + " results",
                StringColumn.create("notebook"), StringColumn.create("model"), StringColumn.create("metric"),
                DoubleColumn.create("this_run"), DoubleColumn.create("book"), DoubleColumn.create("ratio"),
                IntColumn.create("epochs"), DoubleColumn.create("s_per_epoch"), LongColumn.create("params"),
                StringColumn.create("mode"));
    }

    /** An empty results table for notebook {@code "01"}, {@code "02"}, ... */
    public static Results forNotebook(String notebook) {
        Require.notNull("notebook", notebook);
        return new Results(notebook);
    }

    /**
     * Adds a baseline or any number computed without training (e.g. the naive forecast's MSE).
     *
     * @param model  the model's name as in the book's results (see {@link BookResults})
     * @param metric {@code val_mse}, {@code val_loss} or {@code val_last_time_step_mse}
     * @param value  this run's value
     */
    public Results add(String model, String metric, double value) {
        return add(model, metric, value, 0, Double.NaN, 0);
    }

    /** Adds a trained model: the last epoch's value of {@code metric} from its history. */
    public Results add(String model, String metric, History history) {
        Require.notNull("history", history);
        String column = metric.equals("val_mse") ? "val_loss" : metric;
        return add(model, metric, history.last(column), history.epochs(), history.secondsPerEpoch(),
                history.params());
    }

    /** Adds a row with every field given. */
    public Results add(String model, String metric, double value, int epochs, double secondsPerEpoch, long params) {
        Require.notNull("model", model);
        Require.notNull("metric", metric);
        double book = BookResults.find(notebook, model, metric).map(BookResults.Entry::value).orElse(Double.NaN);
        var row = table.appendRow();
        row.setString("notebook", notebook);
        row.setString("model", model);
        row.setString("metric", metric);
        row.setDouble("this_run", value);
        row.setDouble("book", book);
        row.setDouble("ratio", value / book);
        row.setInt("epochs", epochs);
        row.setDouble("s_per_epoch", secondsPerEpoch);
        row.setLong("params", params);
        row.setString("mode", RunMode.isQuick() ? "quick" : "full");
        return this;
    }

    /** The table (Tablesaw). */
    public Table table() {
        return table;
    }

    /** The table as an HTML fragment, numbers to 4 significant digits. */
    public String html() {
        StringBuilder sb = new StringBuilder("<table class=\"seqbook-results\">\n<thead><tr>");
        for (String h : new String[] {"model", "metric", "this run", "book", "ratio", "epochs", "s/epoch", "params"}) {
            sb.append("<th>").append(h).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        for (int r = 0; r < table.rowCount(); r++) {
            sb.append("<tr><td>").append(escape(table.stringColumn("model").get(r))).append("</td><td>")
                    .append(table.stringColumn("metric").get(r)).append("</td><td>")
                    .append(num(table.doubleColumn("this_run").getDouble(r))).append("</td><td>")
                    .append(num(table.doubleColumn("book").getDouble(r))).append("</td><td>")
                    .append(fixed(table.doubleColumn("ratio").getDouble(r), 2)).append("</td><td>")
                    .append(table.intColumn("epochs").get(r)).append("</td><td>")
                    .append(fixed(table.doubleColumn("s_per_epoch").getDouble(r), 1)).append("</td><td>")
                    .append(table.longColumn("params").get(r)).append("</td></tr>\n");
        }
        sb.append("</tbody></table>\n<p><small>mode: ").append(RunMode.describe()).append("</small></p>");
        return sb.toString();
    }

    /** Displays the table as HTML in the notebook (text elsewhere) and saves it for the runner if asked. */
    public void show() {
        Display.html(html(), table.printAll());
        String dir = System.getenv("SEQBOOK_RESULTS_DIR");
        if (dir != null && !dir.isBlank()) {
            save(Path.of(dir).resolve(notebook + ".csv"));
        }
    }

    /** Writes the table as CSV (header included), creating parent folders. */
    public void save(Path csv) {
        try {
            Files.createDirectories(csv.toAbsolutePath().getParent());
            table.write().csv(csv.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write results to " + csv, e);
        }
    }

    @Override
    public String toString() {
        return table.printAll();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4g", v);
    }

    private static String fixed(double v, int digits) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
