package finora.server.integration;

import static finora.server.grpc.ProtoValues.date;
import static finora.server.grpc.ProtoValues.respond;
import static finora.server.grpc.ProtoValues.timestamp;

import finora.api.v1.ConnectProviderRequest;
import finora.api.v1.ConnectProviderResponse;
import finora.api.v1.Connection;
import finora.api.v1.ConnectionStatus;
import finora.api.v1.DeleteConnectionRequest;
import finora.api.v1.DeleteConnectionResponse;
import finora.api.v1.GetConnectionRequest;
import finora.api.v1.GetConnectionResponse;
import finora.api.v1.IntegrationServiceGrpc;
import finora.api.v1.ListConnectionsRequest;
import finora.api.v1.ListConnectionsResponse;
import finora.api.v1.ListProvidersRequest;
import finora.api.v1.ListProvidersResponse;
import finora.api.v1.ListSyncRunsRequest;
import finora.api.v1.ListSyncRunsResponse;
import finora.api.v1.ProviderInfo;
import finora.api.v1.Reconciliation;
import finora.api.v1.RefreshConnectionRequest;
import finora.api.v1.RefreshConnectionResponse;
import finora.api.v1.SyncOutcome;
import finora.api.v1.SyncProgress;
import finora.api.v1.SyncRun;
import finora.api.v1.UpdateCredentialRequest;
import finora.api.v1.UpdateCredentialResponse;
import finora.server.auth.Principal;
import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import finora.server.integration.ConnectionRepository.ConnectionDetail;
import finora.server.integration.ConnectionRepository.ConnectionRow;
import io.grpc.stub.StreamObserver;
import java.time.Duration;

/** {@code finora.v1.IntegrationService}: translates between protos and {@link Connections}. */
public final class IntegrationGrpcService extends IntegrationServiceGrpc.IntegrationServiceImplBase {
    private final Connections connections;

    /** Creates the adapter. */
    public IntegrationGrpcService(Connections connections) {
        this.connections = connections;
    }

    @Override
    public void listProviders(ListProvidersRequest request, StreamObserver<ListProvidersResponse> response) {
        var b = ListProvidersResponse.newBuilder();
        for (var p : connections.providers()) {
            var guide = p.keyGuide();
            b.addProviders(ProviderInfo.newBuilder()
                    .setProvider(finora.server.grpc.ProtoValues.provider(p.provider()))
                    .setDisplayName(p.displayName())
                    .setKeyPrefix(guide.prefix())
                    .setKeyHelp(guide.help())
                    .setCoverage(guide.coverage()));
        }
        respond(response, b.build());
    }

    @Override
    public void connectProvider(ConnectProviderRequest request, StreamObserver<ConnectProviderResponse> response) {
        String provider = finora.server.grpc.ProtoValues.providerName(request.getProvider());
        if (provider == null) {
            throw new FinoraException(
                    ErrorReason.INVALID_ARGUMENT, "Choose a provider: PROVIDER_ANTHROPIC or PROVIDER_OPENAI");
        }
        ConnectionDetail row = connections.connect(
                Principal.current(), provider, request.getAdminApiKey(), KeyCheckLimit.ofCurrentCall());
        respond(
                response,
                ConnectProviderResponse.newBuilder().setConnection(toProto(row)).build());
    }

    @Override
    public void updateCredential(UpdateCredentialRequest request, StreamObserver<UpdateCredentialResponse> response) {
        ConnectionDetail row = connections.updateCredential(
                Principal.current(),
                Connections.parseId(request.getConnectionId()),
                request.getAdminApiKey(),
                KeyCheckLimit.ofCurrentCall());
        respond(
                response,
                UpdateCredentialResponse.newBuilder()
                        .setConnection(toProto(row))
                        .build());
    }

    @Override
    public void deleteConnection(DeleteConnectionRequest request, StreamObserver<DeleteConnectionResponse> response) {
        connections.delete(Principal.current(), Connections.parseId(request.getConnectionId()));
        respond(response, DeleteConnectionResponse.getDefaultInstance());
    }

    @Override
    public void listConnections(ListConnectionsRequest request, StreamObserver<ListConnectionsResponse> response) {
        var builder = ListConnectionsResponse.newBuilder();
        for (ConnectionDetail row : connections.list(Principal.current())) {
            builder.addConnections(toProto(row));
        }
        respond(response, builder.build());
    }

    @Override
    public void getConnection(GetConnectionRequest request, StreamObserver<GetConnectionResponse> response) {
        ConnectionDetail row = connections.get(Principal.current(), Connections.parseId(request.getConnectionId()));
        respond(
                response,
                GetConnectionResponse.newBuilder().setConnection(toProto(row)).build());
    }

    @Override
    public void refreshConnection(
            RefreshConnectionRequest request, StreamObserver<RefreshConnectionResponse> response) {
        ConnectionDetail row = connections.refresh(Principal.current(), Connections.parseId(request.getConnectionId()));
        respond(
                response,
                RefreshConnectionResponse.newBuilder()
                        .setConnection(toProto(row))
                        .build());
    }

