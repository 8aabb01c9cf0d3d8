package io.github.seqbook.tables;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every number the book's notebooks print for the chapter's models, shipped in the jar: {@code book_results.csv}
 * (the second edition's notebook, our notebooks 01-04) and {@code book3_results.csv} (the rows of the third edition's
 * notebook that our notebook 05 reproduces, with the settings they were printed with): notebook, section, model,
 * metric, value and epochs.
 */
public final class BookResults {
    /**
     * One number of the book.
     *
     * @param notebook our notebook number, e.g. "01"
     * @param section  the book's section title
     * @param model    the model as named in our notebooks and tables
     * @param metric   {@code val_mse}, {@code val_loss} or {@code val_last_time_step_mse} (notebooks 01-04);
     *                 {@code mae_riders}, {@code mape}, {@code riders} or {@code val_mae_riders} (notebook 05: riders
     *                 per day, the book's {@code valid_mae * 1e6})
     * @param value    the book's value
     * @param epochs   epochs the book trained for (0 for baselines)
     */
    public record Entry(String notebook, String section, String model, String metric, double value, int epochs) {
    }

    /** The resources read, in order: the second edition's numbers, then the third edition's. */
    static final List<String> RESOURCES = List.of("/io/github/seqbook/book_results.csv",
            "/io/github/seqbook/book3_results.csv");

    private static final List<Entry> ENTRIES = load();

    private BookResults() {
    }

    /** All entries, in the book's order. */
    public static List<Entry> all() {
        return ENTRIES;
    }

    /** The book's entry for a model of a notebook, for a metric. */
    public static Optional<Entry> find(String notebook, String model, String metric) {
        return ENTRIES.stream().filter(e -> e.notebook.equals(notebook) && e.model.equals(model)
                && e.metric.equals(metric)).findFirst();
    }

    private static List<Entry> load() {
        List<Entry> out = new ArrayList<>();
        for (String resource : RESOURCES) {
            out.addAll(read(resource));
        }
        return List.copyOf(out);
    }

    /**
     * Reads one CSV: header {@code notebook,section,model,metric,book_value,epochs[,settings]}; fields with commas are
     * quoted (the third edition's file quotes most of its model names and settings), except that a model name may
     * hold unquoted commas (the line then has more fields than the header: the extra ones belong to the model).
     */
    static List<Entry> read(String resource) {
        try (InputStream in = BookResults.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String header = reader.readLine();
            if (header == null || !header.startsWith("notebook,section,model,metric,book_value,")) {
                throw new IllegalStateException("unexpected header in " + resource + ": " + header);
            }
            int columns = fields(header).size();
            List<Entry> out = new ArrayList<>();
            int lineNumber = 1;
            for (String line; (line = reader.readLine()) != null; ) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> f = new ArrayList<>(fields(line));
                if (f.size() < columns) {
                    throw new IllegalStateException(resource + " line " + lineNumber + " has " + f.size()
                            + " fields, expected " + columns + ": " + line);
                }
                // Model names such as "Y[:,3::2]" may hold an unquoted comma: extra fields belong to the model.
                while (f.size() > columns) {
                    f.set(2, f.get(2) + "," + f.remove(3));
                }
                out.add(new Entry(f.get(0), f.get(1), f.get(2), f.get(3), Double.parseDouble(f.get(4)),
                        Integer.parseInt(f.get(5).trim())));
            }
            return out;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The fields of one CSV line: commas separate, double quotes enclose fields with commas ({@code ""} is a quote). */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        out.add(field.toString());
        return out;
    }
}
