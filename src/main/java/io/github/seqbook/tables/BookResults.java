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
 * Every number the book's notebook prints for the chapter's models (a copy of {@code book_results.csv}
 * shipped in the jar): notebook, section, model, metric, value and epochs.
 */
public final class BookResults {
    /**
     * One number of the book.
     *
     * @param notebook our notebook number, e.g. "01"
     * @param section  the book's section title
     * @param model    the model as named in our notebooks and tables
     * @param metric   {@code val_mse}, {@code val_loss} or {@code val_last_time_step_mse}
     * @param value    the book's value
     * @param epochs   epochs the book trained for (0 for baselines)
     */
    public record Entry(String notebook, String section, String model, String metric, double value, int epochs) {
    }

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
        try (InputStream in = BookResults.class.getResourceAsStream("/io/github/seqbook/book_results.csv")) {
            if (in == null) {
                throw new IllegalStateException("book_results.csv is missing from the jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Entry> out = new ArrayList<>();
            String header = reader.readLine();
            if (header == null || !header.startsWith("notebook,section,model,metric,book_value,epochs")) {
                throw new IllegalStateException("unexpected header in book_results.csv: " + header);
            }
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                // Split notebook and section from the left and metric, value, epochs from the right: the
                // model column may itself contain commas.
                String[] head = line.split(",", 3);
                String rest = head[2];
                int e = rest.lastIndexOf(',');
                int v = rest.lastIndexOf(',', e - 1);
                int m = rest.lastIndexOf(',', v - 1);
                out.add(new Entry(head[0], head[1], rest.substring(0, m), rest.substring(m + 1, v),
                        Double.parseDouble(rest.substring(v + 1, e)), Integer.parseInt(rest.substring(e + 1).trim())));
            }
            return List.copyOf(out);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
