package finora.admin.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import finora.admin.grpc.FakeFinoraServer;
import finora.admin.grpc.FakeIntegrationService;
import finora.admin.grpc.FinoraCallException;
import finora.admin.grpc.NotAuthenticatedException;
import finora.admin.grpc.ServerUnreachableException;
import finora.api.v1.ConnectionStatus;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IntegrationClientTest {

    @RegisterExtension
    final FakeFinoraServer server = new FakeFinoraServer();

    private final ManagedChannel channel = server.channel();
    private final IntegrationClient client =
            new IntegrationClient(channel, Duration.ofSeconds(5), Duration.ofSeconds(60));
    private static final String TOKEN = FakeFinoraServer.TOKEN;

    @AfterEach
    void close() {}

    @Test
    void providers_comeWithPrefixHelpAndCoverage() {
        assertThat(client.providers(TOKEN))
                .hasSize(2)
                .first()
                .isEqualTo(new ProviderOption(
                        AiProvider.ANTHROPIC,
                        "Anthropic",
                        FakeIntegrationService.PREFIX,
                        FakeIntegrationService.KEY_HELP,
                        FakeIntegrationService.COVERAGE));
        assertThat(client.providers(TOKEN).get(1).provider()).isEqualTo(AiProvider.OPENAI);
        assertThat(client.providers(TOKEN).get(1).keyPrefix()).isEqualTo(FakeIntegrationService.OPENAI_PREFIX);
    }

    @Test
    void connections_carryTheLastSyncsFailure() {
        server.integration().addConnectionWithFailedSync("c1-abcd", "Initech");

        ProviderConnection c = client.connections(TOKEN).get(0);

        assertThat(c.lastSyncResult()).isEqualTo(SyncResult.FAILED);
        assertThat(c.lastSyncErrorReason()).isEqualTo("PROVIDER_REFUSED");
        assertThat(c.lastSyncFailure()).hasValue(FakeIntegrationService.FAILED_DETAIL);
    }

    @Test
    void connections_carryTheirDataLevel_whyAndWhenChecked() {
        server.integration()
                .addConnection("c1-abcd", "Initech", finora.api.v1.ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");
        server.integration()
                .addConnection("c2-efgh", "Globex", finora.api.v1.ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");
        server.integration()
                .setDataLevel(
                        "c1-abcd",
                        finora.api.v1.DataLevel.DATA_LEVEL_WORKSPACE,
                        "refused (HTTP 400)",
                        java.time.Instant.parse("2026-11-25T09:01:00Z"));

        assertThat(client.connections(TOKEN))
                .extracting(
                        ProviderConnection::organizationName,
                        ProviderConnection::dataLevel,
                        ProviderConnection::dataLevelDetail,
                        ProviderConnection::dataLevelCheckTime)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(
                                "Initech",
                                DataLevel.WORKSPACE,
                                "refused (HTTP 400)",
                                java.time.Instant.parse("2026-11-25T09:01:00Z")),
                        org.assertj.core.groups.Tuple.tuple("Globex", DataLevel.NOT_CHECKED, "", null));
    }

    @Test
    void syncRuns_newestFirst_withAnthropicsRequestIdForSupport() {
        server.integration().addConnectionWithFailedSync("c1-abcd", "Initech");

        List<SyncRun> runs = client.syncRuns(TOKEN, "c1-abcd", 10);

        assertThat(runs).extracting(SyncRun::id).containsExactly("r2", "r1");
        assertThat(runs.get(0)).satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(SyncRunOutcome.FAILED);
            assertThat(r.providerRequestId()).isEqualTo(FakeIntegrationService.FAILED_REQUEST_ID);
            assertThat(r.providerErrorMessage()).isEqualTo(FakeIntegrationService.FAILED_PROVIDER_MESSAGE);
            assertThat(r.startTime()).isEqualTo(Instant.parse("2026-11-25T09:00:00Z"));
            assertThat(r.windowEnd()).isEqualTo(LocalDate.of(2026, 11, 24));
        });
        assertThat(runs.get(1).reconciliation()).isEqualTo(Reconciliation.DAILY);
        assertThat(runs.get(1).rows()).isEqualTo(1234);
    }

    @Test
    void connect_returnsThePlainConnection() {
        ProviderConnection c = client.connect(TOKEN, AiProvider.ANTHROPIC, FakeIntegrationService.GOOD_KEY);

        assertThat(c.organizationName()).isEqualTo(FakeIntegrationService.ORG_NAME);
        assertThat(c.keyHint()).isEqualTo("sk-ant-admin01-…orgA");
        assertThat(c.state()).isEqualTo(ConnectionState.ACTIVE);
        assertThat(c.lastSyncTime()).isNull();
        assertThat(c.lastSyncResult()).isEqualTo(SyncResult.NONE);
        assertThat(c.nextSyncTime()).isNotNull();
        assertThat(c.runningSync()).isEmpty();
        assertThat(c.completeThrough()).isNull();
    }

    @Test
    void connect_rejectsRegularApiKey_withTheServersReasonAndWords() {
        assertThatThrownBy(() -> client.connect(TOKEN, AiProvider.ANTHROPIC, FakeIntegrationService.REGULAR_KEY))
                .isExactlyInstanceOf(FinoraCallException.class)
                .hasMessage(FakeIntegrationService.REGULAR_KEY_MESSAGE)
                .satisfies(e -> assertThat(((FinoraCallException) e).reason()).isEqualTo("NOT_AN_ADMIN_KEY"));
    }

    @Test
    void connect_twice_isAlreadyConnected() {
        client.connect(TOKEN, AiProvider.ANTHROPIC, FakeIntegrationService.GOOD_KEY);

        assertThatThrownBy(() -> client.connect(TOKEN, AiProvider.ANTHROPIC, FakeIntegrationService.SECOND_GOOD_KEY))
                .satisfies(e -> assertThat(((FinoraCallException) e).reason()).isEqualTo("ALREADY_CONNECTED"))
                .hasMessageContaining("choose Update");
    }

    @Test
    void updateCredential_ofAnotherOrganization_isOrganizationMismatch() {
        ProviderConnection c = client.connect(TOKEN, AiProvider.ANTHROPIC, FakeIntegrationService.GOOD_KEY);

        assertThatThrownBy(() -> client.updateCredential(TOKEN, c.id(), FakeIntegrationService.OTHER_ORG_KEY))
                .satisfies(e -> assertThat(((FinoraCallException) e).reason()).isEqualTo("ORGANIZATION_MISMATCH"));
    }

    @Test
    void updateCredential_returnsTheNewKeyHint() {
        ProviderConnection c = client.connect(TOKEN, AiProvider.ANTHROPIC, FakeIntegrationService.GOOD_KEY);

        assertThat(client.updateCredential(TOKEN, c.id(), FakeIntegrationService.SECOND_GOOD_KEY)
                        .keyHint())
                .isEqualTo("sk-ant-admin01-…rotA");
    }

    @Test
    void connections_carryStatusDetailProgressAndLastRefresh() {
        server.integration()
                .addConnection(
                        "c1-abcd",
                        "Initech",
                        ConnectionStatus.CONNECTION_STATUS_NEEDS_ATTENTION,
                        "Anthropic rejected the key: create a new Admin key, then choose Update.");
        server.integration().setProgress("c1-abcd", 12, 90);

        ProviderConnection c = client.connections(TOKEN).get(0);

        assertThat(c.state()).isEqualTo(ConnectionState.NEEDS_ATTENTION);
        assertThat(c.statusReason()).isEqualTo("KEY_REJECTED");
        assertThat(c.statusDetail()).startsWith("Anthropic rejected the key");
        assertThat(c.progress()).isEqualTo(new SyncProgress(12, 90));
        assertThat(c.lastSyncResult()).isEqualTo(SyncResult.SUCCEEDED);
        assertThat(c.lastSyncTime()).isNotNull();
    }

    @Test
    void refresh_whileASyncRuns_isSyncInProgress() {
        server.integration().addConnection("c1-abcd", "Initech", ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");
        server.integration().setSyncRunning(true);

        assertThatThrownBy(() -> client.refresh(TOKEN, "c1-abcd"))
                .satisfies(e -> assertThat(((FinoraCallException) e).reason()).isEqualTo("SYNC_IN_PROGRESS"))
                .hasMessage(FakeIntegrationService.IN_PROGRESS_MESSAGE);
    }

    @Test
    void delete_removesTheConnection() {
        server.integration().addConnection("c1-abcd", "Initech", ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");

        client.delete(TOKEN, "c1-abcd");

        assertThat(server.integration().deleted()).containsExactly("c1-abcd");
        assertThat(client.connections(TOKEN)).isEmpty();
    }

    @Test
    void everyCall_carriesTheBearerToken() {
        client.providers(TOKEN);
        client.connections(TOKEN);

        assertThat(server.authorizationHeaders())
                .containsOnly("Bearer " + TOKEN)
                .hasSize(2);
    }

    @Test
    void plainCalls_carryTheShortDeadline_keyChecks_theLongOne() {
        client.connections(TOKEN);
        client.connect(TOKEN, AiProvider.ANTHROPIC, FakeIntegrationService.GOOD_KEY);

        assertThat(server.deadlines()).hasSize(2);
        assertThat(server.deadlines().get(0).timeRemaining(TimeUnit.MILLISECONDS))
                .isPositive()
                .isLessThanOrEqualTo(5_000);
        assertThat(server.deadlines().get(1).timeRemaining(TimeUnit.MILLISECONDS))
                .isGreaterThan(5_000)
                .isLessThanOrEqualTo(60_000);
    }

    @Test
    void expiredSession_isNotAuthenticated() {
        server.revokeSession();

        assertThatThrownBy(() -> client.connections(TOKEN)).isInstanceOf(NotAuthenticatedException.class);
    }

    @Test
    void serverDown_isServerUnreachable() {
        ManagedChannel nowhere = FakeFinoraServer.channelToNowhere();
        try {
            assertThatThrownBy(() -> new IntegrationClient(nowhere, Duration.ofSeconds(2), Duration.ofSeconds(2))
                            .connections(TOKEN))
                    .isInstanceOf(ServerUnreachableException.class);
        } finally {
            nowhere.shutdownNow();
        }
    }
}
