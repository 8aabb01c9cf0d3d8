package io.github.seqbook.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

import io.github.seqbook.Require;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Keras' {@code get_file} for the notebooks: downloads a {@link DataFile} once into a cache folder, checks its
 * SHA-256, and unpacks {@code .tgz} archives there. A corrupt or truncated cached copy is detected by its checksum
 * and fetched again.
 *
 * <p>Offline use: a mirror folder that holds the files under their names ({@value #MIRROR_VARIABLE}) replaces the
 * network entirely; the repository's tests use {@code ../shared/data}. Without network and without a mirror,
 * {@link #fetch} throws one {@link DataUnavailableException} that names the URL, the cache folder and the variable.
 *
 * <p>Book section: chapter 15 (3rd edition), "Forecasting a Time Series" (the ridership download).
 */
public final class DataFiles {
    /** Environment variable naming the cache folder; default {@code ~/.cache/seqbook}. */
    public static final String CACHE_VARIABLE = "SEQBOOK_CACHE";
    /** Environment variable naming a mirror folder that replaces downloads (for offline runs and tests). */
    public static final String MIRROR_VARIABLE = "SEQBOOK_DATA_MIRROR";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(5);

    private final Path cacheDir;
    private final Path mirrorDir;

    private DataFiles(Path cacheDir, Path mirrorDir) {
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
        this.mirrorDir = mirrorDir == null ? null : mirrorDir.toAbsolutePath().normalize();
    }

    /**
     * The cache and mirror the environment names: {@value #CACHE_VARIABLE} (default {@code ~/.cache/seqbook}) and
     * {@value #MIRROR_VARIABLE} (default none: download). Empty values count as unset.
     */
    public static DataFiles fromEnvironment() {
        String cache = System.getenv(CACHE_VARIABLE);
        String mirror = System.getenv(MIRROR_VARIABLE);
        Path cacheDir = cache == null || cache.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "seqbook") : Path.of(cache);
        return new DataFiles(cacheDir, mirror == null || mirror.isBlank() ? null : Path.of(mirror));
    }

    /**
     * An explicit cache folder and mirror folder.
     *
     * @param cacheDir  where files are kept (created when needed)
     * @param mirrorDir a folder holding the files under their names, used instead of the network; null to download
     */
    public static DataFiles of(Path cacheDir, Path mirrorDir) {
        Require.notNull("cacheDir", cacheDir);
        return new DataFiles(cacheDir, mirrorDir);
    }

    /** The cache folder (absolute). */
    public Path cacheDir() {
        return cacheDir;
    }

    /** The mirror folder (absolute), if one is set. */
    public Optional<Path> mirrorDir() {
        return Optional.ofNullable(mirrorDir);
    }

    /**
     * The file in the cache, fetched first (from the mirror if set, else from its URL) unless a copy with the
     * right checksum is already there.
     *
     * @return the cached file's path
     * @throws DataUnavailableException when no valid copy can be had; the message says what was tried
     */
    public Path fetch(DataFile file) {
        Require.notNull("file", file);
        Path target = cacheDir.resolve(file.name());
        String staleNote = "";
        if (Files.isRegularFile(target)) {
            String actual = sha256(target);
            if (actual.equals(file.sha256())) {
                return target;
            }
            // A truncated or corrupt copy (an interrupted download, a disk error): fetch it again.
            staleNote = " (the copy that was there, " + size(target) + " bytes, had sha256 " + actual
                    + " and was removed)";
            deleteQuietly(target);
        }
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new DataUnavailableException("Cannot create the cache folder " + cacheDir + " for " + file.name()
                    + ": " + e + ". Set " + CACHE_VARIABLE + " to a writable folder.", e);
        }
        Path fetched = mirrorDir != null ? copyFromMirror(file, staleNote) : download(file, staleNote);
        try {
            Files.move(fetched, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(fetched);
            throw new DataUnavailableException("Cannot store " + file.name() + " in the cache folder " + cacheDir
                    + ": " + e, e);
        }
        return target;
    }

    /**
     * Keras' {@code get_file(..., extract=True)}: the archive fetched as by {@link #fetch} and unpacked into the
     * cache folder, once (a marker file remembers which bytes were unpacked; a missing entry unpacks again).
     *
     * @param file  a {@code .tgz} data file
     * @param entry a path inside the archive, e.g. {@code ridership/CTA_-_Ridership_-_Daily_Boarding_Totals.csv}
     * @return the unpacked entry's path in the cache folder
     * @throws IllegalArgumentException when the file is not a {@code .tgz} or the archive has no such entry
     */
    public Path extract(DataFile file, String entry) {
        Require.notNull("file", file);
        Require.notNull("entry", entry);
        if (!file.isTarGz()) {
            throw new IllegalArgumentException("file must be a .tgz archive to extract, got " + file.name());
        }
        Path result = insideCache(entry);
        Path archive = fetch(file);
        Path marker = cacheDir.resolve("." + file.name() + ".extracted");
        if (!(Files.exists(result) && file.sha256().equals(readQuietly(marker)))) {
            unpack(archive);
            try {
                Files.writeString(marker, file.sha256(), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new DataUnavailableException("Cannot write " + marker + ": " + e, e);
            }
        }
        if (!Files.exists(result)) {
            throw new IllegalArgumentException("entry \"" + entry + "\" is not in " + file.name()
                    + " (unpacked into " + cacheDir + ")");
        }
        return result;
    }

    // ---- sources ---------------------------------------------------------------------------------------------

    private Path copyFromMirror(DataFile file, String staleNote) {
        Path source = mirrorDir.resolve(file.name());
        if (!Files.isRegularFile(source)) {
            throw new DataUnavailableException("Cannot get " + file.name() + ": the mirror folder " + mirrorDir
                    + " (set by " + MIRROR_VARIABLE + ") has no file " + file.name() + ", and with a mirror set "
                    + "nothing is downloaded. Put the file there, or unset " + MIRROR_VARIABLE + " to download it from "
                    + file.url() + " into the cache folder " + cacheDir + staleNote + ".", null);
        }
        Path tmp = tempFile(file);
        try {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new DataUnavailableException("Cannot copy " + source + " into the cache folder " + cacheDir + ": "
                    + e, e);
        }
        String actual = sha256(tmp);
        if (!actual.equals(file.sha256())) {
            deleteQuietly(tmp);
            throw new DataUnavailableException("The mirror's copy " + source + " (" + MIRROR_VARIABLE + ") is corrupt: "
                    + describe(file, size(source), actual) + ". Replace it with the file from " + file.url() + ".",
                    null);
        }
        return tmp;
    }

    private Path download(DataFile file, String staleNote) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest request = HttpRequest.newBuilder(file.url()).timeout(DOWNLOAD_TIMEOUT).GET().build();
        String lastProblem = null;
        // Two tries: a transfer cut short shows up as a checksum mismatch and usually succeeds the second time.
        for (int attempt = 1; attempt <= 2; attempt++) {
            Path tmp = tempFile(file);
            try {
                HttpResponse<Path> response = client.send(request, HttpResponse.BodyHandlers.ofFile(tmp));
                if (response.statusCode() != 200) {
                    deleteQuietly(tmp);
                    throw offline(file, "the server answered HTTP " + response.statusCode(), staleNote, null);
                }
            } catch (IOException e) {
                deleteQuietly(tmp);
                throw offline(file, e.toString(), staleNote, e);
            } catch (InterruptedException e) {
                deleteQuietly(tmp);
                Thread.currentThread().interrupt();
                throw offline(file, "interrupted", staleNote, e);
            }
            String actual = sha256(tmp);
            if (actual.equals(file.sha256())) {
                return tmp;
            }
            lastProblem = describe(file, size(tmp), actual);
            deleteQuietly(tmp);
        }
        throw new DataUnavailableException("Downloaded " + file.name() + " from " + file.url()
                + " twice and both copies fail the checksum (" + lastProblem + "). Cache folder: " + cacheDir
                + ". For offline use set " + MIRROR_VARIABLE + " to a folder that holds a good copy.", null);
    }

    private DataUnavailableException offline(DataFile file, String problem, String staleNote, Throwable cause) {
        return new DataUnavailableException("Cannot download " + file.name() + " from " + file.url() + " ("
                + problem + "), and the cache folder " + cacheDir + " has no valid copy" + staleNote
                + ". Offline, set the environment variable " + MIRROR_VARIABLE + " to a folder that holds "
                + file.name() + " (this repository's tests use ../shared/data), or copy the file into the cache "
                + "folder (" + CACHE_VARIABLE + " moves it).", cause);
    }

    // ---- archives --------------------------------------------------------------------------------------------

    private void unpack(Path archive) {
        try (InputStream in = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextTarEntry()) != null) {
                Path out = insideCache(entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isFile()) {
                    Files.createDirectories(out.getParent());
                    // Write beside, then move: a reader never sees half a file, even with two kernels unpacking.
                    Path tmp = Files.createTempFile(out.getParent(), out.getFileName().toString(), ".part");
                    Files.copy(tar, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
                // Links and special entries are skipped: the book's archives hold plain files only.
            }
        } catch (IOException e) {
            throw new DataUnavailableException("Cannot unpack " + archive + " into " + cacheDir + ": " + e, e);
        }
    }

    /** {@code entry} resolved in the cache folder; entries that would land outside it are refused. */
    private Path insideCache(String entry) {
        Path out = cacheDir.resolve(entry).normalize();
        if (!out.startsWith(cacheDir) || out.equals(cacheDir)) {
            throw new IllegalArgumentException("archive entry \"" + entry + "\" points outside the cache folder "
                    + cacheDir);
        }
        return out;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** The SHA-256 of a file's bytes, in lowercase hex. */
    public static String sha256(Path path) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new DataUnavailableException("Cannot read " + path + ": " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static String describe(DataFile file, long size, String actual) {
        String sizes = file.bytes() >= 0 && size != file.bytes()
                ? size + " bytes instead of " + file.bytes() + ", " : "";
        return sizes + "sha256 " + actual + " instead of " + file.sha256();
    }

    private Path tempFile(DataFile file) {
        try {
            return Files.createTempFile(cacheDir, file.name(), ".part");
        } catch (IOException e) {
            throw new DataUnavailableException("Cannot write in the cache folder " + cacheDir + ": " + e
                    + ". Set " + CACHE_VARIABLE + " to a writable folder.", e);
        }
    }

    private static long size(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String readQuietly(Path path) {
        try {
            return Files.readString(path, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return null;
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // A leftover .part file is harmless: the next fetch writes a new one.
        }
    }
}
