package io.github.seqbook.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The download cache against the real archive from {@link TestData#mirror()} ({@code ../shared/data} here), a
 * local HTTP server for the download path, and an unreachable address for the offline error.
 */
class DataFilesTest {
    /** A folder holding the book's data files (see {@link TestData}). */
    static final Path MIRROR = TestData.mirror();
    /** The README's checksum of ridership.tgz. */
    static final String RIDERSHIP_SHA256 = "0ff99f3dddd886ddea161b68f25f90b56b0468f5c91949b75376fb494516c794";
    /** Nothing listens on the discard port of the loopback address: the connection is refused at once. */
    static final URI UNREACHABLE = URI.create("http://127.0.0.1:9/ridership.tgz");

    @TempDir
    Path tmp;

    static DataFile unreachableRidership() {
        return new DataFile("ridership.tgz", UNREACHABLE, 108_512, RIDERSHIP_SHA256);
    }

    @Test
    void mirrorFillsTheCacheWithTheCheckedFile() throws IOException {
        Path cache = tmp.resolve("cache");
        Path file = DataFiles.of(cache, MIRROR).fetch(DataFile.RIDERSHIP);
        assertEquals(cache.toAbsolutePath().normalize().resolve("ridership.tgz"), file);
        assertEquals(108_512, Files.size(file));
        assertEquals(RIDERSHIP_SHA256, DataFiles.sha256(file));
        assertArrayEquals(Files.readAllBytes(MIRROR.resolve("ridership.tgz")), Files.readAllBytes(file));
    }

    @Test
    void validCachedCopyNeedsNoMirrorAndNoNetwork() {
        Path cache = tmp.resolve("cache");
        DataFiles.of(cache, MIRROR).fetch(DataFile.RIDERSHIP);
        // Now the source is gone (an empty mirror, an unreachable URL): the cached copy is enough.
        Path emptyMirror = tmp.resolve("empty");
        assertTrue(emptyMirror.toFile().mkdirs());
        assertEquals(108_512, DataFiles.of(cache, emptyMirror).fetch(DataFile.RIDERSHIP).toFile().length());
        assertEquals(108_512, DataFiles.of(cache, null).fetch(unreachableRidership()).toFile().length());
    }

    @Test
    void truncatedCachedCopyIsFetchedAgain() throws IOException {
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        byte[] good = Files.readAllBytes(MIRROR.resolve("ridership.tgz"));
        Files.write(cache.resolve("ridership.tgz"), Arrays.copyOf(good, 1000));
        Path file = DataFiles.of(cache, MIRROR).fetch(DataFile.RIDERSHIP);
        assertArrayEquals(good, Files.readAllBytes(file));
    }

    @Test
    void offlineWithoutMirrorFailsWithOneClearMessage() {
        Path cache = tmp.resolve("cache");
        DataFiles files = DataFiles.of(cache, null);
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> files.fetch(unreachableRidership()));
        String message = e.getMessage();
        assertTrue(message.contains(UNREACHABLE.toString()), message);
        assertTrue(message.contains(cache.toAbsolutePath().normalize().toString()), message);
        assertTrue(message.contains(DataFiles.MIRROR_VARIABLE), message);
        assertTrue(message.contains("ridership.tgz"), message);
        assertFalse(message.contains("\n"), "one line: " + message);
        assertFalse(Files.exists(cache.resolve("ridership.tgz")), "no partial file left in the cache");
        // A notebook cell failing with it shows the message alone: no library frames, the network error kept as cause.
        assertEquals(0, e.getStackTrace().length);
        assertTrue(e.getCause() instanceof java.io.IOException, String.valueOf(e.getCause()));
    }

    @Test
    void corruptCachedCopyOfflineSaysItWasRemoved() throws IOException {
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        Files.writeString(cache.resolve("ridership.tgz"), "not an archive");
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> DataFiles.of(cache, null).fetch(unreachableRidership()));
        assertTrue(e.getMessage().contains("removed"), e.getMessage());
        assertTrue(e.getMessage().contains(DataFiles.MIRROR_VARIABLE), e.getMessage());
    }

    @Test
    void mirrorWithoutTheFileOrWithACorruptCopyIsNamed() throws IOException {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        DataFiles files = DataFiles.of(tmp.resolve("cache"), mirror);
        DataUnavailableException missing = assertThrows(DataUnavailableException.class,
                () -> files.fetch(DataFile.RIDERSHIP));
        assertTrue(missing.getMessage().contains(mirror.toAbsolutePath().normalize().toString()), missing.getMessage());
        assertTrue(missing.getMessage().contains(DataFiles.MIRROR_VARIABLE), missing.getMessage());

        byte[] good = Files.readAllBytes(MIRROR.resolve("ridership.tgz"));
        Files.write(mirror.resolve("ridership.tgz"), Arrays.copyOf(good, 50_000));
        DataUnavailableException corrupt = assertThrows(DataUnavailableException.class,
                () -> files.fetch(DataFile.RIDERSHIP));
        assertTrue(corrupt.getMessage().contains("50000 bytes instead of 108512"), corrupt.getMessage());
        assertTrue(corrupt.getMessage().contains(RIDERSHIP_SHA256), corrupt.getMessage());
    }

    @Test
    void downloadsOverHttpFollowingARedirectAndRetriesATruncatedTransfer() throws IOException {
        byte[] good = Files.readAllBytes(MIRROR.resolve("ridership.tgz"));
        AtomicInteger downloads = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // Like GitHub: the public URL redirects to the file's host.
        server.createContext("/raw/ridership.tgz", exchange -> {
            exchange.getResponseHeaders().add("Location", "/files/ridership.tgz");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        // The first transfer is cut short, the second is whole.
        server.createContext("/files/ridership.tgz", exchange -> {
            byte[] body = downloads.incrementAndGet() == 1 ? Arrays.copyOf(good, 30_000) : good;
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/raw/ridership.tgz");
            Path file = DataFiles.of(tmp.resolve("cache"), null)
                    .fetch(new DataFile("ridership.tgz", url, 108_512, RIDERSHIP_SHA256));
            assertArrayEquals(good, Files.readAllBytes(file));
            assertEquals(2, downloads.get());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void httpErrorIsReportedWithTheUrl() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/gone.tgz");
            DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> DataFiles
                    .of(tmp.resolve("cache"), null).fetch(new DataFile("gone.tgz", url, -1, RIDERSHIP_SHA256)));
            assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
            assertTrue(e.getMessage().contains(url.toString()), e.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void extractUnpacksOnceAndAgainWhenAnEntryIsMissing() throws IOException {
        Path cache = tmp.resolve("cache");
        DataFiles files = DataFiles.of(cache, MIRROR);
        Path csv = files.extract(DataFile.RIDERSHIP, Ridership.CSV_ENTRY);
        assertEquals(cache.toAbsolutePath().normalize().resolve(Ridership.CSV_ENTRY), csv);
        assertTrue(Files.readString(csv, StandardCharsets.UTF_8)
                .startsWith("service_date,day_type,bus,rail_boardings,total_rides"));
        long size = Files.size(csv);

        // Marked as unpacked: a changed file stays as it is (nothing is unpacked twice) ...
        Files.writeString(csv, "edited");
        assertEquals("edited", Files.readString(files.extract(DataFile.RIDERSHIP, Ridership.CSV_ENTRY)));
        // ... but a missing entry is unpacked again.
        Files.delete(csv);
        assertEquals(size, Files.size(files.extract(DataFile.RIDERSHIP, Ridership.CSV_ENTRY)));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> files.extract(DataFile.RIDERSHIP, "ridership/nothing.csv"));
        assertTrue(e.getMessage().contains("ridership/nothing.csv"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> files.extract(
                new DataFile("plain.csv", UNREACHABLE, -1, RIDERSHIP_SHA256), "x"));
    }

    @Test
    void choralesArchiveFromTheMirror() throws IOException {
        Path cache = tmp.resolve("cache");
        Path csv = DataFiles.of(cache, MIRROR).extract(DataFile.JSB_CHORALES, "jsb_chorales/train/chorale_000.csv");
        assertTrue(Files.readString(csv).startsWith("note0,note1,note2,note3"));
        // 229 / 76 / 77 chorales, as ../shared/data/README.md says.
        try (var files = Files.list(csv.getParent())) {
            assertEquals(229, files.count());
        }
        try (var files = Files.list(cache.resolve("jsb_chorales/test"))) {
            assertEquals(77, files.count());
        }
    }

    @Test
    void archiveEntriesOutsideTheCacheAreRefused() throws IOException {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        Path archive = mirror.resolve("evil.tgz");
        byte[] body = "x".getBytes(StandardCharsets.US_ASCII);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
                new GzipCompressorOutputStream(Files.newOutputStream(archive)))) {
            TarArchiveEntry entry = new TarArchiveEntry("../escaped.txt", true);
            entry.setSize(body.length);
            tar.putArchiveEntry(entry);
            tar.write(body);
            tar.closeArchiveEntry();
        }
        DataFile evil = new DataFile("evil.tgz", UNREACHABLE, -1, DataFiles.sha256(archive));
        Path cache = tmp.resolve("cache");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataFiles.of(cache, mirror).extract(evil, "escaped.txt"));
        assertTrue(e.getMessage().contains("../escaped.txt"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("escaped.txt")));
    }

    @Test
    void environmentDefaultsAndBadArguments() {
        DataFiles env = DataFiles.fromEnvironment();
        String cacheVariable = System.getenv(DataFiles.CACHE_VARIABLE);
        if (cacheVariable == null || cacheVariable.isBlank()) {
            assertEquals(Path.of(System.getProperty("user.home"), ".cache", "seqbook").toAbsolutePath(), env.cacheDir());
        }
        assertEquals(System.getenv(DataFiles.MIRROR_VARIABLE) == null, env.mirrorDir().isEmpty());

        assertThrows(IllegalArgumentException.class, () -> DataFiles.of(null, null));
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> new DataFile("../x.tgz", UNREACHABLE, -1, RIDERSHIP_SHA256));
        assertTrue(name.getMessage().contains("../x.tgz"));
        IllegalArgumentException sha = assertThrows(IllegalArgumentException.class,
                () -> new DataFile("x.tgz", UNREACHABLE, -1, "ABC"));
        assertTrue(sha.getMessage().contains("sha256"));
        assertNotEquals(DataFile.RIDERSHIP.sha256(), DataFile.JSB_CHORALES.sha256());
    }
}
