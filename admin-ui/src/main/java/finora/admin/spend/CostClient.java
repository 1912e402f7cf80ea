package finora.admin.spend;

import finora.admin.grpc.CallDeadlines;
import finora.admin.grpc.ProtoValues;
import finora.admin.grpc.ServiceStub;
import finora.admin.settings.AiProvider;
import finora.api.v1.CostDimension;
import finora.api.v1.CostFilter;
import finora.api.v1.CostOrder;
import finora.api.v1.CostRow;
import finora.api.v1.CostServiceGrpc;
import finora.api.v1.ExportCostsRequest;
import finora.api.v1.ExportFormat;
import finora.api.v1.GetSpendSummaryRequest;
import finora.api.v1.GetSpendSummaryResponse;
import finora.api.v1.ListPriceDiscrepanciesRequest;
import finora.api.v1.ListPriceDiscrepanciesResponse;
import finora.api.v1.ListRestatementsRequest;
import finora.api.v1.ListRestatementsResponse;
import finora.api.v1.ListTagValuesRequest;
import finora.api.v1.Nowcast;
import finora.api.v1.QueryCostsRequest;
import finora.api.v1.QueryCostsResponse;
import finora.api.v1.TagFilter;
import io.grpc.Channel;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The server's CostService: grouped and paged spend, the spend summary, exports, tag values and the
 * price check (billed cost against tokens × list price).
 * Money arrives as exact {@link BigDecimal} USD and days as {@link java.time.LocalDate} (UTC).
 */
@Component
public final class CostClient {

    /** The tag key of workspaces. */
    public static final String WORKSPACE_TAG = "workspace";
    /** The tag key of API keys. */
    public static final String API_KEY_TAG = "api_key";
    /** The tag key of actors (users, service accounts, keys acting for themselves). */
    public static final String ACTOR_TAG = "actor";
    /** The tag key of products. */
    public static final String PRODUCT_TAG = "product";
    /** The tag value and row id of cost without an API key, actor or product (e.g. legacy report days). */
    public static final String UNATTRIBUTED = "unattributed";
    /** Corrections read per call; {@link #corrections} reads at most {@value #MAX_CORRECTION_PAGES} pages. */
    static final int CORRECTIONS_PAGE_SIZE = 1000;

    static final int MAX_CORRECTION_PAGES = 10;
    /** Rows per call when {@link #queryAll} reads every row of a query (the server's largest page). */
    static final int ALL_ROWS_PAGE_SIZE = 1000;
    /** Discrepancies the price check asks for, the largest first; the rest are counted, not listed. */
    static final int PRICE_CHECK_PAGE_SIZE = 200;

    private final ServiceStub<CostServiceGrpc.CostServiceBlockingStub> stub;
    private final Duration deadline;
    private final Duration exportDeadline;

    /** The client Spring wires: on the shared channel, with the configured deadlines. */
    @Autowired
    CostClient(Channel finoraChannel, CallDeadlines deadlines) {
        this(finoraChannel, deadlines.call(), deadlines.export());
    }

    /**
     * @param channel the channel to the server; the caller owns and closes it
     * @param deadline how long a query may take
     * @param exportDeadline how long a whole export stream may take
     */
    public CostClient(Channel channel, Duration deadline, Duration exportDeadline) {
        this.stub = new ServiceStub<>(channel, CostServiceGrpc::newBlockingStub);
        this.deadline = Objects.requireNonNull(deadline);
        this.exportDeadline = Objects.requireNonNull(exportDeadline);
    }

