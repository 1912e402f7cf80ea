package finora.admin.settings;

import finora.admin.grpc.CallDeadlines;
import finora.admin.grpc.ProtoValues;
import finora.admin.grpc.ServiceStub;
import finora.api.v1.ConnectProviderRequest;
import finora.api.v1.Connection;
import finora.api.v1.ConnectionStatus;
import finora.api.v1.DeleteConnectionRequest;
import finora.api.v1.IntegrationServiceGrpc;
import finora.api.v1.ListConnectionsRequest;
import finora.api.v1.ListProvidersRequest;
import finora.api.v1.ListSyncRunsRequest;
import finora.api.v1.Provider;
import finora.api.v1.ProviderInfo;
import finora.api.v1.RefreshConnectionRequest;
import finora.api.v1.UpdateCredentialRequest;
import io.grpc.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The server's IntegrationService: the provider catalog and the tenant's connections (connect,
 * rotate, remove, refresh). Every call carries the user's bearer token and a deadline; failures
 * arrive as {@link FinoraCallException} with the server's reason and words.
 */
@Component
public final class IntegrationClient {

    private final ServiceStub<IntegrationServiceGrpc.IntegrationServiceBlockingStub> stub;
    private final Duration deadline;
    private final Duration keyCheckDeadline;

    /** The client Spring wires: on the shared channel, with the configured deadlines. */
    @Autowired
    IntegrationClient(Channel finoraChannel, CallDeadlines deadlines) {
        this(finoraChannel, deadlines.call(), deadlines.keyCheck());
    }

    /**
     * @param channel the channel to the server; the caller owns and closes it
     * @param deadline how long a plain call may take
     * @param keyCheckDeadline how long connecting or rotating may take: the server asks the provider
     *     first, with retries, so it needs longer than a plain call
     */
    public IntegrationClient(Channel channel, Duration deadline, Duration keyCheckDeadline) {
        this.stub = new ServiceStub<>(channel, IntegrationServiceGrpc::newBlockingStub);
        this.deadline = Objects.requireNonNull(deadline);
        this.keyCheckDeadline = Objects.requireNonNull(keyCheckDeadline);
    }

    /** The providers the server can connect to, in display order; ones this UI does not know are left out. */
    public List<ProviderOption> providers(String token) {
        return stub
                .call(token, deadline, s -> s.listProviders(ListProvidersRequest.getDefaultInstance()))
                .getProvidersList()
                .stream()
                .flatMap(p -> toProvider(p.getProvider()).map(kind -> option(kind, p)).stream())
                .toList();
    }

    /**
     * Checks the key with the provider and stores it; the first sync is due now.
     *
     * @throws FinoraCallException with the server's reason, e.g. NOT_AN_ADMIN_KEY or ALREADY_CONNECTED
     */
    public ProviderConnection connect(String token, AiProvider provider, String adminApiKey) {
        ConnectProviderRequest request = ConnectProviderRequest.newBuilder()
                .setProvider(toProto(provider))
                .setAdminApiKey(adminApiKey)
                .build();
        return toConnection(stub.call(token, keyCheckDeadline, s -> s.connectProvider(request))
                .getConnection());
    }

    /**
     * Rotates a connection's key; the old key keeps working until the new one is saved.
     *
     * @throws FinoraCallException e.g. ORGANIZATION_MISMATCH when the key is another organization's
     */
    public ProviderConnection updateCredential(String token, String connectionId, String adminApiKey) {
        UpdateCredentialRequest request = UpdateCredentialRequest.newBuilder()
                .setConnectionId(connectionId)
                .setAdminApiKey(adminApiKey)
                .build();
        return toConnection(stub.call(token, keyCheckDeadline, s -> s.updateCredential(request))
                .getConnection());
    }

    /** Removes a connection: its stored credential is deleted, its cost history stays. */
    public void delete(String token, String connectionId) {
        stub.call(
                token,
                deadline,
                s -> s.deleteConnection(DeleteConnectionRequest.newBuilder()
                        .setConnectionId(connectionId)
                        .build()));
    }

    /** The tenant's connections that are not removed, oldest first. */
    public List<ProviderConnection> connections(String token) {
        return stub
                .call(token, deadline, s -> s.listConnections(ListConnectionsRequest.getDefaultInstance()))
                .getConnectionsList()
                .stream()
                .map(IntegrationClient::toConnection)
                .toList();
    }

    /**
     * Makes a sync due now.
     *
     * @throws FinoraCallException with reason SYNC_IN_PROGRESS while one runs or right after the last request
     */
    public ProviderConnection refresh(String token, String connectionId) {
        return toConnection(stub.call(
                        token,
                        deadline,
                        s -> s.refreshConnection(RefreshConnectionRequest.newBuilder()
                                .setConnectionId(connectionId)
                                .build()))
                .getConnection());
    }

