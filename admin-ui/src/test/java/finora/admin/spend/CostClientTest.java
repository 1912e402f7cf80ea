package finora.admin.spend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import finora.admin.grpc.FakeCostService;
import finora.admin.grpc.FakeFinoraServer;
import finora.admin.grpc.NotAuthenticatedException;
import finora.api.v1.CostDimension;
import finora.api.v1.CostOrder;
import finora.api.v1.QueryCostsRequest;
import io.grpc.ManagedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CostClientTest {

    private static final String TOKEN = FakeFinoraServer.TOKEN;
    private static final DateRange NOVEMBER = new DateRange(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 24));

    @RegisterExtension
    final FakeFinoraServer server = new FakeFinoraServer();

    private final ManagedChannel channel = server.channel();
    private final CostClient client = new CostClient(channel, Duration.ofSeconds(5), Duration.ofMinutes(5));

    @AfterEach
    void close() {}

    @Test
    void query_translatesRowsMoneyAndDays_exactly() {
        CostPage page = client.query(
                TOKEN,
                new CostQuery(NOVEMBER, List.of(CostGrouping.DAY), CostFilters.NONE, CostOrdering.DATE),
                100,
                "");

        assertThat(page.rows()).hasSize(24);
        CostLine first = page.rows().get(0);
        assertThat(first.period()).isEqualTo(LocalDate.of(2026, 11, 1));
        assertThat(first.amount()).isEqualByComparingTo("16.35");
        assertThat(first.model()).isNull();
        assertThat(first.provisional()).isFalse();
        assertThat(page.rows().get(23).provisional()).isTrue();
        assertThat(page.total()).isEqualByComparingTo(new BigDecimal("392.40"));
        assertThat(page.totalRows()).isEqualTo(24);
        assertThat(page.freshness())
                .isEqualTo(new Freshness(FakeCostService.COMPLETE_THROUGH, FakeCostService.FINAL_THROUGH));
    }

    @Test
    void query_byModelVersion_carriesFamilyAndVersion() {
        CostPage page = client.query(
                TOKEN,
                new CostQuery(
                        NOVEMBER, List.of(CostGrouping.MODEL_VERSION), CostFilters.NONE, CostOrdering.AMOUNT_DESC),
                100,
                "");

        assertThat(server.costs().queries().get(0).getGroupByList())
                .containsExactly(CostDimension.COST_DIMENSION_MODEL_VERSION);
        assertThat(page.rows())
                .extracting(CostLine::modelFamily, CostLine::modelVersion)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Opus", "4.1"),
                        org.assertj.core.groups.Tuple.tuple("Sonnet", "4.5"),
                        org.assertj.core.groups.Tuple.tuple("Haiku", "4.5"),
                        org.assertj.core.groups.Tuple.tuple("", ""));
        assertThat(page.rows().get(0).model()).isNull();
    }

    @Test
    void query_byApiKeyAndActor_carriesIdsNamesAndListPrices_andSendsTheNewTagFilters() {
        CostFilters onlyAda = new CostFilters(
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(FakeCostService.ADA),
                List.of("api", CostClient.UNATTRIBUTED));

        CostPage page = client.query(
                TOKEN,
                new CostQuery(
                        NOVEMBER, List.of(CostGrouping.API_KEY, CostGrouping.ACTOR), onlyAda, CostOrdering.AMOUNT_DESC),
                100,
                "");

        assertThat(server.costs().queries().get(0).getFilter().getTagsList())
                .extracting(t -> t.getKey() + "=" + t.getValuesList())
                .containsExactly("actor=[" + FakeCostService.ADA + "]", "product=[api, unattributed]");
        assertThat(page.rows()).singleElement().satisfies(line -> {
            assertThat(line.apiKeyId()).isEqualTo(FakeCostService.RESEARCH_KEY);
            assertThat(line.apiKeyName()).isEqualTo(FakeCostService.RESEARCH_KEY_NAME);
            assertThat(line.actorId()).isEqualTo(FakeCostService.ADA);
            assertThat(line.actorName()).isEqualTo(FakeCostService.ADA_NAME);
            assertThat(line.product()).isNull();
            assertThat(line.amount()).isEqualByComparingTo("240.00");
            assertThat(line.listAmount()).isEqualByComparingTo("300.00");
        });
    }

    @Test
    void summary_carriesTheDiscount_andNoTodayForAClosedRange() {
        SpendSummary summary = client.summary(TOKEN, NOVEMBER, CostFilters.NONE);

        assertThat(summary.discounted()).hasValueSatisfying(d -> {
            assertThat(d.listAmount()).isEqualByComparingTo("452.40");
            assertThat(d.billedAmount()).isEqualByComparingTo("392.40");
            assertThat(d.saved()).isEqualByComparingTo("60.00");
        });
        assertThat(summary.today()).isEmpty();
    }

    @Test
    void summary_ofLegacyDaysOnly_hasNoDiscount() {
        assertThat(client.summary(
                                TOKEN,
                                new DateRange(LocalDate.of(2026, 7, 1), LocalDate.of(2026, 7, 31)),
                                CostFilters.NONE)
                        .discounted())
                .isEmpty();
    }

    @Test
    void todaySoFar_asksForTodayOnly_andCarriesHoursAndTimes() {
        LocalDate today = LocalDate.of(2026, 11, 25);
        server.costs().setTodaySoFar(today, Instant.parse("2026-11-25T03:10:00Z"), "1.50", "0.25", "0.000001");

        TodaySoFar estimate = client.todaySoFar(TOKEN, today).orElseThrow();

        assertThat(estimate.label()).isEqualTo("today so far, provisional");
        assertThat(estimate.day()).isEqualTo(today);
        assertThat(estimate.amount()).isEqualByComparingTo("1.750001");
        assertThat(estimate.hours())
                .extracting(TodaySoFar.Hour::start)
                .containsExactly(
                        Instant.parse("2026-11-25T00:00:00Z"),
                        Instant.parse("2026-11-25T01:00:00Z"),
                        Instant.parse("2026-11-25T02:00:00Z"));
        assertThat(estimate.throughTime()).isEqualTo(Instant.parse("2026-11-25T03:00:00Z"));
        assertThat(estimate.fetchTime()).isEqualTo(Instant.parse("2026-11-25T03:10:00Z"));
        assertThat(client.todaySoFar(TOKEN, today.plusDays(1))).isEmpty();
    }

    @Test
    void corrections_ofTheRange_withBeforeAfterAndDelta_exactly() {
        server.costs()
                .addCorrection(
                        LocalDate.of(2026, 11, 5),
                        "Acme Robotics",
                        "412.80",
                        "398.123456",
                        Instant.parse("2026-11-26T10:00:00Z"),
                        true);
        server.costs()
                .addCorrection(
                        LocalDate.of(2026, 10, 5),
                        "Acme Robotics",
                        "1",
                        "2",
                        Instant.parse("2026-10-08T10:00:00Z"),
                        false);

        List<Correction> corrections = client.corrections(TOKEN, NOVEMBER);

        assertThat(corrections).singleElement().satisfies(c -> {
            assertThat(c.day()).isEqualTo(LocalDate.of(2026, 11, 5));
            assertThat(c.organizationName()).isEqualTo("Acme Robotics");
            assertThat(c.before()).isEqualByComparingTo("412.80");
            assertThat(c.after()).isEqualByComparingTo("398.123456");
            assertThat(c.delta()).isEqualByComparingTo("-14.676544");
            assertThat(c.detectedAt()).isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
            assertThat(c.afterFinal()).isTrue();
        });
        assertThat(server.costs().restatementRequests().get(0).getPageSize())
                .isEqualTo(CostClient.CORRECTIONS_PAGE_SIZE);
    }

    @Test
    void corrections_readEveryPage() {
        LocalDate day = NOVEMBER.start();
        for (int i = 0; i < CostClient.CORRECTIONS_PAGE_SIZE + 5; i++) {
            server.costs()
                    .addCorrection(
                            day.plusDays(i % 24),
                            "Acme Robotics",
                            "1",
                            "2",
                            Instant.parse("2026-11-26T10:00:00Z").plusSeconds(i),
                            false);
        }

        assertThat(client.corrections(TOKEN, NOVEMBER)).hasSize(CostClient.CORRECTIONS_PAGE_SIZE + 5);
        assertThat(server.costs().restatementRequests()).hasSize(2);
    }

    @Test
    void query_sendsRangeGroupingFilterOrderAndPaging() {
        client.query(
                TOKEN,
                new CostQuery(
                        NOVEMBER,
                        List.of(CostGrouping.DAY, CostGrouping.MODEL_FAMILY),
                        new CostFilters(
                                List.of("Opus"), List.of(FakeCostService.OPUS), List.of(FakeCostService.RESEARCH_ID)),
                        CostOrdering.AMOUNT_DESC),
                7,
                "");

        QueryCostsRequest sent = server.costs().queries().get(0);
        assertThat(sent.getStartDate().getDay()).isEqualTo(1);
        assertThat(sent.getEndDate().getDay()).isEqualTo(24);
        assertThat(sent.getGroupByList())
                .containsExactly(CostDimension.COST_DIMENSION_DAY, CostDimension.COST_DIMENSION_MODEL_FAMILY);
        assertThat(sent.getOrderBy()).isEqualTo(CostOrder.COST_ORDER_AMOUNT_DESC);
        assertThat(sent.getPageSize()).isEqualTo(7);
        assertThat(sent.getFilter().getModelFamiliesList()).containsExactly("Opus");
        assertThat(sent.getFilter().getTags(0).getKey()).isEqualTo("workspace");
        assertThat(sent.getFilter().getTags(0).getValuesList()).containsExactly(FakeCostService.RESEARCH_ID);
    }

    @Test
    void query_followsOpaquePageTokens() {
        CostQuery byDay = new CostQuery(NOVEMBER, List.of(CostGrouping.DAY), CostFilters.NONE, CostOrdering.DATE);

        CostPage first = client.query(TOKEN, byDay, 10, "");
        CostPage second = client.query(TOKEN, byDay, 10, first.nextPageToken());

        assertThat(first.hasNextPage()).isTrue();
        assertThat(second.rows().get(0).period()).isEqualTo(LocalDate.of(2026, 11, 11));
    }

    @Test
    void summary_hasTotalChangeAndProjection() {
        DateRange last30 = new DateRange(LocalDate.of(2026, 10, 26), LocalDate.of(2026, 11, 24));

        SpendSummary summary = client.summary(TOKEN, last30, CostFilters.NONE);

        assertThat(summary.total()).isEqualByComparingTo("490.50");
        assertThat(summary.previousTotal()).isEqualByComparingTo("460.50");
        assertThat(summary.changePercent()).isEqualByComparingTo("6.5");
        assertThat(summary.monthToDate()).isEqualByComparingTo("392.40");
        assertThat(summary.monthEndProjection()).isEqualByComparingTo("490.50");
    }

    @Test
    void summary_withoutPreviousSpend_hasNoChange() {
        DateRange june = new DateRange(FakeCostService.FIRST_DAY, FakeCostService.FIRST_DAY.plusDays(6));

        assertThat(client.summary(TOKEN, june, CostFilters.NONE).change()).isEmpty();
    }

    @Test
    void tagValues_listWorkspaces() {
        assertThat(client.tagValues(TOKEN, CostClient.WORKSPACE_TAG))
                .containsExactly(
                        new TagOption("default", "Default"), new TagOption(FakeCostService.RESEARCH_ID, "Research"));
    }

    @Test
    void export_streamsEveryChunkInOrder() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        long rows = client.export(TOKEN, NOVEMBER, CostFilters.NONE, ExportKind.CSV, out);

        String csv = out.toString(StandardCharsets.UTF_8);
        assertThat(rows).isEqualTo(96);
        assertThat(csv).startsWith("date,model,workspace_id,amount_usd\n2026-11-01,");
        assertThat(csv.lines()).hasSize(97);
    }

    @Test
    void export_whenTheBrowserGoesAway_stopsWithAnIoError() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };

        assertThatThrownBy(() -> client.export(TOKEN, NOVEMBER, CostFilters.NONE, ExportKind.CSV, broken))
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void queries_carryBearerAndDeadline() {
        client.summary(TOKEN, NOVEMBER, CostFilters.NONE);

        assertThat(server.authorizationHeaders()).containsExactly("Bearer " + TOKEN);
        assertThat(server.deadlines().get(0).timeRemaining(TimeUnit.MILLISECONDS))
                .isPositive()
                .isLessThanOrEqualTo(5_000);
    }

    @Test
    void dateRange_refusesEndBeforeStart() {
        assertThatThrownBy(() -> new DateRange(LocalDate.of(2026, 11, 2), LocalDate.of(2026, 11, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void expiredSession_isNotAuthenticated() {
        server.revokeSession();

        assertThatThrownBy(() -> client.summary(TOKEN, NOVEMBER, CostFilters.NONE))
                .isInstanceOf(NotAuthenticatedException.class);
    }
}
