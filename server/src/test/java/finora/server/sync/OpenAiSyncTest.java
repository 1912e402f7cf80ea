package finora.server.sync;

import static finora.db.jooq.Tables.CONNECTION;
import static finora.db.jooq.Tables.COST_LINE_ITEM;
import static finora.server.sync.SyncTestBed.TODAY;
import static finora.server.sync.SyncTestBed.date;
import static finora.server.sync.SyncTestBed.normalise;
import static finora.server.sync.SyncTestBed.usd;
import static org.assertj.core.api.Assertions.assertThat;

import finora.api.v1.Connection;
import finora.api.v1.CostDimension;
import finora.api.v1.CostFilter;
import finora.api.v1.CostRow;
import finora.api.v1.DeleteConnectionRequest;
import finora.api.v1.ExportCostsRequest;
import finora.api.v1.ExportFormat;
import finora.api.v1.ListProvidersRequest;
import finora.api.v1.Provider;
import finora.api.v1.ProviderInfo;
import finora.api.v1.QueryCostsRequest;
import finora.api.v1.QueryCostsResponse;
import finora.api.v1.UpdateCredentialRequest;
import finora.server.auth.Plan;
import finora.server.provider.openai.OpenAiModelName;
import finora.server.sync.SyncTestBed.Connected;
import finora.server.testing.GrpcErrors;
import finora.sim.Fault;
import finora.sim.OpenAiKeys;
import finora.sim.OpenAiProject;
import finora.sim.OpenAiTruth;
import finora.sim.SimConfig;
import finora.sim.SimKeys;
import io.grpc.StatusRuntimeException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenAI as a second provider (issue #17), through gRPC on real PostgreSQL against the OpenAI face of
 * anthropic-sim: connect, backfill equal to the truth, rotation, removal, every refusal, and both
 * providers side by side in one QueryCosts and one FOCUS export.
 */
class OpenAiSyncTest {
    private static final LocalDate START = TODAY.minusDays(60);

    private SyncTestBed bed;

    @BeforeEach
    void start() throws Exception {
        bed = SyncTestBed.start(SimConfig.defaults().withRowsPerDay(12));
    }

    @AfterEach
    void stop() throws Exception {
        bed.close();
    }

    private OpenAiTruth truth(LocalDate start, LocalDate endExclusive) {
        return bed.sim.openai().truth(OpenAiKeys.ORG_A_ID, start, endExclusive);
    }

    private static Map<Object, BigDecimal> cents(Map<?, BigDecimal> map) {
        Map<Object, BigDecimal> result = new HashMap<>();
        map.forEach((k, v) -> result.merge(k == null ? "" : k, v, BigDecimal::add));
        result.replaceAll((k, v) -> v.setScale(2, RoundingMode.HALF_EVEN));
        result.values().removeIf(v -> v.signum() == 0);
        return result;
    }

    @Test
    void connect_namesTheOrganization_andTheBackfillEqualsTheTruthByDayProjectAndModel_exactly() {
        Connected c = bed.connectOpenAi(Plan.GROWTH, OpenAiKeys.ORG_A_ADMIN_KEY);
        Connection connection = bed.grpc(c);
        OpenAiProject defaultProject =
                bed.sim.openai().projects(OpenAiKeys.ORG_A_ID).get(0);
        assertThat(connection.getProvider()).isEqualTo(Provider.PROVIDER_OPENAI);
        assertThat(connection.getOrganizationId()).isEqualTo(defaultProject.id());
        assertThat(connection.getOrganizationName()).contains("Default project").contains(defaultProject.id());
        assertThat(connection.getKeyHint()).isEqualTo("sk-admin-…oaiA");
        assertThat(bed.sim.requestLog().all()).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.header("authorization")).isEqualTo("Bearer " + OpenAiKeys.ORG_A_ADMIN_KEY);
        });

        assertThat(bed.syncDue()).isEqualTo(1);
        assertThat(bed.lastRun(c.id()).getOutcome()).isEqualTo("SUCCEEDED");
        LocalDate backfillStart = TODAY.minusDays(Plan.GROWTH.backfillDays());
        assertThat(bed.storedDays(c.id())).hasSize(Plan.GROWTH.backfillDays());

        // Stored exactly as OpenAI wrote the amounts (numbers with up to 18 decimals, or strings).
        OpenAiTruth truth = truth(START, TODAY);
        Map<LocalDate, BigDecimal> stored = new TreeMap<>(bed.storedDays(c.id()));
        stored.keySet().removeIf(d -> d.isBefore(START));
        assertThat(stored).as("the last 60 days").isEqualTo(normalise(truth.byDayUsd()));
        assertThat(bed.storedBy(c.id(), COST_LINE_ITEM.WORKSPACE_ID, START, TODAY))
                .as("by project")
                .isEqualTo(normalise(truth.byProjectUsd()));
        assertThat(bed.storedBy(c.id(), COST_LINE_ITEM.MODEL, START, TODAY))
                .as("by model")
                .isEqualTo(normalise(truth.byModelUsd()));
        assertThat(bed.storedBy(c.id(), COST_LINE_ITEM.DESCRIPTION, START, TODAY))
                .as("by line item")
                .isEqualTo(normalise(truth.byLineItemUsd()));
        assertThat(truth(backfillStart, TODAY).totalUsd())
                .isEqualByComparingTo(
                        bed.storedDays(c.id()).values().stream().reduce(BigDecimal.ZERO, BigDecimal::add));
        Map<String, BigDecimal> families = bed.storedBy(c.id(), COST_LINE_ITEM.MODEL_FAMILY, START, TODAY);
        assertThat(families.keySet()).contains("GPT", "o-series", "Embeddings", "Images", "Audio", "Zeta", "");
        assertThat(families)
                .isEqualTo(normalise(
                        truth.sumUsdBy(r -> OpenAiModelName.parse(r.lineItem()).family())));

        // Through gRPC, to the cent: by day, by project (named from the projects list) and by model.
        Map<String, BigDecimal> byDay = bed.grpcCostsBy(
                c,
                START,
                TODAY,
                CostDimension.COST_DIMENSION_DAY,
                r -> LocalDate.of(
                                r.getPeriodStart().getYear(),
                                r.getPeriodStart().getMonth(),
                                r.getPeriodStart().getDay())
                        .toString());
        Map<Object, BigDecimal> truthByDay = new HashMap<>();
        cents(truth.byDayUsd()).forEach((k, v) -> truthByDay.put(k.toString(), v));
        assertThat(cents(byDay)).isEqualTo(truthByDay);
        assertThat(cents(bed.grpcCostsBy(c, START, TODAY, CostDimension.COST_DIMENSION_MODEL, CostRow::getModel)))
                .isEqualTo(cents(truth.byModelUsd()));
        Map<String, BigDecimal> byProject = bed.grpcCostsBy(
                c,
                START,
                TODAY,
                CostDimension.COST_DIMENSION_WORKSPACE,
                r -> r.getWorkspaceId() + "=" + r.getWorkspaceName());
        assertThat(byProject).containsKey(defaultProject.id() + "=Default project");
        assertThat(byProject.values().stream()
                        .reduce(BigDecimal.ZERO, BigDecimal::add)
                        .setScale(2, RoundingMode.HALF_EVEN))
                .isEqualByComparingTo(truth.totalUsd().setScale(2, RoundingMode.HALF_EVEN));
    }

    @Test
    void rotation_mismatch_alreadyConnected_andRemovalKeepsTheHistory() {
        Connected c = bed.connectOpenAi(Plan.GROWTH, OpenAiKeys.ORG_A_ADMIN_KEY);
        bed.syncDue();
        BigDecimal before = bed.grpcTotal(c, START, TODAY);

        StatusRuntimeException again =
                fails(() -> bed.connectAlso(c, Provider.PROVIDER_OPENAI, OpenAiKeys.ORG_A_SECOND_ADMIN_KEY));
        assertThat(GrpcErrors.reason(again)).isEqualTo("ALREADY_CONNECTED");
        assertThat(again.getStatus().getDescription()).contains("OpenAI organization");

        StatusRuntimeException mismatch = fails(() -> rotate(c, OpenAiKeys.ORG_B_ADMIN_KEY));
        assertThat(GrpcErrors.reason(mismatch)).isEqualTo("ORGANIZATION_MISMATCH");
        assertThat(GrpcErrors.reason(fails(() -> rotate(c, SimKeys.ORG_A_ADMIN_KEY))))
                .isEqualTo("KEY_MALFORMED");

        Connection rotated = rotate(c, OpenAiKeys.ORG_A_SECOND_ADMIN_KEY);
        assertThat(rotated.getKeyHint()).isEqualTo("sk-admin-…roaA");
        bed.sim.openai().keys().revoke(OpenAiKeys.ORG_A_ADMIN_KEY);
        bed.refresh(c);
        bed.syncDue();
        assertThat(bed.lastRun(c.id()).getOutcome()).as("syncs use the new key").isEqualTo("SUCCEEDED");

        bed.server
                .integrations(c.admin())
                .deleteConnection(DeleteConnectionRequest.newBuilder()
                        .setConnectionId(c.id().toString())
                        .build());
        assertThat(bed.grpcTotal(c, START, TODAY)).as("history kept").isEqualByComparingTo(before);
        assertThat(bed.connection(c.id()).getStatus()).isEqualTo(finora.db.types.ConnectionStatus.REMOVED);
    }

    @Test
    void everyRefusal_savesNothing_andSaysWhatToDo() {
        Connected tenant =
                new Connected(null, bed.server.tenant("t-" + java.util.UUID.randomUUID(), Plan.GROWTH), null);
        String admin = bed.server.token(tenant.tenant(), finora.server.auth.Role.ADMIN);
        Connected c = new Connected(null, tenant.tenant(), admin);
        Function<String, StatusRuntimeException> connect =
                key -> fails(() -> bed.connectAlso(c, Provider.PROVIDER_OPENAI, key));

        assertThat(GrpcErrors.reason(connect.apply(""))).isEqualTo("KEY_EMPTY");
        assertThat(GrpcErrors.reason(connect.apply("sk-admin-x"))).isEqualTo("KEY_MALFORMED");
        StatusRuntimeException project = connect.apply(OpenAiKeys.PROJECT_KEY);
        assertThat(GrpcErrors.reason(project)).isEqualTo("NOT_AN_ADMIN_KEY");
        assertThat(project.getStatus().getDescription())
                .contains("project API key")
                .contains("platform.openai.com/settings/organization/admin-keys")
                .doesNotContain("Wq2Er5Ty8");
        assertThat(GrpcErrors.reason(connect.apply("sk-svcacct-abcdefghijklmnop")))
                .isEqualTo("NOT_AN_ADMIN_KEY");
        assertThat(bed.sim.requestLog().all())
                .as("format refusals send nothing")
                .isEmpty();

        assertThat(GrpcErrors.reason(connect.apply(OpenAiKeys.REVOKED_ADMIN_KEY)))
                .isEqualTo("KEY_REJECTED");
        StatusRuntimeException scope = connect.apply(OpenAiKeys.NO_USAGE_SCOPE_KEY);
        assertThat(GrpcErrors.reason(scope)).isEqualTo("KEY_REJECTED");
        assertThat(scope.getStatus().getDescription()).contains("api.usage.read");
        bed.sim.faults().onPath("/v1/organization/projects", 1, Fault.error(403, "invalid_request_error", "Forbidden"));
        assertThat(GrpcErrors.reason(connect.apply(OpenAiKeys.ORG_A_ADMIN_KEY))).isEqualTo("KEY_FORBIDDEN");
        bed.sim.faults().onPath("/v1/organization/costs", Fault.serverError());
        assertThat(GrpcErrors.reason(connect.apply(OpenAiKeys.ORG_A_ADMIN_KEY))).isEqualTo("PROVIDER_UNAVAILABLE");
        bed.sim.faults().clear();
        assertThat(GrpcErrors.reason(
                        fails(() -> bed.connectAlso(c, Provider.PROVIDER_UNSPECIFIED, OpenAiKeys.ORG_A_ADMIN_KEY))))
                .isEqualTo("INVALID_ARGUMENT");
        assertThat(bed.dsl.fetchCount(
                        CONNECTION, CONNECTION.TENANT_ID.eq(c.tenant().id())))
                .isZero();
    }

    @Test
    void listProviders_offersOpenAiWithItsOwnKeyHintAndCoverage() {
        Connected c = bed.connectOpenAi(Plan.GROWTH, OpenAiKeys.ORG_A_ADMIN_KEY);
        List<ProviderInfo> providers = bed.server
                .integrations(c.admin())
                .listProviders(ListProvidersRequest.getDefaultInstance())
                .getProvidersList();
        assertThat(providers)
                .extracting(ProviderInfo::getProvider)
                .containsExactly(Provider.PROVIDER_ANTHROPIC, Provider.PROVIDER_OPENAI);
        ProviderInfo openai = providers.get(1);
        assertThat(openai.getDisplayName()).isEqualTo("OpenAI");
        assertThat(openai.getKeyPrefix()).isEqualTo("sk-admin-");
        assertThat(openai.getKeyHelp()).contains("Admin API key").contains("Owner");
        assertThat(openai.getCoverage()).contains("project");
        assertThat(providers.get(0).getKeyPrefix()).isEqualTo("sk-ant-admin01-");
    }

    @Test
    void anthropicAndOpenAi_sideBySide_inOneQueryAndOneFocusExport_groupedAndFilteredByProvider() {
        Connected openai = bed.connectOpenAi(Plan.GROWTH, OpenAiKeys.ORG_A_ADMIN_KEY);
        Connected anthropic = bed.connectAlso(openai, Provider.PROVIDER_ANTHROPIC, SimKeys.ORG_A_ADMIN_KEY);
        assertThat(bed.syncDue()).isEqualTo(2);
        LocalDate from = TODAY.minusDays(30);
        BigDecimal openAiTruth = truth(from, TODAY).totalUsd();
        BigDecimal anthropicTruth = bed.sim.truth(SimKeys.ORG_A_ID, from, TODAY).totalUsd();

        Map<String, BigDecimal> byProvider = bed.grpcCostsBy(
                openai,
                from,
                TODAY,
                CostDimension.COST_DIMENSION_PROVIDER,
                r -> r.getProvider().name());
        assertThat(cents(byProvider))
                .isEqualTo(Map.of(
                        "PROVIDER_OPENAI", openAiTruth.setScale(2, RoundingMode.HALF_EVEN),
                        "PROVIDER_ANTHROPIC", anthropicTruth.setScale(2, RoundingMode.HALF_EVEN)));
        assertThat(bed.grpcTotal(openai, from, TODAY).setScale(2, RoundingMode.HALF_EVEN))
                .isEqualByComparingTo(openAiTruth.add(anthropicTruth).setScale(2, RoundingMode.HALF_EVEN));

        // Filtered to one provider; its projects / workspaces come with the provider beside them.
        QueryCostsResponse onlyOpenAi = bed.server
                .costs(openai.admin())
                .queryCosts(QueryCostsRequest.newBuilder()
                        .setStartDate(date(from))
                        .setEndDate(date(TODAY.minusDays(1)))
                        .setFilter(CostFilter.newBuilder().addProviders(Provider.PROVIDER_OPENAI))
                        .addGroupBy(CostDimension.COST_DIMENSION_PROVIDER)
                        .addGroupBy(CostDimension.COST_DIMENSION_WORKSPACE)
                        .setPageSize(1000)
                        .build());
        assertThat(usd(onlyOpenAi.getTotal()).setScale(2, RoundingMode.HALF_EVEN))
                .isEqualByComparingTo(openAiTruth.setScale(2, RoundingMode.HALF_EVEN));
        assertThat(onlyOpenAi.getRowsList()).allSatisfy(r -> {
            assertThat(r.getProvider()).isEqualTo(Provider.PROVIDER_OPENAI);
            assertThat(r.getWorkspaceId()).matches("proj_.*|default");
        });
        assertThat(onlyOpenAi.getRowsList())
                .extracting(CostRow::getWorkspaceName)
                .contains("Default project");

        // One FOCUS export holds both, each with its own ProviderName and PublisherName.
        StringBuilder focus = new StringBuilder();
        bed.server
                .costs(openai.admin())
                .exportCosts(ExportCostsRequest.newBuilder()
                        .setStartDate(date(from))
                        .setEndDate(date(TODAY.minusDays(1)))
                        .setFormat(ExportFormat.EXPORT_FORMAT_FOCUS)
                        .build())
                .forEachRemaining(chunk -> focus.append(chunk.getData().toString(StandardCharsets.UTF_8)));
        List<String> lines = focus.toString().lines().toList();
        List<String> header = List.of(lines.get(0).split(","));
        int provider = header.indexOf("ProviderName");
        int publisher = header.indexOf("PublisherName");
        int billed = header.indexOf("BilledCost");
        Map<String, BigDecimal> exported = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);
            assertThat(cells[publisher]).isEqualTo(cells[provider]);
            exported.merge(cells[provider], new BigDecimal(cells[billed]), BigDecimal::add);
        }
        assertThat(exported.keySet()).isEqualTo(Set.of("OpenAI", "Anthropic"));
        assertThat(exported.get("OpenAI")).as("exact in the export").isEqualByComparingTo(openAiTruth);
        assertThat(exported.get("Anthropic")).isEqualByComparingTo(anthropicTruth);
        assertThat(anthropic.id()).isNotEqualTo(openai.id());
    }

    private Connection rotate(Connected c, String key) {
        return bed.server
                .integrations(c.admin())
                .updateCredential(UpdateCredentialRequest.newBuilder()
                        .setConnectionId(c.id().toString())
                        .setAdminApiKey(key)
                        .build())
                .getConnection();
    }

    private static StatusRuntimeException fails(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
    }
}