    /**
     * One page of a grouped cost query.
     *
     * @param pageSize rows per page, 1 to 1000
     * @param pageToken empty for the first page, else {@link CostPage#nextPageToken()} of the previous page
     * @throws FinoraCallException e.g. INVALID_RANGE for a range longer than two years or a stale token
     */
    public CostPage query(String token, CostQuery query, int pageSize, String pageToken) {
        QueryCostsRequest.Builder request = QueryCostsRequest.newBuilder()
                .setStartDate(ProtoValues.date(query.range().start()))
                .setEndDate(ProtoValues.date(query.range().end()))
                .setFilter(toProto(query.filters()))
                .setOrderBy(
                        switch (query.ordering()) {
                            case DATE -> CostOrder.COST_ORDER_DATE;
                            case AMOUNT_DESC -> CostOrder.COST_ORDER_AMOUNT_DESC;
                            case AMOUNT_ASC -> CostOrder.COST_ORDER_AMOUNT_ASC;
                        })
                .setPageSize(pageSize)
                .setPageToken(pageToken == null ? "" : pageToken);
        query.groupBy().forEach(g -> request.addGroupBy(toProto(g)));
        QueryCostsResponse response = stub.call(token, deadline, s -> s.queryCosts(request.build()));
        return new CostPage(
                response.getRowsList().stream()
                        .map(r -> toLine(r, query.groupBy()))
                        .toList(),
                ProtoValues.usd(response.getTotal()),
                response.getTotalRows(),
                response.getNextPageToken(),
                new Freshness(
                        response.hasCompleteThrough() ? ProtoValues.date(response.getCompleteThrough()) : null,
                        response.hasFinalThrough() ? ProtoValues.date(response.getFinalThrough()) : null));
    }

    /** Every row of a grouped cost query, read page by page ({@value #ALL_ROWS_PAGE_SIZE} rows a call). */
    public List<CostLine> queryAll(String token, CostQuery query) {
        List<CostLine> rows = new ArrayList<>();
        String pageToken = "";
        do {
            CostPage page = query(token, query, ALL_ROWS_PAGE_SIZE, pageToken);
            rows.addAll(page.rows());
            pageToken = page.nextPageToken();
        } while (!pageToken.isEmpty());
        return rows;
    }

    /** Total, change against the previous period, top lists and the month-end projection of a range. */
    public SpendSummary summary(String token, DateRange range, CostFilters filters) {
        GetSpendSummaryRequest request = GetSpendSummaryRequest.newBuilder()
                .setStartDate(ProtoValues.date(range.start()))
                .setEndDate(ProtoValues.date(range.end()))
                .setFilter(toProto(filters))
                .build();
        GetSpendSummaryResponse r = stub.call(token, deadline, s -> s.getSpendSummary(request));
        return new SpendSummary(
                ProtoValues.usd(r.getTotal()),
                ProtoValues.usd(r.getPreviousTotal()),
                r.getChangePercent().isEmpty() ? null : new BigDecimal(r.getChangePercent()),
                r.getTopModelsList().stream()
                        .map(s -> new SpendItem(s.getKey(), s.getDisplayName(), ProtoValues.usd(s.getAmount())))
                        .toList(),
                r.getTopWorkspacesList().stream()
                        .map(s -> new SpendItem(s.getKey(), s.getDisplayName(), ProtoValues.usd(s.getAmount())))
                        .toList(),
                ProtoValues.usd(r.getMonthToDate()),
                ProtoValues.usd(r.getMonthEndProjection()),
                new Freshness(
                        r.hasCompleteThrough() ? ProtoValues.date(r.getCompleteThrough()) : null,
                        r.hasFinalThrough() ? ProtoValues.date(r.getFinalThrough()) : null),
                r.hasDiscount()
                        ? new Discount(
                                ProtoValues.usd(r.getDiscount().getListAmount()),
                                ProtoValues.usd(r.getDiscount().getBilledAmount()),
                                ProtoValues.usd(r.getDiscount().getSaved()))
                        : null,
                r.hasTodaySoFar() ? toToday(r.getTodaySoFar()) : null,
                r.hasTokenUsage() ? toTokens(r.getTokenUsage()) : null);
    }

