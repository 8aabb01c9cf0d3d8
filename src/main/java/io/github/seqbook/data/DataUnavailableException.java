package io.github.seqbook.data;

/**
 * A data file could not be had: the download failed (offline), a mirror folder lacks it, or every copy found
 * fails its checksum. The message names the URL, the cache folder and the environment variables that help.
 *
 * <p>It carries no stack trace (the cause, if any, keeps its own): it reports a missing file, not a bug, so a
 * notebook cell that fails with it shows the message alone, one line, instead of the library's frames.
 */
public class DataUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataUnavailableException(String message, Throwable cause) {
        super(message, cause, true, false);
    }
}