    @Override
    public void listSyncRuns(ListSyncRunsRequest request, StreamObserver<ListSyncRunsResponse> response) {
        Connections.SyncRunPage page = connections.syncRuns(
                Principal.current(),
                Connections.parseId(request.getConnectionId()),
                request.getPageToken(),
                request.getPageSize());
        var builder = ListSyncRunsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        page.runs().forEach(run -> builder.addSyncRuns(toProto(run)));
        respond(response, builder.build());
    }

    private static Connection toProto(ConnectionDetail detail) {
        ConnectionRow row = detail.row();
        var b = Connection.newBuilder()
                .setConnectionId(row.id().toString())
                .setProvider(finora.server.grpc.ProtoValues.provider(row.provider()))
                .setOrganizationId(row.organizationId())
                .setOrganizationName(row.organizationName())
                .setStatus(ConnectionStatus.valueOf("CONNECTION_STATUS_" + row.status()))
                .setCreateTime(timestamp(row.createdAt()));
        if (row.keyHint() != null) {
            b.setKeyHint(row.keyHint());
        }
        if (row.statusReason() != null) {
            b.setStatusReason(row.statusReason());
        }
        if (row.statusDetail() != null) {
            b.setStatusDetail(row.statusDetail());
        }
        if (row.credentialUpdatedAt() != null) {
            b.setCredentialUpdateTime(timestamp(row.credentialUpdatedAt()));
        }
        if (row.lastSyncEndedAt() != null) {
            b.setLastSyncTime(timestamp(row.lastSyncEndedAt()));
        }
        if (row.lastSyncOutcome() != null) {
            b.setLastSyncOutcome(SyncOutcome.valueOf("SYNC_OUTCOME_" + row.lastSyncOutcome()));
        }
        if (row.nextSyncAt() != null && row.status() == finora.db.types.ConnectionStatus.ACTIVE) {
            b.setNextSyncTime(timestamp(row.nextSyncAt()));
        }
        var analytics = detail.analytics();
        switch (analytics.status()) {
            case "AVAILABLE" -> b.setDataLevel(finora.api.v1.DataLevel.DATA_LEVEL_API_KEY_AND_USER);
            case "REFUSED" ->
                b.setDataLevel(finora.api.v1.DataLevel.DATA_LEVEL_WORKSPACE)
                        .setDataLevelDetail(analytics.detail() == null ? "" : analytics.detail());
            default -> {}
        }
        if (analytics.checkedAt() != null) {
            b.setDataLevelCheckTime(timestamp(analytics.checkedAt()));
        }
        detail.progress()
                .ifPresent(p -> b.setProgress(
                        SyncProgress.newBuilder().setDaysDone(p.daysDone()).setDaysTotal(p.daysTotal())));
        detail.completeThrough().ifPresent(d -> b.setCompleteThrough(date(d)));
        detail.lastFailure().ifPresent(f -> {
            if (f.reason() != null) {
                b.setLastSyncErrorReason(f.reason());
            }
            if (f.detail() != null) {
                b.setLastSyncErrorDetail(f.detail());
            }
        });
        return b.build();
    }

    private static SyncRun toProto(ConnectionRepository.SyncRunRow run) {
        var b = SyncRun.newBuilder()
                .setSyncRunId(run.id().toString())
                .setWindowStart(date(run.windowStart()))
                .setWindowEnd(date(run.windowEnd()))
                .setStartTime(timestamp(run.startedAt()))
                .setPages(run.pages())
                .setRows(run.rows())
                .setOutcome(SyncOutcome.valueOf("SYNC_OUTCOME_" + run.outcome()))
                .setProgress(
                        SyncProgress.newBuilder().setDaysDone(run.daysDone()).setDaysTotal(run.daysTotal()));
        if (run.endedAt() != null) {
            b.setEndTime(timestamp(run.endedAt()));
            Duration d = Duration.between(run.startedAt(), run.endedAt());
            b.setDuration(com.google.protobuf.Duration.newBuilder()
                    .setSeconds(d.getSeconds())
                    .setNanos(d.getNano()));
        }
        if (run.errorReason() != null) {
            b.setErrorReason(run.errorReason());
            var error = com.google.rpc.ErrorInfo.newBuilder()
                    .setReason(run.errorReason())
                    .setDomain(finora.server.grpc.ErrorReason.DOMAIN);
            if (run.providerRequestId() != null) {
                error.putMetadata("provider_request_id", run.providerRequestId());
            }
            b.setError(error);
        }
        if (run.errorDetail() != null) {
            b.setErrorDetail(run.errorDetail());
        }
        if (run.providerRequestId() != null) {
            b.setProviderRequestId(run.providerRequestId());
        }
        if (run.providerMessage() != null) {
            b.setProviderErrorMessage(run.providerMessage());
        }
        b.setReconciliation(Reconciliation.valueOf("RECONCILIATION_" + run.reconciliation()));
        return b.build();
    }
}