    /**
     * The connection's most recent syncs, newest first.
     *
     * @param limit how many, 1 to 100
     */
    public List<SyncRun> syncRuns(String token, String connectionId, int limit) {
        ListSyncRunsRequest request = ListSyncRunsRequest.newBuilder()
                .setConnectionId(connectionId)
                .setPageSize(limit)
                .build();
        return stub.call(token, deadline, s -> s.listSyncRuns(request)).getSyncRunsList().stream()
                .map(IntegrationClient::toRun)
                .toList();
    }

    private static ProviderOption option(AiProvider kind, ProviderInfo info) {
        return new ProviderOption(
                kind, info.getDisplayName(), info.getKeyPrefix(), info.getKeyHelp(), info.getCoverage());
    }

    private static Optional<AiProvider> toProvider(Provider provider) {
        return switch (provider) {
            case PROVIDER_ANTHROPIC -> Optional.of(AiProvider.ANTHROPIC);
            case PROVIDER_OPENAI -> Optional.of(AiProvider.OPENAI);
            default -> Optional.empty();
        };
    }

    private static Provider toProto(AiProvider provider) {
        return switch (provider) {
            case ANTHROPIC -> Provider.PROVIDER_ANTHROPIC;
            case OPENAI -> Provider.PROVIDER_OPENAI;
        };
    }

    static ProviderConnection toConnection(Connection c) {
        return new ProviderConnection(
                c.getConnectionId(),
                toProvider(c.getProvider()).orElse(AiProvider.ANTHROPIC),
                c.getOrganizationId(),
                c.getOrganizationName(),
                c.getKeyHint(),
                c.getStatus() == ConnectionStatus.CONNECTION_STATUS_NEEDS_ATTENTION
                        ? ConnectionState.NEEDS_ATTENTION
                        : ConnectionState.ACTIVE,
                c.getStatusReason(),
                c.getStatusDetail(),
                c.hasLastSyncTime() ? ProtoValues.instant(c.getLastSyncTime()) : null,
                switch (c.getLastSyncOutcome()) {
                    case SYNC_OUTCOME_SUCCEEDED -> SyncResult.SUCCEEDED;
                    case SYNC_OUTCOME_FAILED -> SyncResult.FAILED;
                    default -> SyncResult.NONE;
                },
                c.hasNextSyncTime() ? ProtoValues.instant(c.getNextSyncTime()) : null,
                c.hasProgress()
                        ? new SyncProgress(
                                c.getProgress().getDaysDone(), c.getProgress().getDaysTotal())
                        : null,
                c.hasCompleteThrough() ? ProtoValues.date(c.getCompleteThrough()) : null,
                c.getLastSyncErrorReason(),
                c.getLastSyncErrorDetail(),
                switch (c.getDataLevel()) {
                    case DATA_LEVEL_WORKSPACE -> DataLevel.WORKSPACE;
                    case DATA_LEVEL_API_KEY_AND_USER -> DataLevel.API_KEY_AND_USER;
                    default -> DataLevel.NOT_CHECKED;
                },
                c.getDataLevelDetail(),
                c.hasDataLevelCheckTime() ? ProtoValues.instant(c.getDataLevelCheckTime()) : null);
    }

    private static SyncRun toRun(finora.api.v1.SyncRun r) {
        return new SyncRun(
                r.getSyncRunId(),
                r.hasWindowStart() ? ProtoValues.date(r.getWindowStart()) : null,
                r.hasWindowEnd() ? ProtoValues.date(r.getWindowEnd()) : null,
                r.hasStartTime() ? ProtoValues.instant(r.getStartTime()) : null,
                r.hasEndTime() ? ProtoValues.instant(r.getEndTime()) : null,
                switch (r.getOutcome()) {
                    case SYNC_OUTCOME_SUCCEEDED -> SyncRunOutcome.SUCCEEDED;
                    case SYNC_OUTCOME_FAILED -> SyncRunOutcome.FAILED;
                    default -> SyncRunOutcome.RUNNING;
                },
                r.getRows(),
                switch (r.getReconciliation()) {
                    case RECONCILIATION_DAILY -> Reconciliation.DAILY;
                    case RECONCILIATION_MONTHLY -> Reconciliation.MONTHLY;
                    default -> Reconciliation.NONE;
                },
                r.getErrorReason(),
                r.getErrorDetail(),
                r.getProviderRequestId(),
                r.getProviderErrorMessage());
    }
}
