package io.github.seqbook.data;

import java.net.URI;
import java.util.regex.Pattern;

import io.github.seqbook.Require;

/**
 * A public data file that a notebook downloads at run time, as the book's {@code tf.keras.utils.get_file}
 * arguments: the file name in the cache, the origin URL and the expected SHA-256 of its bytes.
 *
 * @param name   the file name in the cache folder (and in a mirror folder), e.g. {@code ridership.tgz}
 * @param url    where to download it from
 * @param bytes  its size in bytes, for messages about truncated copies; -1 if unknown
 * @param sha256 the SHA-256 of its bytes, 64 lowercase hex digits
 */
public record DataFile(String name, URI url, long bytes, String sha256) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * The Chicago Transit Authority's daily boardings, 2001-01-01..2021-11-30 (the third edition's chapter 15):
     * {@code ridership/CTA_-_Ridership_-_Daily_Boarding_Totals.csv} inside.
     */
    public static final DataFile RIDERSHIP = new DataFile("ridership.tgz",
            URI.create("https://github.com/ageron/data/raw/main/ridership.tgz"), 108_512,
            "0ff99f3dddd886ddea161b68f25f90b56b0468f5c91949b75376fb494516c794");

    /** Bach's chorales, four notes per time step (chapter 15, exercise 10): {@code jsb_chorales/{train,valid,test}/*.csv}. */
    public static final DataFile JSB_CHORALES = new DataFile("jsb_chorales.tgz",
            URI.create("https://github.com/ageron/data/raw/main/jsb_chorales.tgz"), 117_793,
            "e722fbc866fc1ba0bac56a6fcad95d7e3e584da80173e13932e3da441440efd7");

    /** Checks that the name is a plain file name and the checksum a SHA-256 in lowercase hex. */
    public DataFile {
        Require.notNull("name", name);
        Require.notNull("url", url);
        Require.notNull("sha256", sha256);
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("name must be a plain file name (no folder), got \"" + name + "\"");
        }
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits, got \"" + sha256 + "\"");
        }
        if (bytes < -1) {
            throw new IllegalArgumentException("bytes must be -1 (unknown) or >= 0, got " + bytes);
        }
    }

    /** True for a gzipped tar archive ({@code .tgz} or {@code .tar.gz}), which {@link DataFiles#extract} unpacks. */
    public boolean isTarGz() {
        return name.endsWith(".tgz") || name.endsWith(".tar.gz");
    }
}
