package io.github.seqbook.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tests read the book's data files (ridership.tgz, jsb_chorales.tgz), as a mirror folder for
 * {@link DataFiles}: {@code $SEQBOOK_DATA_MIRROR} when set; else {@code ../shared/data} (beside the clone on the
 * project's own machines and CI, where no download URL is reachable); else, on a user's machine, the user's own cache
 * ({@code $SEQBOOK_CACHE} or {@code ~/.cache/seqbook}) after a real download of both files with their checksums.
 */
public final class TestData {
    private TestData() {
    }

    /** The mirror folder the tests use; see the class comment. */
    public static Path mirror() {
        String env = System.getenv(DataFiles.MIRROR_VARIABLE);
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        Path shared = Path.of("..", "shared", "data").toAbsolutePath().normalize();
        if (Files.isDirectory(shared)) {
            return shared;
        }
        DataFiles user = DataFiles.fromEnvironment();
        for (DataFile file : new DataFile[] {DataFile.RIDERSHIP, DataFile.JSB_CHORALES}) {
            user.fetch(file);
        }
        return user.cacheDir();
    }
}