    private static TokenUsage toTokens(finora.api.v1.TokenUsage t) {
        return new TokenUsage(
                t.getInputTokens(),
                t.getOutputTokens(),
                t.getCacheReadTokens(),
                t.getCacheWriteTokens(),
                t.hasCostPerMillionTokens() ? ProtoValues.usd(t.getCostPerMillionTokens()) : null,
                t.getCacheHitRatePercent().isEmpty() ? null : new BigDecimal(t.getCacheHitRatePercent()),
                ProtoValues.usd(t.getCacheSavings()),
                t.getBatchSharePercent().isEmpty() ? null : new BigDecimal(t.getBatchSharePercent()));
    }

    /**
     * Today's provisional estimate (the "nowcast"), when the server has one. It covers the whole
     * tenant: the server does not filter it.
     *
     * @param today the current UTC day
     */
    public Optional<TodaySoFar> todaySoFar(String token, LocalDate today) {
        return summary(token, new DateRange(today, today), CostFilters.NONE).today();
    }

    /**
     * The corrections of the range's days (restatements), by day, then detection time; at most
     * {@value #CORRECTIONS_PAGE_SIZE} times {@value #MAX_CORRECTION_PAGES}, the earliest first.
     */
    public List<Correction> corrections(String token, DateRange range) {
        List<Correction> corrections = new ArrayList<>();
        String pageToken = "";
        for (int page = 0; page < MAX_CORRECTION_PAGES; page++) {
            ListRestatementsRequest request = ListRestatementsRequest.newBuilder()
                    .setStartDate(ProtoValues.date(range.start()))
                    .setEndDate(ProtoValues.date(range.end()))
                    .setPageSize(CORRECTIONS_PAGE_SIZE)
                    .setPageToken(pageToken)
                    .build();
            ListRestatementsResponse response = stub.call(token, deadline, s -> s.listRestatements(request));
            response.getRestatementsList()
                    .forEach(r -> corrections.add(new Correction(
                            ProtoValues.date(r.getDay()),
                            r.getOrganizationId(),
                            r.getOrganizationName(),
                            ProtoValues.usd(r.getBefore()),
                            ProtoValues.usd(r.getAfter()),
                            ProtoValues.usd(r.getDelta()),
                            ProtoValues.instant(r.getDetectTime()),
                            r.getAfterFinal())));
            pageToken = response.getNextPageToken();
            if (pageToken.isEmpty()) {
                break;
            }
        }
        return corrections;
    }

    /**
     * Where the range's billed cost and tokens × list price disagree beyond rounding, the largest
     * difference first (at most {@value #PRICE_CHECK_PAGE_SIZE}, with how many there are in all). The
     * check covers the whole tenant, whatever the filters.
     */
    public PriceCheck priceCheck(String token, DateRange range) {
        ListPriceDiscrepanciesRequest request = ListPriceDiscrepanciesRequest.newBuilder()
                .setStartDate(ProtoValues.date(range.start()))
                .setEndDate(ProtoValues.date(range.end()))
                .setPageSize(PRICE_CHECK_PAGE_SIZE)
                .build();
        ListPriceDiscrepanciesResponse response = stub.call(token, deadline, s -> s.listPriceDiscrepancies(request));
        return new PriceCheck(
                response.getDiscrepanciesList().stream()
                        .map(CostClient::toDiscrepancy)
                        .toList(),
                Math.max(response.getTotal(), response.getDiscrepanciesCount()));
    }

