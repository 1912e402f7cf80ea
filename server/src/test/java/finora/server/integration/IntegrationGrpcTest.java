package finora.server.integration;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import finora.api.v1.ConnectProviderRequest;
import finora.api.v1.Connection;
import finora.api.v1.ConnectionStatus;
import finora.api.v1.DeleteConnectionRequest;
import finora.api.v1.GetConnectionRequest;
import finora.api.v1.ListConnectionsRequest;
import finora.api.v1.ListProvidersRequest;
import finora.api.v1.ListSyncRunsRequest;
import finora.api.v1.Provider;
import finora.api.v1.RefreshConnectionRequest;
import finora.api.v1.UpdateCredentialRequest;
import finora.server.auth.Plan;
import finora.server.auth.Role;
import finora.server.testing.GrpcErrors;
import finora.server.testing.TestServer;
import finora.sim.AnthropicSim;
import finora.sim.Fault;
import finora.sim.SimKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** IntegrationService through gRPC, against anthropic-sim and a real PostgreSQL. */
class IntegrationGrpcTest {
    private static AnthropicSim sim;
    private static TestServer server;
    private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private static final List<Object> responses = new ArrayList<>();

    private TestServer.Tenant tenant;
    private String admin;
    private String reader;

    @BeforeAll
    static void start() throws Exception {
        sim = AnthropicSim.start(0);
        server = TestServer.start(Map.of("FINORA_ANTHROPIC_BASE_URL", sim.baseUrl()));
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        server.close();
        sim.close();
    }

    @BeforeEach
    void freshTenant() {
        tenant = server.tenant("tenant-" + UUID.randomUUID(), Plan.GROWTH);
        admin = server.token(tenant, Role.ADMIN);
        reader = server.token(tenant, Role.READER);
        sim.faults().clear();
        sim.requestLog().clear();
    }

    @AfterEach
    void clearFaults() {
        sim.faults().clear();
    }

    private Connection connect(String key) {
        var response = server.integrations(admin)
                .connectProvider(ConnectProviderRequest.newBuilder()
                        .setProvider(Provider.PROVIDER_ANTHROPIC)
                        .setAdminApiKey(key)
                        .build());
        responses.add(response);
        return response.getConnection();
    }

    private StatusRuntimeException connectFails(String key) {
        try {
            responses.add(connect(key));
        } catch (StatusRuntimeException e) {
            responses.add(e.getStatus() + " " + e.getTrailers());
            return e;
        }
        throw new AssertionError("connect succeeded");
    }

