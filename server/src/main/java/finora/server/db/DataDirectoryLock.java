package finora.server.db;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The exclusive claim of one process on a data directory: an OS file lock on
 * {@code <dataDir>/finora.lock}, held for the life of the process that runs the embedded database
 * and released by the kernel when that process dies, however it dies (so a kill -9 never leaves a
 * stale claim). The file holds the holder's pid, for the message another process prints.
 */
final class DataDirectoryLock implements AutoCloseable {
    static final String FILE_NAME = "finora.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code dataDir}, or returns empty when another process (or this one) holds it. */
    static Optional<DataDirectoryLock> tryAcquire(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            if (!Files.exists(file)) {
                try {
                    Files.createFile(
                            file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another process created it first: fine, the lock decides
                }
            }
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this JVM already
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            channel.truncate(0);
            channel.write(
                    ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return Optional.of(new DataDirectoryLock(channel, lock));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException("Could not open the lock file " + file, e);
        }
    }

    /** The pid written by the process holding the lock of {@code dataDir}, if it can be read. */
    static Optional<Long> holderPid(Path dataDir) {
        try {
            String text = Files.readString(dataDir.resolve(FILE_NAME), StandardCharsets.US_ASCII)
                    .trim();
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it as well
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
    }
}
