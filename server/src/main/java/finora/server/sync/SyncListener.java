package finora.server.sync;

import java.util.UUID;

/**
 * Told after each sync run has ended and its outcome is stored, on the thread that ran it. The seam
 * through which budgets, anomalies and connection alerts follow syncs without the sync knowing them.
 * A listener must not throw (a throw is logged and ignored) and should return quickly.
 */
@FunctionalInterface
public interface SyncListener {

    /** Called once per run that started (not for a run skipped because its lease was gone). */
    void syncEnded(SyncEnded event);

    /**
     * A finished run.
     *
     * @param tenantId whose costs may have changed
     * @param connectionId the connection that was synced
     * @param succeeded true when every day of the window was stored
     */
    record SyncEnded(UUID tenantId, UUID connectionId, boolean succeeded) {}
}