    private static PriceDiscrepancy toDiscrepancy(finora.api.v1.PriceDiscrepancy d) {
        return new PriceDiscrepancy(
                ProtoValues.date(d.getDay()),
                switch (d.getProvider()) {
                    case PROVIDER_ANTHROPIC -> AiProvider.ANTHROPIC;
                    case PROVIDER_OPENAI -> AiProvider.OPENAI;
                    default -> null;
                },
                d.getWorkspaceId(),
                d.getModel(),
                d.getTokenType(),
                d.getServiceTier(),
                d.getUsageQuantity(),
                ProtoValues.usd(d.getBilled()),
                ProtoValues.usd(d.getExpected()),
                ProtoValues.usd(d.getDifference()),
                d.getListUnitPrice().isEmpty() ? null : new BigDecimal(d.getListUnitPrice()),
                switch (d.getHint()) {
                    case PRICE_HINT_PRICE_CHANGE -> PriceDiscrepancy.Hint.PRICE_CHANGE;
                    case PRICE_HINT_DISCOUNT -> PriceDiscrepancy.Hint.DISCOUNT;
                    case PRICE_HINT_ABOVE_LIST -> PriceDiscrepancy.Hint.ABOVE_LIST;
                    case PRICE_HINT_PRIORITY_TIER_GAP -> PriceDiscrepancy.Hint.PRIORITY_TIER_GAP;
                    case PRICE_HINT_COST_WITHOUT_USAGE -> PriceDiscrepancy.Hint.COST_WITHOUT_USAGE;
                    default -> PriceDiscrepancy.Hint.OTHER;
                },
                d.getExplanation());
    }

    /** The values a tag takes in the tenant's data, by display name; e.g. {@link #WORKSPACE_TAG}. */
    public List<TagOption> tagValues(String token, String key) {
        return stub
                .call(
                        token,
                        deadline,
                        s -> s.listTagValues(
                                ListTagValuesRequest.newBuilder().setKey(key).build()))
                .getValuesList()
                .stream()
                .map(v -> new TagOption(v.getValue(), v.getDisplayName()))
                .toList();
    }

    /**
     * Streams the line items of a range into {@code out} as they arrive (UTF-8 CSV, header first).
     * If writing fails (the browser went away), the server's stream is cancelled.
     *
     * @return the number of line items written
     * @throws UncheckedIOException writing to {@code out} failed
     */
    public long export(String token, DateRange range, CostFilters filters, ExportKind kind, OutputStream out) {
        ExportCostsRequest request = ExportCostsRequest.newBuilder()
                .setStartDate(ProtoValues.date(range.start()))
                .setEndDate(ProtoValues.date(range.end()))
                .setFilter(toProto(filters))
                .setFormat(kind == ExportKind.FOCUS ? ExportFormat.EXPORT_FORMAT_FOCUS : ExportFormat.EXPORT_FORMAT_CSV)
                .build();
        long[] rows = {0};
        stub.stream(token, exportDeadline, s -> s.exportCosts(request), chunk -> {
            chunk.getData().writeTo(out);
            rows[0] += chunk.getRows();
        });
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows[0];
    }

    private static TodaySoFar toToday(Nowcast n) {
        return new TodaySoFar(
                n.getLabel(),
                ProtoValues.date(n.getDay()),
                ProtoValues.usd(n.getAmount()),
                n.hasListAmount() ? ProtoValues.usd(n.getListAmount()) : null,
                n.getHoursList().stream()
                        .map(h -> new TodaySoFar.Hour(
                                ProtoValues.instant(h.getStartTime()), ProtoValues.usd(h.getAmount())))
                        .toList(),
                ProtoValues.instant(n.getThroughTime()),
                n.hasFetchTime() ? ProtoValues.instant(n.getFetchTime()) : null,
                n.hasDataRefreshedTime() ? ProtoValues.instant(n.getDataRefreshedTime()) : null);
    }

