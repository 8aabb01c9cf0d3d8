package io.github.seqbook;

/**
 * Full mode (the book's settings, the default) or quick mode (environment variable {@code SEQBOOK_QUICK=1}):
 * the same code paths on fewer training series and epochs, so CI and a first look stay fast.
 */
public final class RunMode {
    /** Training series used in quick mode (the validation and test splits stay whole). */
    public static final int QUICK_TRAIN_SERIES = 1000;
    /** Epochs used in quick mode, whatever the book trains for. */
    public static final int QUICK_EPOCHS = 2;

    private RunMode() {
    }

    /** True when {@code SEQBOOK_QUICK} (environment) or {@code seqbook.quick} (system property) is set to 1/true/yes. */
    public static boolean isQuick() {
        String value = System.getProperty("seqbook.quick", System.getenv("SEQBOOK_QUICK"));
        return value != null && (value.equals("1") || value.equalsIgnoreCase("true") || value.equalsIgnoreCase("yes"));
    }

    /** The book's number of epochs in full mode, {@link #QUICK_EPOCHS} (or fewer) in quick mode. */
    public static int epochs(int bookEpochs) {
        Require.positive("bookEpochs", bookEpochs);
        return isQuick() ? Math.min(bookEpochs, QUICK_EPOCHS) : bookEpochs;
    }

    /** The number of training series to use out of {@code fullSize}. */
    public static int trainSeries(int fullSize) {
        return isQuick() ? Math.min(fullSize, QUICK_TRAIN_SERIES) : fullSize;
    }

    /** "full" or "quick", for printing. */
    public static String describe() {
        return isQuick() ? "quick (SEQBOOK_QUICK=1: " + QUICK_TRAIN_SERIES + " training series, "
                + QUICK_EPOCHS + " epochs)" : "full (the book's settings)";
    }
}
