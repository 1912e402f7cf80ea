package finora.admin.spend;

import finora.admin.grpc.CallDeadlines;
import finora.admin.grpc.ProtoValues;
import finora.admin.grpc.ServiceStub;
import finora.admin.settings.AiProvider;
import finora.api.v1.AnomalyDimension;
import finora.api.v1.BudgetServiceGrpc;
import finora.api.v1.ListAnomaliesRequest;
import finora.api.v1.Provider;
import finora.api.v1.Scope;
import io.grpc.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The spend anomalies of a range, as the server's BudgetService lists them for the Spend page. Every
 * call carries the user's bearer token and a deadline; failures arrive as
 * {@link finora.admin.grpc.FinoraCallException} with the server's reason and words.
 */
@Component
public final class AnomalyClient {

    private final ServiceStub<BudgetServiceGrpc.BudgetServiceBlockingStub> stub;
    private final Duration deadline;

    /** The client Spring wires: on the shared channel, with the configured deadline. */
    @Autowired
    AnomalyClient(Channel finoraChannel, CallDeadlines deadlines) {
        this(finoraChannel, deadlines.call());
    }

    /**
     * @param channel the channel to the server; the caller owns and closes it
     * @param deadline how long a call may take
     */
    public AnomalyClient(Channel channel, Duration deadline) {
        this.stub = new ServiceStub<>(channel, BudgetServiceGrpc::newBlockingStub);
        this.deadline = Objects.requireNonNull(deadline);
    }

    /** The anomalies of the range's days, newest day first, the whole-tenant scope first within a day. */
    public List<Anomaly> anomalies(String token, DateRange range) {
        ListAnomaliesRequest request = ListAnomaliesRequest.newBuilder()
                .setStartDate(ProtoValues.date(range.start()))
                .setEndDate(ProtoValues.date(range.end()))
                .build();
        return stub.call(token, deadline, s -> s.listAnomalies(request)).getAnomaliesList().stream()
                .map(AnomalyClient::toAnomaly)
                .toList();
    }

    /** A scope as the server sends it, for the anomalies here and for budgets. */
    public static SpendScope scopeOf(Scope s) {
        ScopeKind kind = switch (s.getKind()) {
            case SCOPE_KIND_PROVIDER -> ScopeKind.PROVIDER;
            case SCOPE_KIND_WORKSPACE -> ScopeKind.WORKSPACE;
            case SCOPE_KIND_MODEL_FAMILY -> ScopeKind.MODEL_FAMILY;
            default -> ScopeKind.TENANT;
        };
        AiProvider provider = s.getProvider() == Provider.PROVIDER_ANTHROPIC
                ? AiProvider.ANTHROPIC
                : s.getProvider() == Provider.PROVIDER_OPENAI ? AiProvider.OPENAI : null;
        return new SpendScope(kind, provider, s.getValue(), s.getDisplayName());
    }

    private static Anomaly toAnomaly(finora.api.v1.Anomaly a) {
        return new Anomaly(
                a.getAnomalyId(),
                ProtoValues.date(a.getDay()),
                scopeOf(a.getScope()),
                ProtoValues.usd(a.getExpected()),
                ProtoValues.usd(a.getUpperBound()),
                ProtoValues.usd(a.getActual()),
                a.getBaselineDays(),
                a.getDriversList().stream()
                        .flatMap(d -> dimension(d.getDimension())
                                .map(dim -> new Anomaly.Driver(
                                        dim,
                                        d.getValue(),
                                        d.getDisplayName(),
                                        ProtoValues.usd(d.getExpected()),
                                        ProtoValues.usd(d.getActual()),
                                        ProtoValues.usd(d.getIncrease())))
                                .stream())
                        .toList(),
                a.getRestated(),
                a.hasDetectTime() ? ProtoValues.instant(a.getDetectTime()) : null);
    }

    private static Optional<Anomaly.Dimension> dimension(AnomalyDimension d) {
        return switch (d) {
            case ANOMALY_DIMENSION_WORKSPACE -> Optional.of(Anomaly.Dimension.WORKSPACE);
            case ANOMALY_DIMENSION_MODEL -> Optional.of(Anomaly.Dimension.MODEL);
            case ANOMALY_DIMENSION_TOKEN_TYPE -> Optional.of(Anomaly.Dimension.TOKEN_TYPE);
            default -> Optional.empty();
        };
    }
}
