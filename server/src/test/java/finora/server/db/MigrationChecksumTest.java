package finora.server.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * An applied migration never changes: every migration on the classpath (what the server applies) must
 * hash to its line in {@code db/migration-checksums.txt}, and every new one must be added there.
 */
class MigrationChecksumTest {
    private static final String MANIFEST = "db/migration-checksums.txt";

    @Test
    void everyMigrationMatchesItsRecordedChecksum_andNoneIsUnrecorded() throws Exception {
        Map<String, String> recorded = recorded();
        Map<String, String> actual = migrations();
        assertThat(recorded).as("recorded migrations").isNotEmpty();

        for (var e : recorded.entrySet()) {
            assertThat(actual)
                    .as(e.getKey() + " was recorded as applied but is gone; never delete a migration")
                    .containsKey(e.getKey());
            assertThat(actual.get(e.getKey()))
                    .as(e.getKey() + " changed after it was applied: revert it and put the change in a new migration")
                    .isEqualTo(e.getValue());
        }
        for (var e : actual.entrySet()) {
            assertThat(recorded)
                    .as("new migration " + e.getKey() + ": add the line \"" + e.getValue() + "  " + e.getKey()
                            + "\" to db/src/main/resources/" + MANIFEST)
                    .containsKey(e.getKey());
        }
    }

    private static Map<String, String> recorded() throws IOException {
        Map<String, String> sums = new TreeMap<>();
        try (InputStream in = MigrationChecksumTest.class.getClassLoader().getResourceAsStream(MANIFEST)) {
            assertThat(in).as(MANIFEST + " on the classpath").isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] parts = l.split("\\s+", 2);
                assertThat(sums.put(parts[1], parts[0]))
                        .as("listed twice: " + parts[1])
                        .isNull();
            }
        }
        return sums;
    }

    /** File name → SHA-256 of the migrations the server applies, from a directory or from the db jar. */
    private static Map<String, String> migrations() throws IOException, URISyntaxException {
        URI uri = MigrationChecksumTest.class
                .getClassLoader()
                .getResource("db/migration")
                .toURI();
        Map<String, String> sums = new TreeMap<>();
        if ("jar".equals(uri.getScheme())) {
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                hashAll(jar.getPath("db/migration"), sums);
            }
        } else {
            hashAll(Path.of(uri), sums);
        }
        return sums;
    }

    private static void hashAll(Path dir, Map<String, String> sums) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".sql"))
                    .toList()) {
                sums.put(f.getFileName().toString(), sha256(Files.readAllBytes(f)));
            }
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
