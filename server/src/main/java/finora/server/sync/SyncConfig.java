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
 * @param heartbeatInterval how often the replica renews its {@code sync_replica} row
 * @param heartbeatExpiry how long a renewal keeps the replica alive: when it runs out (the replica
 *     crashed, hung or lost the database), the leases it holds are free for other replicas, so its
 *     work is taken over within about {@code heartbeatExpiry + pollInterval}
 */
public record SyncConfig(
        String replicaId,
        Duration pollInterval,
        int workers,
        Duration leaseDuration,
        Duration stopTimeout,
        Duration heartbeatInterval,
        Duration heartbeatExpiry) {

    /** Default heartbeat: renewed every 3 s, alive for 15 s after the last renewal. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(3);
    /** See {@link #DEFAULT_HEARTBEAT_INTERVAL}. */
    public static final Duration DEFAULT_HEARTBEAT_EXPIRY = Duration.ofSeconds(15);

    /** The settings with the default heartbeat. */
    public SyncConfig(
            String replicaId, Duration pollInterval, int workers, Duration leaseDuration, Duration stopTimeout) {
        this(
                replicaId,
                pollInterval,
                workers,
                leaseDuration,
                stopTimeout,
                DEFAULT_HEARTBEAT_INTERVAL,
                DEFAULT_HEARTBEAT_EXPIRY);
    }

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
        if (heartbeatInterval.toMillis() < 10 || heartbeatExpiry.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("heartbeatInterval must be at least 10 ms and heartbeatExpiry at "
                    + "least twice heartbeatInterval, so one late renewal does not end the replica's leases");
        }
    }

    /**
     * Production settings: poll every 5 s, 4 workers, 5 min leases (the backstop for a replica that is
     * alive but whose sync hangs), 30 s to stop, a heartbeat every 3 s that expires after 15 s.
     */
    public static SyncConfig defaults() {
        return new SyncConfig(
                defaultReplicaId(), Duration.ofSeconds(5), 4, Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    /** The same settings under another replica id. */
    public SyncConfig withReplicaId(String id) {
        return new SyncConfig(
                id, pollInterval, workers, leaseDuration, stopTimeout, heartbeatInterval, heartbeatExpiry);
    }

    /** The same settings with another heartbeat. */
    public SyncConfig withHeartbeat(Duration interval, Duration expiry) {
        return new SyncConfig(replicaId, pollInterval, workers, leaseDuration, stopTimeout, interval, expiry);
    }

    /** Host name plus a random suffix, so two processes on one host never share an id. */
    public static String defaultReplicaId() {
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
