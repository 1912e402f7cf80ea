package finora.server.audit;

import static finora.db.jooq.Tables.AUDIT_EVENT;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jooq.DSLContext;

/**
 * Writes audit events: who connected, rotated or removed a credential, who created or revoked a
 * token. Never the secret itself.
 */
public final class AuditLog {
    private final Clock clock;

    /** Creates the log; times come from {@code clock}. */
    public AuditLog(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records an event inside the caller's transaction.
     *
     * @param tx the transaction's context, so the event commits or rolls back with the change
     * @param actor who did it (user email, token name or "cli")
     * @param action what was done, e.g. {@code credential.connect}
     * @param target what it was done to, e.g. a connection id
     * @param detail extra words for people; never a secret
     */
    public void record(DSLContext tx, UUID tenantId, String actor, String action, String target, String detail) {
        tx.insertInto(AUDIT_EVENT)
                .set(AUDIT_EVENT.TENANT_ID, tenantId)
                .set(AUDIT_EVENT.ACTOR, actor)
                .set(AUDIT_EVENT.ACTION, action)
                .set(AUDIT_EVENT.TARGET, target)
                .set(AUDIT_EVENT.DETAIL, detail)
                .set(AUDIT_EVENT.OCCURRED_AT, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                .execute();
    }
}
