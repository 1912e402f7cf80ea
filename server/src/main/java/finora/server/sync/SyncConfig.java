package finora.server.sync;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How this replica schedules and runs syncs.
 *
 * @param replicaId who holds a lease: written to {@code connection.lease_owner} and {@code sync_run.replica_id}
 * @param pollInterval fixed delay between two looks for due connections
 * @param workers syncs this replica runs at once
 * @param leaseDuration how long a claim holds a connection; extended with every page and day, so
 *     it only runs out when the replica stops making progress (crashed, hung, cut off)
 * @param stopTimeout how long a graceful stop waits for running syncs to finish their current day
 */
public record SyncConfig(String replicaId, Duration pollInterval, int workers, Duration leaseDuration,
        Duration stopTimeout) {

    /** Checks the values. */
    public SyncConfig {
        if (replicaId == null || replicaId.isBlank() || replicaId.length() > 200) {
            throw new IllegalArgumentException("replicaId must be 1 to 200 characters");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1");
        }
        if (pollInterval.isNegative() || pollInterval.isZero() || leaseDuration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("pollInterval must be positive and leaseDuration at least 1 s");
        }
    }

    /** Production settings: poll every 5 s, 4 workers, 5 min leases, 30 s to stop. */
    public static SyncConfig defaults() {
        return new SyncConfig(defaultReplicaId(), Duration.ofSeconds(5), 4, Duration.ofMinutes(5),
                Duration.ofSeconds(30));
    }

    /** The same settings under another replica id. */
    public SyncConfig withReplicaId(String id) {
        return new SyncConfig(id, pollInterval, workers, leaseDuration, stopTimeout);
    }

    /** Host name plus a random suffix, so two processes on one host never share an id. */
    static String defaultReplicaId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "replica";
        }
        if (host.length() > 150) {
            host = host.substring(0, 150);
        }
        byte[] suffix = new byte[3];
        ThreadLocalRandom.current().nextBytes(suffix);
        return host + "-" + HexFormat.of().formatHex(suffix);
    }
}
