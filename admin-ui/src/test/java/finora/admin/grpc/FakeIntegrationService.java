package finora.admin.grpc;

import com.google.protobuf.Timestamp;
import com.google.rpc.Code;
import finora.api.v1.ConnectProviderRequest;
import finora.api.v1.ConnectProviderResponse;
import finora.api.v1.Connection;
import finora.api.v1.ConnectionStatus;
import finora.api.v1.DeleteConnectionRequest;
import finora.api.v1.DeleteConnectionResponse;
import finora.api.v1.IntegrationServiceGrpc;
import finora.api.v1.ListConnectionsRequest;
import finora.api.v1.ListConnectionsResponse;
import finora.api.v1.ListProvidersRequest;
import finora.api.v1.ListProvidersResponse;
import finora.api.v1.ListSyncRunsRequest;
import finora.api.v1.ListSyncRunsResponse;
import finora.api.v1.Provider;
import finora.api.v1.ProviderInfo;
import finora.api.v1.RefreshConnectionRequest;
import finora.api.v1.RefreshConnectionResponse;
import finora.api.v1.SyncOutcome;
import finora.api.v1.SyncProgress;
import finora.api.v1.SyncRun;
import finora.api.v1.UpdateCredentialRequest;
import finora.api.v1.UpdateCredentialResponse;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake IntegrationService with the real one's error reasons and words for a few known keys:
 * {@link #GOOD_KEY} and {@link #SECOND_GOOD_KEY} belong to {@link #ORG_NAME}, {@link #OTHER_ORG_KEY}
 * to another organization, a {@code sk-ant-api…} key is a regular key, and anything else is refused.
 */
public final class FakeIntegrationService extends IntegrationServiceGrpc.IntegrationServiceImplBase {

    public static final String PREFIX = "sk-ant-admin01-";
    /** OpenAI's Admin key prefix, as the real server's catalog gives it. */
    public static final String OPENAI_PREFIX = "sk-admin-";
    /** OpenAI's key help. */
    public static final String OPENAI_KEY_HELP = "Paste an Admin API key (sk-admin-…). The organization Owner "
            + "creates one at platform.openai.com/settings/organization/admin-keys.";

    public static final String GOOD_KEY = PREFIX + "fake-org-a-good-key-orgA";
    public static final String SECOND_GOOD_KEY = PREFIX + "fake-org-a-second-key-rotA";
    public static final String OTHER_ORG_KEY = PREFIX + "fake-org-b-key-orgB";
    public static final String REGULAR_KEY = "sk-ant-api03-fake-regular-key-api3";
    public static final String ORG_ID = "5f0c8a9e-0000-4000-8000-00000000000a";
    public static final String ORG_NAME = "Acme Robotics";
    public static final String KEY_HELP = "Paste an Admin API key (sk-ant-admin01-…). Organization admins create one "
            + "in the Claude Console under Settings → Admin keys.";
    public static final String REGULAR_KEY_MESSAGE = "This is a regular Anthropic API key (sk-ant-api…), which cannot "
            + "read costs. Finora needs an Admin API key: in the Claude Console open Settings → Admin keys.";
    public static final String REJECTED_MESSAGE =
            "Anthropic rejected this key (HTTP 401): it is revoked, expired or " + "not an Admin key.";
    /** The server's words on what a connection covers (IntegrationGrpcService). */
    public static final String COVERAGE = "Tracks Anthropic API platform spend (Claude Console organizations) only, "
            + "not Claude.ai plans (Pro, Max, Team, Enterprise seats). Priority Tier spend is not in Anthropic's cost "
            + "report, so totals can be below the invoice for Priority Tier customers. An Admin key is only used to read "
            + "organization, workspace and cost data; Finora never uses it to call Claude.";

    public static final String FAILED_DETAIL =
            "Anthropic refused the request (HTTP 400); days stored before the " + "failure are kept";
    public static final String FAILED_REQUEST_ID = "req_011CXyz";
    public static final String FAILED_PROVIDER_MESSAGE = "Too many results for one page";
    public static final String IN_PROGRESS_MESSAGE =
            "A sync of this connection is running; its progress shows on " + "the connection";

    private final FakeFinoraServer server;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final List<String> refreshed = new CopyOnWriteArrayList<>();
    private final List<String> deleted = new CopyOnWriteArrayList<>();
    private final List<String> keysReceived = new CopyOnWriteArrayList<>();
    private final Map<String, List<SyncRun>> syncRuns = new ConcurrentHashMap<>();
    private volatile boolean syncRunning;

    FakeIntegrationService(FakeFinoraServer server) {
        this.server = server;
    }

    /** Adds a connection as if it had been connected earlier. */
    public Connection addConnection(String id, String organizationName, ConnectionStatus status, String detail) {
        Connection c = Connection.newBuilder()
                .setConnectionId(id)
                .setProvider(Provider.PROVIDER_ANTHROPIC)
                .setOrganizationId(ORG_ID + "-" + id)
                .setOrganizationName(organizationName)
                .setKeyHint(PREFIX + "…" + id.substring(Math.max(0, id.length() - 4)))
                .setStatus(status)
                .setStatusReason(status == ConnectionStatus.CONNECTION_STATUS_NEEDS_ATTENTION ? "KEY_REJECTED" : "")
                .setStatusDetail(detail)
                .setLastSyncTime(Timestamp.newBuilder().setSeconds(1_795_000_000L))
                .setLastSyncOutcome(SyncOutcome.SYNC_OUTCOME_SUCCEEDED)
                .build();
        connections.put(id, c);
        return c;
    }

    /**
     * Records the result of the analytics check on a connection, as the server does at connect and on
     * every sync: its data level, why (empty for API key and user) and when it was checked.
     */
    public void setDataLevel(String id, finora.api.v1.DataLevel level, String detail, Instant checked) {
        connections.computeIfPresent(
                id,
                (k, c) -> c.toBuilder()
                        .setDataLevel(level)
                        .setDataLevelDetail(detail)
                        .setDataLevelCheckTime(Timestamp.newBuilder().setSeconds(checked.getEpochSecond()))
                        .build());
    }

    /** Marks a connection as syncing with the given progress. */
    public void setProgress(String id, int daysDone, int daysTotal) {
        connections.computeIfPresent(
                id,
                (k, c) -> c.toBuilder()
                        .setProgress(
                                SyncProgress.newBuilder().setDaysDone(daysDone).setDaysTotal(daysTotal))
                        .build());
    }

    /**
     * Records a finished sync of a connection (newest first in ListSyncRuns); a failed one also
     * becomes the connection's last sync, with its reason and detail.
     */
    public void addSyncRun(String id, SyncRun run) {
        syncRuns.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(0, run);
        connections.computeIfPresent(
                id,
                (k, c) -> c.toBuilder()
                        .setLastSyncTime(run.getEndTime())
                        .setLastSyncOutcome(run.getOutcome())
                        .setLastSyncErrorReason(run.getErrorReason())
                        .setLastSyncErrorDetail(run.getErrorDetail())
                        .build());
    }

    /**
     * Adds an active connection with a history: a daily re-check that stored 1,234 line items
     * (started 2026-11-24 09:00 UTC), then a failed sync (started 2026-11-25 09:00 UTC) where Anthropic
     * refused a page with {@link #FAILED_REQUEST_ID} and {@link #FAILED_PROVIDER_MESSAGE}.
     */
    public void addConnectionWithFailedSync(String id, String organizationName) {
        addConnection(id, organizationName, ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");
        addSyncRun(
                id,
                succeededRun(
                        "r1",
                        Instant.parse("2026-11-24T09:00:00Z"),
                        1234,
                        finora.api.v1.Reconciliation.RECONCILIATION_DAILY));
        addSyncRun(
                id,
                failedRun(
                        "r2",
                        Instant.parse("2026-11-25T09:00:00Z"),
                        "PROVIDER_REFUSED",
                        FAILED_DETAIL,
                        FAILED_REQUEST_ID,
                        FAILED_PROVIDER_MESSAGE));
    }

    /** A succeeded run that started at {@code start} and took a minute. */
    public static SyncRun succeededRun(
            String id, Instant start, long rows, finora.api.v1.Reconciliation reconciliation) {
        return run(id, start)
                .setOutcome(SyncOutcome.SYNC_OUTCOME_SUCCEEDED)
                .setRows(rows)
                .setReconciliation(reconciliation)
                .build();
    }

    /** A failed run that started at {@code start}, with Anthropic's request id and message when given. */
    public static SyncRun failedRun(
            String id, Instant start, String reason, String detail, String requestId, String providerMessage) {
        return run(id, start)
                .setOutcome(SyncOutcome.SYNC_OUTCOME_FAILED)
                .setReconciliation(finora.api.v1.Reconciliation.RECONCILIATION_NONE)
                .setErrorReason(reason)
                .setErrorDetail(detail)
                .setProviderRequestId(requestId)
                .setProviderErrorMessage(providerMessage)
                .build();
    }

    private static SyncRun.Builder run(String id, Instant start) {
        LocalDate day = LocalDate.ofInstant(start, java.time.ZoneOffset.UTC);
        return SyncRun.newBuilder()
                .setSyncRunId(id)
                .setWindowStart(FakeCostService.date(day.minusDays(3)))
                .setWindowEnd(FakeCostService.date(day.minusDays(1)))
                .setStartTime(Timestamp.newBuilder().setSeconds(start.getEpochSecond()))
                .setEndTime(Timestamp.newBuilder().setSeconds(start.getEpochSecond() + 60));
    }

    /** From now on Refresh answers SYNC_IN_PROGRESS. */
    public void setSyncRunning(boolean running) {
        this.syncRunning = running;
    }

    public List<Connection> connections() {
        return List.copyOf(connections.values());
    }

    public List<String> refreshed() {
        return refreshed;
    }

    public List<String> deleted() {
        return deleted;
    }

    /** Every key the fake was sent, in order (tests only; the real server never logs keys). */
    public List<String> keysReceived() {
        return keysReceived;
    }

    @Override
    public void listProviders(ListProvidersRequest request, StreamObserver<ListProvidersResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        respond(
                response,
                ListProvidersResponse.newBuilder()
                        .addProviders(ProviderInfo.newBuilder()
                                .setProvider(Provider.PROVIDER_ANTHROPIC)
                                .setDisplayName("Anthropic")
                                .setKeyPrefix(PREFIX)
                                .setKeyHelp(KEY_HELP)
                                .setCoverage(COVERAGE))
                        .addProviders(
                                ProviderInfo.newBuilder()
                                        .setProvider(Provider.PROVIDER_OPENAI)
                                        .setDisplayName("OpenAI")
                                        .setKeyPrefix(OPENAI_PREFIX)
                                        .setKeyHelp(OPENAI_KEY_HELP)
                                        .setCoverage(
                                                "Tracks OpenAI API platform spend of one organization, by project and line item."))
                        .build());
    }

    @Override
    public void connectProvider(ConnectProviderRequest request, StreamObserver<ConnectProviderResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        keysReceived.add(request.getAdminApiKey());
        String key = request.getAdminApiKey().strip();
        if (!check(key, response)) {
            return;
        }
        String org = key.equals(OTHER_ORG_KEY) ? "Globex Research" : ORG_NAME;
        if (connections.values().stream().anyMatch(c -> c.getOrganizationName().equals(org))) {
            response.onError(FakeFinoraServer.error(
                    Code.ALREADY_EXISTS,
                    "ALREADY_CONNECTED",
                    "The Anthropic organization \"" + org
                            + "\" is already connected. To use a new key, choose Update on its row."));
            return;
        }
        String id = "c" + (connections.size() + 1) + "-" + key.substring(key.length() - 4);
        Connection c = Connection.newBuilder()
                .setConnectionId(id)
                .setProvider(
                        request.getProvider() == Provider.PROVIDER_OPENAI
                                ? Provider.PROVIDER_OPENAI
                                : Provider.PROVIDER_ANTHROPIC)
                .setOrganizationId(ORG_ID)
                .setOrganizationName(org)
                .setKeyHint((request.getProvider() == Provider.PROVIDER_OPENAI ? OPENAI_PREFIX : PREFIX) + "…"
                        + key.substring(key.length() - 4))
                .setStatus(ConnectionStatus.CONNECTION_STATUS_ACTIVE)
                .setNextSyncTime(Timestamp.newBuilder().setSeconds(1_795_000_000L))
                .build();
        connections.put(id, c);
        respond(response, ConnectProviderResponse.newBuilder().setConnection(c).build());
    }

    @Override
    public void updateCredential(UpdateCredentialRequest request, StreamObserver<UpdateCredentialResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        keysReceived.add(request.getAdminApiKey());
        Connection current = connections.get(request.getConnectionId());
        if (current == null) {
            response.onError(FakeFinoraServer.error(
                    Code.NOT_FOUND,
                    "CONNECTION_NOT_FOUND",
                    "No connection " + request.getConnectionId() + " in your organization"));
            return;
        }
        String key = request.getAdminApiKey().strip();
        if (!check(key, response)) {
            return;
        }
        if (key.equals(OTHER_ORG_KEY)) {
            response.onError(FakeFinoraServer.error(
                    Code.FAILED_PRECONDITION,
                    "ORGANIZATION_MISMATCH",
                    "This key belongs to the Anthropic organization \"Globex Research\", but this connection is for \""
                            + current.getOrganizationName() + "\"."));
            return;
        }
        Connection updated = current.toBuilder()
                .setKeyHint(PREFIX + "…" + key.substring(key.length() - 4))
                .setStatus(ConnectionStatus.CONNECTION_STATUS_ACTIVE)
                .setStatusReason("")
                .setStatusDetail("")
                .build();
        connections.put(updated.getConnectionId(), updated);
        respond(
                response,
                UpdateCredentialResponse.newBuilder().setConnection(updated).build());
    }

    @Override
    public void deleteConnection(DeleteConnectionRequest request, StreamObserver<DeleteConnectionResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        if (connections.remove(request.getConnectionId()) == null) {
            response.onError(FakeFinoraServer.error(
                    Code.NOT_FOUND,
                    "CONNECTION_NOT_FOUND",
                    "No connection " + request.getConnectionId() + " in your organization"));
            return;
        }
        deleted.add(request.getConnectionId());
        respond(response, DeleteConnectionResponse.getDefaultInstance());
    }

    @Override
    public void listConnections(ListConnectionsRequest request, StreamObserver<ListConnectionsResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        respond(
                response,
                ListConnectionsResponse.newBuilder()
                        .addAllConnections(connections.values().stream()
                                .sorted((a, b) -> a.getConnectionId().compareTo(b.getConnectionId()))
                                .toList())
                        .build());
    }

    @Override
    public void refreshConnection(
            RefreshConnectionRequest request, StreamObserver<RefreshConnectionResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        if (syncRunning) {
            response.onError(FakeFinoraServer.error(Code.ABORTED, "SYNC_IN_PROGRESS", IN_PROGRESS_MESSAGE));
            return;
        }
        Connection c = connections.get(request.getConnectionId());
        if (c == null) {
            response.onError(FakeFinoraServer.error(Code.NOT_FOUND, "CONNECTION_NOT_FOUND", "No connection"));
            return;
        }
        refreshed.add(request.getConnectionId());
        respond(
                response,
                RefreshConnectionResponse.newBuilder().setConnection(c).build());
    }

    @Override
    public void listSyncRuns(ListSyncRunsRequest request, StreamObserver<ListSyncRunsResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        if (!connections.containsKey(request.getConnectionId())) {
            response.onError(FakeFinoraServer.error(Code.NOT_FOUND, "CONNECTION_NOT_FOUND", "No connection"));
            return;
        }
        List<SyncRun> runs = new ArrayList<>(syncRuns.getOrDefault(request.getConnectionId(), List.of()));
        int size = request.getPageSize() == 0 ? 20 : request.getPageSize();
        respond(
                response,
                ListSyncRunsResponse.newBuilder()
                        .addAllSyncRuns(runs.subList(0, Math.min(size, runs.size())))
                        .build());
    }

    private static boolean check(String key, StreamObserver<?> response) {
        if (key.isEmpty()) {
            response.onError(FakeFinoraServer.error(
                    Code.INVALID_ARGUMENT,
                    "KEY_EMPTY",
                    "Paste your Anthropic Admin API key (it starts with " + PREFIX + ")"));
            return false;
        }
        if (key.startsWith("sk-ant-api")) {
            response.onError(FakeFinoraServer.error(Code.INVALID_ARGUMENT, "NOT_AN_ADMIN_KEY", REGULAR_KEY_MESSAGE));
            return false;
        }
        if (!key.equals(GOOD_KEY) && !key.equals(SECOND_GOOD_KEY) && !key.equals(OTHER_ORG_KEY)) {
            response.onError(FakeFinoraServer.error(Code.INVALID_ARGUMENT, "KEY_REJECTED", REJECTED_MESSAGE));
            return false;
        }
        return true;
    }

    private static <T> void respond(StreamObserver<T> observer, T value) {
        observer.onNext(value);
        observer.onCompleted();
    }
}
