package io.github.seqbook.tables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.seqbook.Require;
import io.github.seqbook.RunMode;
import io.github.seqbook.notebook.Display;
import io.github.seqbook.notebook.Displayable;
import io.github.seqbook.notebook.TableView;
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
 * <p>{@link #show()} displays it as an HTML table (under the installed kernel, IJava and JJava; see {@link Display}),
 * as text with numbers to 4 significant digits elsewhere. When the notebook runner sets
 * {@code SEQBOOK_RESULTS_DIR}, it also writes {@code <dir>/<notebook>.csv}, which the runner merges into one CSV
 * for the whole chapter.
 */
public final class Results implements Displayable {
    static {
        Display.connect(); // IJava/JJava: a Results left as a cell's value renders as HTML too
    }

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

    /**
     * The table as the notebook shows it: model | metric | this run | book | ratio | epochs | s/epoch | params,
     * values and book values to 4 significant digits, and the run mode under it.
     */
    public TableView view() {
        TableView view = new TableView("seqbook-results", "mode: " + RunMode.describe(),
                "model", "metric", "this run", "book", "ratio", "epochs", "s/epoch", "params");
        for (int r = 0; r < table.rowCount(); r++) {
            view.row(table.stringColumn("model").get(r), table.stringColumn("metric").get(r),
                    TableView.sig4(table.doubleColumn("this_run").getDouble(r)),
                    TableView.sig4(table.doubleColumn("book").getDouble(r)),
                    TableView.fixed(table.doubleColumn("ratio").getDouble(r), 2), table.intColumn("epochs").get(r),
                    TableView.fixed(table.doubleColumn("s_per_epoch").getDouble(r), 1),
                    table.longColumn("params").get(r));
        }
        return view;
    }

    /** The table as an HTML fragment ({@link #view()}). */
    @Override
    public String toHtml() {
        return view().toHtml();
    }

    /** The table as fixed-width text ({@link #view()}), numbers to 4 significant digits. */
    @Override
    public String toText() {
        return view().toText();
    }

    /** Displays the table as HTML in the notebook (text elsewhere) and saves it for the runner if asked. */
    public void show() {
        Display.show(this);
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
        return toText();
    }
}
