package finora.server.budget;

import finora.server.notify.Notifier;
import finora.server.sync.SyncListener;
import java.time.Clock;
import org.jooq.DSLContext;

/**
 * Budgets and anomalies of one application: the services the gRPC adapter uses, and the sync
 * listener that evaluates both after every sync of a tenant (also after a failed one: the days it
 * stored before failing count).
 */
public final class SpendWatch implements SyncListener {
    private final Budgets budgets;
    private final Anomalies anomalies;

    /** Wires budgets and anomalies over one cost reader (closed days and today's estimate). */
    public SpendWatch(DSLContext dsl, Notifier notifier, Clock clock) {
        SpendRepository spend = new SpendRepository();
        this.budgets = new Budgets(dsl, spend, notifier, clock);
        this.anomalies = new Anomalies(dsl, spend, notifier, clock);
    }

    @Override
    public void syncEnded(SyncEnded event) {
        budgets.evaluate(event.tenantId());
        anomalies.evaluate(event.tenantId(), budgets.watchedScopes(event.tenantId()));
    }

    /** The gRPC adapter of these budgets and anomalies. */
    public BudgetGrpcService grpcService() {
        return new BudgetGrpcService(budgets, anomalies);
    }
}