    private static StatusRuntimeException fails(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            responses.add(e.getStatus() + " " + e.getTrailers());
            return e;
        }
        throw new AssertionError("call succeeded");
    }

    private int liveConnections() {
        return server.database()
                .dsl()
                .fetchCount(
                        finora.db.jooq.Tables.CONNECTION, finora.db.jooq.Tables.CONNECTION.TENANT_ID.eq(tenant.id()));
    }

    @Test
    void connect_whoseCallerGaveUp_savesNothing_soTheRetryIsNotAlreadyConnected() throws Exception {
        sim.faults().onPath("/v1/organizations/me", 1, Fault.delay(Duration.ofMillis(2500)));
        var gaveUp = org.assertj.core.api.Assertions.catchThrowableOfType(
                StatusRuntimeException.class,
                () -> server.integrations(admin)
                        .withDeadlineAfter(1500, java.util.concurrent.TimeUnit.MILLISECONDS)
                        .connectProvider(ConnectProviderRequest.newBuilder()
                                .setProvider(Provider.PROVIDER_ANTHROPIC)
                                .setAdminApiKey(SimKeys.ORG_A_ADMIN_KEY)
                                .build()));
        // the server gives up 200 ms before the caller does, or the caller first: either way nothing is saved
        assertThat(gaveUp.getStatus().getCode()).isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.UNAVAILABLE);
        Thread.sleep(2500); // longer than Anthropic's delayed answer
        assertThat(server.integrations(admin)
                        .listConnections(ListConnectionsRequest.getDefaultInstance())
                        .getConnectionsList())
                .isEmpty();
        assertThat(server.integrations(admin)
                        .connectProvider(ConnectProviderRequest.newBuilder()
                                .setProvider(Provider.PROVIDER_ANTHROPIC)
                                .setAdminApiKey(SimKeys.ORG_A_ADMIN_KEY)
                                .build())
                        .getConnection()
                        .getStatus())
                .isEqualTo(ConnectionStatus.CONNECTION_STATUS_ACTIVE);
    }

    @Test
    void listProviders_namesAnthropicFirstWithItsKeyPrefix() {
        var providers = server.integrations(reader).listProviders(ListProvidersRequest.getDefaultInstance());
        assertThat(providers.getProvidersList()).hasSize(2).first().satisfies(p -> {
            assertThat(p.getProvider()).isEqualTo(Provider.PROVIDER_ANTHROPIC);
            assertThat(p.getKeyPrefix()).isEqualTo("sk-ant-admin01-");
        });
    }

    @Test
    void regularApiKey_isRefusedWithGuidance_beforeCallingAnthropic() {
        var e = connectFails(SimKeys.REGULAR_API_KEY);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcErrors.reason(e)).isEqualTo("NOT_AN_ADMIN_KEY");
        assertThat(e.getStatus().getDescription())
                .contains("regular Anthropic API key")
                .contains("Settings → Admin keys")
                .contains("sk-ant-admin01-")
                .doesNotContain(SimKeys.REGULAR_API_KEY);
        assertThat(sim.requestLog().size()).isZero();
        assertThat(liveConnections()).isZero();
    }

    @Test
    void malformedKeys_areRefusedByFormat() {
        assertThat(GrpcErrors.reason(connectFails(""))).isEqualTo("KEY_EMPTY");
        assertThat(GrpcErrors.reason(connectFails("   "))).isEqualTo("KEY_EMPTY");
        assertThat(GrpcErrors.reason(connectFails("sk-ant-admin01-abc def12345")))
                .isEqualTo("KEY_MALFORMED");
        assertThat(GrpcErrors.reason(connectFails("hello-world-key"))).isEqualTo("KEY_MALFORMED");
        assertThat(GrpcErrors.reason(connectFails("sk-ant-admin01-"))).isEqualTo("KEY_MALFORMED");
        assertThat(liveConnections()).isZero();
    }

    @Test
    void revokedAndForbiddenKeys_areRefusedAndNothingIsSaved() {
        var revoked = connectFails(SimKeys.REVOKED_ADMIN_KEY);
        assertThat(revoked.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcErrors.reason(revoked)).isEqualTo("KEY_REJECTED");
        assertThat(revoked.getStatus().getDescription()).contains("revoked");

        var forbidden = connectFails(SimKeys.NO_ADMIN_ROLE_KEY);
        assertThat(GrpcErrors.reason(forbidden)).isEqualTo("KEY_FORBIDDEN");
        assertThat(forbidden.getStatus().getDescription()).contains("admin role");
        assertThat(liveConnections()).isZero();
    }

    @Test
    void goodKey_connectsWithOrganizationNameAndHint_andFirstSyncIsDueNow() {
        Connection c = connect("  " + SimKeys.ORG_A_ADMIN_KEY + "\n");
        assertThat(c.getOrganizationName()).isEqualTo(SimKeys.ORG_A_NAME);
        assertThat(c.getOrganizationId()).isEqualTo(SimKeys.ORG_A_ID);
        assertThat(c.getKeyHint()).isEqualTo("sk-ant-admin01-…" + last4(SimKeys.ORG_A_ADMIN_KEY));
        assertThat(c.getStatus()).isEqualTo(ConnectionStatus.CONNECTION_STATUS_ACTIVE);
        assertThat(c.getNextSyncTime().getSeconds())
                .isEqualTo(server.clock().instant().getEpochSecond());
        assertThat(server.integrations(reader)
                        .listConnections(ListConnectionsRequest.getDefaultInstance())
                        .getConnectionsList())
                .extracting(Connection::getConnectionId)
                .containsExactly(c.getConnectionId());
        assertThat(decryptedKey(c)).isEqualTo(SimKeys.ORG_A_ADMIN_KEY);
        assertThat(auditActions()).contains("credential.connect");
    }

    @Test
    void sameOrganization_isAlreadyConnected() {
        connect(SimKeys.ORG_A_ADMIN_KEY);
        var e = connectFails(SimKeys.ORG_A_SECOND_ADMIN_KEY);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(GrpcErrors.reason(e)).isEqualTo("ALREADY_CONNECTED");
        assertThat(e.getStatus().getDescription()).contains("Update");
        assertThat(liveConnections()).isEqualTo(1);
    }

    @Test
    void anthropicDown_isUnavailableAndNothingIsSaved() {
        sim.faults().next(50, Fault.serverError());
        var e = connectFails(SimKeys.ORG_A_ADMIN_KEY);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(GrpcErrors.reason(e)).isEqualTo("PROVIDER_UNAVAILABLE");
        assertThat(e.getStatus().getDescription()).contains("nothing was saved");
        assertThat(liveConnections()).isZero();
        assertThat(sim.requestLog().size()).as("first try plus 3 retries").isEqualTo(4);

        sim.faults().clear();
        sim.faults().next(1, Fault.overloaded());
        assertThat(connect(SimKeys.ORG_A_ADMIN_KEY).getOrganizationName())
                .as("one 529 is retried")
                .isEqualTo(SimKeys.ORG_A_NAME);
    }

    @Test
    void rateLimit_isRetriedHonouringRetryAfter() {
        sim.faults().next(1, Fault.rateLimited(Duration.ofSeconds(0)));
        sim.faults().next(1, Fault.rateLimitedWithoutRetryAfter());
        Connection c = connect(SimKeys.ORG_A_ADMIN_KEY);
        assertThat(c.getOrganizationName()).isEqualTo(SimKeys.ORG_A_NAME);
    }

    @Test
    void rotation_toAnotherOrganization_isRefusedAndKeepsTheOldKey() {
        Connection c = connect(SimKeys.ORG_A_ADMIN_KEY);
        var e = fails(() -> server.integrations(admin)
                .updateCredential(UpdateCredentialRequest.newBuilder()
                        .setConnectionId(c.getConnectionId())
                        .setAdminApiKey(SimKeys.ORG_B_ADMIN_KEY)
                        .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(GrpcErrors.reason(e)).isEqualTo("ORGANIZATION_MISMATCH");
        assertThat(e.getStatus().getDescription()).contains(SimKeys.ORG_B_NAME).contains(SimKeys.ORG_A_NAME);
        assertThat(decryptedKey(c)).isEqualTo(SimKeys.ORG_A_ADMIN_KEY);
    }

    @Test
    void rotation_withABadKey_keepsTheOldKey_andWithAGoodKeySwaps() {
        Connection c = connect(SimKeys.ORG_A_ADMIN_KEY);
        var revoked = fails(() -> server.integrations(admin)
                .updateCredential(UpdateCredentialRequest.newBuilder()
                        .setConnectionId(c.getConnectionId())
                        .setAdminApiKey(SimKeys.REVOKED_ADMIN_KEY)
                        .build()));
        assertThat(GrpcErrors.reason(revoked)).isEqualTo("KEY_REJECTED");
        assertThat(decryptedKey(c)).isEqualTo(SimKeys.ORG_A_ADMIN_KEY);

        var updated = server.integrations(admin)
                .updateCredential(UpdateCredentialRequest.newBuilder()
                        .setConnectionId(c.getConnectionId())
                        .setAdminApiKey(SimKeys.ORG_A_SECOND_ADMIN_KEY)
                        .build())
                .getConnection();
        responses.add(updated);
        assertThat(updated.getKeyHint()).endsWith(last4(SimKeys.ORG_A_SECOND_ADMIN_KEY));
        assertThat(decryptedKey(c)).isEqualTo(SimKeys.ORG_A_SECOND_ADMIN_KEY);
        assertThat(auditActions()).contains("credential.rotate");
    }

    @Test
    void removal_deletesTheCredential_keepsCostHistory_andHidesTheConnection() {
        Connection c = connect(SimKeys.ORG_A_ADMIN_KEY);
        UUID id = UUID.fromString(c.getConnectionId());
        DSLContext dsl = server.database().dsl();
        UUID ledger = dsl.fetchSingle(
                        finora.db.jooq.Tables.CONNECTION, finora.db.jooq.Tables.CONNECTION.CONNECTION_ID.eq(id))
                .getLedgerId();
        dsl.execute(
                "insert into cost_day (ledger_id, day, total_usd, fetched_at, status) "
                        + "values (?, date '2026-11-20', 12.34, now(), 'FINAL')",
                ledger);
        dsl.execute(
                "insert into cost_line_item (tenant_id, ledger_id, day, workspace_id, description, model, "
                        + "model_family, model_version, cost_type, token_type, service_tier, context_window, inference_geo, "
                        + "amount_usd) values (?, ?, date '2026-11-20', '', 'd', 'claude-opus-4-6', 'Opus', '4.6', 'tokens', "
                        + "'output_tokens', 'standard', '0-200k', 'global', 12.34)",
                tenant.id(),
                ledger);

        server.integrations(admin)
                .deleteConnection(DeleteConnectionRequest.newBuilder()
                        .setConnectionId(c.getConnectionId())
                        .build());

        assertThat(dsl.fetchCount(
                        finora.db.jooq.Tables.CREDENTIAL, finora.db.jooq.Tables.CREDENTIAL.CONNECTION_ID.eq(id)))
                .isZero();
        assertThat(dsl.fetchCount(
                        finora.db.jooq.Tables.COST_LINE_ITEM,
                        finora.db.jooq.Tables.COST_LINE_ITEM.LEDGER_ID.eq(ledger)))
                .isEqualTo(1);
        assertThat(dsl.fetchCount(finora.db.jooq.Tables.COST_DAY, finora.db.jooq.Tables.COST_DAY.LEDGER_ID.eq(ledger)))
                .isEqualTo(1);
        assertThat(server.integrations(reader)
                        .listConnections(ListConnectionsRequest.getDefaultInstance())
                        .getConnectionsList())
                .isEmpty();
        var gone = fails(() -> server.integrations(reader)
                .getConnection(GetConnectionRequest.newBuilder()
                        .setConnectionId(c.getConnectionId())
                        .build()));
        assertThat(GrpcErrors.reason(gone)).isEqualTo("CONNECTION_NOT_FOUND");
        assertThat(auditActions()).contains("credential.remove");

        // The organization can be connected again after removal.
        assertThat(connect(SimKeys.ORG_A_ADMIN_KEY).getConnectionId()).isNotEqualTo(c.getConnectionId());
    }

    @Test
    void reader_canListButNotChange() {
        Connection c = connect(SimKeys.ORG_A_ADMIN_KEY);
        assertThat(server.integrations(reader)
                        .listConnections(ListConnectionsRequest.getDefaultInstance())
                        .getConnectionsCount())
                .isEqualTo(1);
        var denied = fails(() -> server.integrations(reader)
                .connectProvider(ConnectProviderRequest.newBuilder()
                        .setProvider(Provider.PROVIDER_ANTHROPIC)
                        .setAdminApiKey(SimKeys.ORG_B_ADMIN_KEY)
                        .build()));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        var deleteDenied = fails(() -> server.integrations(reader)
                .deleteConnection(DeleteConnectionRequest.newBuilder()
                        .setConnectionId(c.getConnectionId())
                        .build()));
        assertThat(deleteDenied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void anotherTenant_seesNothingAndGetsNotFound() {
        Connection c = connect(SimKeys.ORG_A_ADMIN_KEY);
        var other = server.tenant("other-" + UUID.randomUUID(), Plan.SCALE);
        String otherAdmin = server.token(other, Role.ADMIN);
        assertThat(server.integrations(otherAdmin)
                        .listConnections(ListConnectionsRequest.getDefaultInstance())
                        .getConnectionsList())
                .isEmpty();
        for (Runnable call : List.<Runnable>of(
                () -> server.integrations(otherAdmin)
                        .getConnection(GetConnectionRequest.newBuilder()
                                .setConnectionId(c.getConnectionId())
                                .build()),
                () -> server.integrations(otherAdmin)
                        .deleteConnection(DeleteConnectionRequest.newBuilder()
                                .setConnectionId(c.getConnectionId())
                                .build()),
                () -> server.integrations(otherAdmin)
                        .updateCredential(UpdateCredentialRequest.newBuilder()
                                .setConnectionId(c.getConnectionId())
                                .setAdminApiKey(SimKeys.ORG_A_SECOND_ADMIN_KEY)
                                .build()),
                () -> server.integrations(otherAdmin)
                        .refreshConnection(RefreshConnectionRequest.newBuilder()
                                .setConnectionId(c.getConnectionId())
                                .build()),
                () -> server.integrations(otherAdmin)
                        .listSyncRuns(ListSyncRunsRequest.newBuilder()
                                .setConnectionId(c.getConnectionId())
                                .build()),
                () -> server.integrations(otherAdmin)
                        .getConnection(GetConnectionRequest.newBuilder()
                                .setConnectionId("not-a-uuid")
                                .build()))) {
            var e = fails(call);
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(GrpcErrors.reason(e)).isEqualTo("CONNECTION_NOT_FOUND");
        }
        assertThat(decryptedKey(c)).isEqualTo(SimKeys.ORG_A_ADMIN_KEY);
        // The same organization may be connected by another tenant.
        String otherConnection = server.integrations(otherAdmin)
                .connectProvider(ConnectProviderRequest.newBuilder()
                        .setProvider(Provider.PROVIDER_ANTHROPIC)
                        .setAdminApiKey(SimKeys.ORG_A_ADMIN_KEY)
                        .build())
                .getConnection()
                .getConnectionId();
        assertThat(otherConnection).isNotEqualTo(c.getConnectionId());
    }

    @Test
    void refresh_isAcceptedAtMostOnceAMinute() {
        Connection c = connect(SimKeys.ORG_A_ADMIN_KEY);
        var request = RefreshConnectionRequest.newBuilder()
                .setConnectionId(c.getConnectionId())
                .build();
        server.clock().advance(Duration.ofMinutes(5));
        var refreshed = server.integrations(admin).refreshConnection(request).getConnection();
        assertThat(refreshed.getNextSyncTime().getSeconds())
                .isEqualTo(server.clock().instant().getEpochSecond());
        var again = fails(() -> server.integrations(admin).refreshConnection(request));
        assertThat(again.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(GrpcErrors.reason(again)).isEqualTo("SYNC_IN_PROGRESS");
        server.clock().advance(Duration.ofSeconds(61));
        server.integrations(admin).refreshConnection(request);
    }

    @Test
    void listSyncRuns_isEmptyAtFirst_andRejectsForeignPageTokens() {
        Connection c = connect(SimKeys.ORG_A_ADMIN_KEY);
        assertThat(server.integrations(reader)
                        .listSyncRuns(ListSyncRunsRequest.newBuilder()
                                .setConnectionId(c.getConnectionId())
                                .build())
                        .getSyncRunsList())
                .isEmpty();
        var e = fails(() -> server.integrations(reader)
                .listSyncRuns(ListSyncRunsRequest.newBuilder()
                        .setConnectionId(c.getConnectionId())
                        .setPageToken("bogus")
                        .build()));
        assertThat(GrpcErrors.reason(e)).isEqualTo("INVALID_RANGE");
    }

    @Test
    void onlyGetsReachAnthropic_withTheDocumentedHeaders() {
        connect(SimKeys.ORG_A_ADMIN_KEY);
        assertThat(sim.requestLog().all()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.path()).startsWith("/v1/organizations/");
            assertThat(r.header("x-api-key")).isEqualTo(SimKeys.ORG_A_ADMIN_KEY);
            assertThat(r.header("anthropic-version")).isEqualTo("2023-06-01");
            assertThat(r.header("user-agent")).startsWith("FinoraSpend/");
        });
        assertThat(sim.requestLog().all())
                .extracting(r -> r.path())
                .contains("/v1/organizations/me", "/v1/organizations/cost_report");
    }

    @Test
    void keys_neverAppearInLogsResponsesOrPlaintextColumns() {
        connect(SimKeys.ORG_A_ADMIN_KEY);
        Connection b = connect(SimKeys.ORG_B_ADMIN_KEY);
        fails(() -> server.integrations(admin)
                .updateCredential(UpdateCredentialRequest.newBuilder()
                        .setConnectionId(b.getConnectionId())
                        .setAdminApiKey(SimKeys.ORG_A_SECOND_ADMIN_KEY)
                        .build()));
        connectFails(SimKeys.REVOKED_ADMIN_KEY);
        connectFails(SimKeys.REGULAR_API_KEY);
        List<String> secrets = List.of(
                SimKeys.ORG_A_ADMIN_KEY,
                SimKeys.ORG_B_ADMIN_KEY,
                SimKeys.ORG_A_SECOND_ADMIN_KEY,
                SimKeys.REVOKED_ADMIN_KEY,
                SimKeys.REGULAR_API_KEY);

        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null
                            ? ""
                            : event.getThrowableProxy().getMessage());
            secrets.forEach(s -> assertThat(line).doesNotContain(s));
        }
        for (Object response : responses) {
            secrets.forEach(s -> assertThat(response.toString()).doesNotContain(s));
        }
        DSLContext dsl = server.database().dsl();
        var columns = dsl.fetch("select table_name, column_name, data_type from information_schema.columns "
                + "where table_schema = 'public'");
        assertThat(columns).isNotEmpty();
        for (var col : columns) {
            String table = col.get(0, String.class);
            String column = col.get(1, String.class);
            String type = col.get(2, String.class);
            for (String s : secrets) {
                String last16 = s.substring(s.length() - 16);
                if (type.contains("char") || type.equals("text")) {
                    assertThat(dsl.fetch("select 1 from " + table + " where " + column + " like ?", "%" + last16 + "%"))
                            .as(table + "." + column)
                            .isEmpty();
                } else if (type.equals("bytea")) {
                    assertThat(dsl.fetch("select 1 from " + table + " where position(? in " + column + ") > 0", (Object)
                                    last16.getBytes(StandardCharsets.UTF_8)))
                            .as(table + "." + column)
                            .isEmpty();
                }
            }
        }
    }

    @Test
    void listConnections_isOneQuery_howeverManyConnections() {
        connect(SimKeys.ORG_A_ADMIN_KEY);
        server.clock().advance(Duration.ofSeconds(1)); // connected later: listed second (same instant: by id)
        connect(SimKeys.ORG_B_ADMIN_KEY);
        java.util.concurrent.atomic.AtomicInteger statements = new java.util.concurrent.atomic.AtomicInteger();
        var counting = org.jooq.impl.DSL.using(new org.jooq.impl.DefaultConfiguration()
                .set(server.database().dataSource())
                .set(org.jooq.SQLDialect.POSTGRES)
                .set(org.jooq.ExecuteListener.onExecuteStart(ctx -> statements.incrementAndGet())));
        var details = new ConnectionRepository().details(counting, tenant.id(), null);
        assertThat(details)
                .extracting(d -> d.row().organizationName())
                .containsExactly(SimKeys.ORG_A_NAME, SimKeys.ORG_B_NAME);
        assertThat(statements).hasValue(1);
        // What the list shows is what GetConnection shows for each row.
        var listed = server.integrations(reader)
                .listConnections(ListConnectionsRequest.getDefaultInstance())
                .getConnectionsList();
        for (Connection c : listed) {
            assertThat(server.integrations(reader)
                            .getConnection(GetConnectionRequest.newBuilder()
                                    .setConnectionId(c.getConnectionId())
                                    .build())
                            .getConnection())
                    .isEqualTo(c);
        }
    }

    private String decryptedKey(Connection c) {
        var row = new ConnectionRepository()
                .findLive(server.database().dsl(), tenant.id(), UUID.fromString(c.getConnectionId()))
                .orElseThrow();
        return server.app().connections().decryptKey(row);
    }

    private List<String> auditActions() {
        return server.database()
                .dsl()
                .fetch("select action from audit_event where tenant_id = ?", tenant.id())
                .getValues(0, String.class);
    }

    private static String last4(String key) {
        return key.substring(key.length() - 4);
    }
}
