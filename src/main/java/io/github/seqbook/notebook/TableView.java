package io.github.seqbook.notebook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import io.github.seqbook.Require;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A small table of already formatted cells, with a note under it, as the notebooks show their tables: an HTML
 * {@code <table>} with a CSS class, or the same rows as fixed-width text (laid out by Tablesaw). The library's
 * tables ({@link io.github.seqbook.tables.Results}, {@link io.github.seqbook.training.History}) build one; numbers
 * go in through {@link #sig4} or {@link #fixed}.
 */
public final class TableView implements Displayable {
    private final String cssClass;
    private final List<String> headers;
    private final List<String[]> rows = new ArrayList<>();
    private final String note;

    /**
     * @param cssClass the HTML table's class, e.g. {@code seqbook-results}
     * @param note     a line shown under the table (HTML: small print), or {@code ""}
     * @param headers  column headers, at least one
     */
    public TableView(String cssClass, String note, String... headers) {
        this.cssClass = Require.notNull("cssClass", cssClass);
        this.note = Require.notNull("note", note);
        Require.notNull("headers", headers);
        if (headers.length == 0) {
            throw new IllegalArgumentException("headers: a table needs at least one column, got none");
        }
        this.headers = List.of(headers);
    }

    /**
     * Appends a row; cells are shown with {@code String.valueOf}, {@code null} as an empty cell.
     *
     * @throws IllegalArgumentException when the row does not have one cell per header
     */
    public TableView row(Object... cells) {
        Require.notNull("cells", cells);
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("cells: expected " + headers.size() + " (one per header " + headers
                    + "), got " + cells.length + ": " + Arrays.toString(cells));
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "" : String.valueOf(c)).toArray(String[]::new));
        return this;
    }

    /** Number of rows. */
    public int rowCount() {
        return rows.size();
    }

    @Override
    public String toHtml() {
        StringBuilder sb = new StringBuilder("<table class=\"").append(escape(cssClass)).append("\">\n<thead><tr>");
        for (String h : headers) {
            sb.append("<th>").append(escape(h)).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        for (String[] row : rows) {
            sb.append("<tr>");
            for (String cell : row) {
                sb.append("<td>").append(escape(cell)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody></table>");
        if (!note.isEmpty()) {
            sb.append("\n<p><small>").append(escape(note)).append("</small></p>");
        }
        return sb.toString();
    }

    @Override
    public String toText() {
        Table table = Table.create("");
        for (int c = 0; c < headers.size(); c++) {
            StringColumn column = StringColumn.create(headers.get(c));
            for (String[] row : rows) {
                column.append(row[c]);
            }
            table.addColumns(column);
        }
        // Tablesaw prints the (empty) table name as a first line of spaces: dropped.
        String text = table.printAll().lines().dropWhile(String::isBlank)
                .collect(Collectors.joining("\n"));
        return note.isEmpty() ? text : text + "\n" + note;
    }

    @Override
    public String toString() {
        return toText();
    }

    /** {@code v} to 4 significant digits ({@code %.4g}: 0.02021, 1.000e-05), or {@code ""} for NaN. */
    public static String sig4(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4g", v);
    }

    /** {@code v} with {@code digits} decimals, or {@code ""} for NaN. */
    public static String fixed(double v, int digits) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
