package io.github.seqbook.training;

import java.util.Arrays;

import io.github.seqbook.notebook.Display;
import io.github.seqbook.notebook.Displayable;
import io.github.seqbook.notebook.TableView;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * What {@link Training#fit} records, one row per epoch, like Keras' {@code history.history}: columns
 * {@code epoch}, {@code loss}, {@code val_loss}, one {@code val_<metric>} column per metric, and {@code seconds}.
 * Left as a cell's value it shows as an HTML table under IJava and JJava ({@link Display}), as text with losses
 * to 4 significant digits elsewhere.
 *
 * @param model   the model's name
 * @param table   the per-epoch table (Tablesaw)
 * @param params  number of trainable parameters of the model
 */
public record History(String model, Table table, long params) implements Displayable {
    static {
        Display.connect(); // IJava/JJava: a History left as a cell's value renders as HTML
    }

    /** The training loss of every epoch. */
    public double[] loss() {
        return table.doubleColumn("loss").asDoubleArray();
    }

    /** The validation loss of every epoch. */
    public double[] valLoss() {
        return table.doubleColumn("val_loss").asDoubleArray();
    }

    /** Values of a column by name, e.g. {@code "val_last_time_step_mse"}. */
    public double[] column(String name) {
        if (!table.columnNames().contains(name)) {
            throw new IllegalArgumentException("no column '" + name + "' in the history; columns are "
                    + table.columnNames());
        }
        return table.doubleColumn(name).asDoubleArray();
    }

    /** Number of epochs trained. */
    public int epochs() {
        return table.rowCount();
    }

    /** The last epoch's value of a column. */
    public double last(String name) {
        double[] values = column(name);
        if (values.length == 0) {
            throw new IllegalStateException("the history of " + model + " has no epochs");
        }
        return values[values.length - 1];
    }

    /**
     * Median seconds per epoch, leaving out the first epoch when there are several (it includes JIT warm-up).
     */
    public double secondsPerEpoch() {
        double[] s = table.doubleColumn("seconds").asDoubleArray();
        if (s.length == 0) {
            return Double.NaN;
        }
        double[] tail = s.length > 1 ? Arrays.copyOfRange(s, 1, s.length) : s;
        Arrays.sort(tail);
        int n = tail.length;
        return n % 2 == 1 ? tail[n / 2] : (tail[n / 2 - 1] + tail[n / 2]) / 2;
    }

    /** An empty history with the given metric columns. */
    static History empty(String model, long params, String... metrics) {
        Table t = Table.create(model + " history", IntColumn.create("epoch"), DoubleColumn.create("loss"),
                DoubleColumn.create("val_loss"));
        for (String m : metrics) {
            t.addColumns(DoubleColumn.create("val_" + m));
        }
        t.addColumns(DoubleColumn.create("seconds"));
        return new History(model, t, params);
    }

    /**
     * The history as the notebook shows it: one row per epoch, losses and metrics to 4 significant digits, seconds
     * to 2 decimals, and the model with its parameter count under it.
     */
    public TableView view() {
        String[] headers = table.columnNames().toArray(String[]::new);
        // Names from Training.describe already end with the parameter count.
        String note = model.endsWith(" params") ? model : model + ", " + params + " params";
        TableView view = new TableView("seqbook-history", note, headers);
        for (int r = 0; r < table.rowCount(); r++) {
            Object[] cells = new Object[headers.length];
            for (int c = 0; c < headers.length; c++) {
                cells[c] = switch (headers[c]) {
                    case "epoch" -> table.intColumn(c).get(r);
                    case "seconds" -> TableView.fixed(table.doubleColumn(c).getDouble(r), 2);
                    default -> TableView.sig4(table.doubleColumn(c).getDouble(r));
                };
            }
            view.row(cells);
        }
        return view;
    }

    @Override
    public String toHtml() {
        return view().toHtml();
    }

    @Override
    public String toText() {
        return view().toText();
    }

    @Override
    public String toString() {
        return toText();
    }

    /** A value with 4 significant digits, as the history prints it ({@code 0.02310}, {@code 1.234e-05}). */
    public static String fourDigits(double value) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        if (value == 0) {
            return "0";
        }
        double abs = Math.abs(value);
        return abs >= 1e-4 && abs < 1e6 ? new java.math.BigDecimal(value).round(new java.math.MathContext(4))
                .toPlainString() : String.format(java.util.Locale.ROOT, "%.3e", value);
    }
}