    private static CostLine toLine(CostRow r, List<CostGrouping> groupBy) {
        boolean byPeriod = groupBy.contains(CostGrouping.DAY)
                || groupBy.contains(CostGrouping.WEEK)
                || groupBy.contains(CostGrouping.MONTH);
        boolean byWorkspace = groupBy.contains(CostGrouping.WORKSPACE);
        boolean byVersion = groupBy.contains(CostGrouping.MODEL_VERSION) || groupBy.contains(CostGrouping.MODEL);
        return new CostLine(
                byPeriod && r.hasPeriodStart() ? ProtoValues.date(r.getPeriodStart()) : null,
                // The server fills in the family when grouping by version or model: versions of families share names.
                groupBy.contains(CostGrouping.MODEL_FAMILY) || byVersion ? r.getModelFamily() : null,
                groupBy.contains(CostGrouping.MODEL) ? r.getModel() : null,
                byVersion ? r.getModelVersion() : null,
                byWorkspace ? r.getWorkspaceId() : null,
                byWorkspace ? r.getWorkspaceName() : null,
                ProtoValues.usd(r.getAmount()),
                r.getProvisional(),
                groupBy.contains(CostGrouping.API_KEY) ? r.getApiKeyId() : null,
                groupBy.contains(CostGrouping.API_KEY) ? r.getApiKeyName() : null,
                groupBy.contains(CostGrouping.ACTOR) ? r.getActorId() : null,
                groupBy.contains(CostGrouping.ACTOR) ? r.getActorName() : null,
                groupBy.contains(CostGrouping.PRODUCT) ? r.getProduct() : null,
                r.hasListAmount() ? ProtoValues.usd(r.getListAmount()) : null,
                groupBy.contains(CostGrouping.PROVIDER)
                        ? switch (r.getProvider()) {
                            case PROVIDER_ANTHROPIC -> AiProvider.ANTHROPIC;
                            case PROVIDER_OPENAI -> AiProvider.OPENAI;
                            default -> null;
                        }
                        : null);
    }

    private static CostFilter toProto(CostFilters filters) {
        CostFilter.Builder f = CostFilter.newBuilder()
                .addAllModelFamilies(filters.modelFamilies())
                .addAllModels(filters.models());
        addTag(f, WORKSPACE_TAG, filters.workspaceIds());
        addTag(f, API_KEY_TAG, filters.apiKeyIds());
        addTag(f, ACTOR_TAG, filters.actorIds());
        addTag(f, PRODUCT_TAG, filters.products());
        for (AiProvider p : filters.providers()) {
            f.addProviders(
                    p == AiProvider.OPENAI
                            ? finora.api.v1.Provider.PROVIDER_OPENAI
                            : finora.api.v1.Provider.PROVIDER_ANTHROPIC);
        }
        return f.build();
    }

    private static void addTag(CostFilter.Builder filter, String key, List<String> values) {
        if (!values.isEmpty()) {
            filter.addTags(TagFilter.newBuilder().setKey(key).addAllValues(values));
        }
    }

    private static CostDimension toProto(CostGrouping grouping) {
        return switch (grouping) {
            case DAY -> CostDimension.COST_DIMENSION_DAY;
            case WEEK -> CostDimension.COST_DIMENSION_WEEK;
            case MONTH -> CostDimension.COST_DIMENSION_MONTH;
            case MODEL_FAMILY -> CostDimension.COST_DIMENSION_MODEL_FAMILY;
            case MODEL_VERSION -> CostDimension.COST_DIMENSION_MODEL_VERSION;
            case MODEL -> CostDimension.COST_DIMENSION_MODEL;
            case WORKSPACE -> CostDimension.COST_DIMENSION_WORKSPACE;
            case COST_TYPE -> CostDimension.COST_DIMENSION_COST_TYPE;
            case TOKEN_TYPE -> CostDimension.COST_DIMENSION_TOKEN_TYPE;
            case SERVICE_TIER -> CostDimension.COST_DIMENSION_SERVICE_TIER;
            case API_KEY -> CostDimension.COST_DIMENSION_API_KEY;
            case ACTOR -> CostDimension.COST_DIMENSION_ACTOR;
            case PRODUCT -> CostDimension.COST_DIMENSION_PRODUCT;
            case PROVIDER -> CostDimension.COST_DIMENSION_PROVIDER;
        };
    }
}
