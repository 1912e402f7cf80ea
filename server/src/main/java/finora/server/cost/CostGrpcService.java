package finora.server.cost;

import static finora.server.grpc.ProtoValues.date;
import static finora.server.grpc.ProtoValues.respond;
import static finora.server.grpc.ProtoValues.timestamp;

import com.google.protobuf.ByteString;
import finora.api.v1.CostFilter;
import finora.api.v1.CostRow;
import finora.api.v1.CostServiceGrpc;
import finora.api.v1.Discount;
import finora.api.v1.ExportCostsRequest;
import finora.api.v1.ExportCostsResponse;
import finora.api.v1.ExportFormat;
import finora.api.v1.GetSpendSummaryRequest;
import finora.api.v1.GetSpendSummaryResponse;
import finora.api.v1.ListRestatementsRequest;
import finora.api.v1.ListRestatementsResponse;
import finora.api.v1.ListTagValuesRequest;
import finora.api.v1.ListTagValuesResponse;
import finora.api.v1.Nowcast;
import finora.api.v1.NowcastHour;
import finora.api.v1.Provider;
import finora.api.v1.QueryCostsRequest;
import finora.api.v1.QueryCostsResponse;
import finora.api.v1.Restatement;
import finora.api.v1.SpendShare;
import finora.api.v1.TagValue;
import finora.server.auth.Principal;
import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import finora.server.grpc.FlowControlledStream;
import finora.server.grpc.UsdMoney;
import finora.server.provider.WorkspaceId;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * {@code finora.v1.CostService}: the adapter of spend queries; protos in, {@link CostService} for the
 * rules, protos out. READER tokens may call all.
 */
public final class CostGrpcService extends CostServiceGrpc.CostServiceImplBase {
    /** What the UI shows beside today's estimate, as is. */
    static final String NOWCAST_LABEL = "today so far, provisional";

    private final CostQueryCache cache;
    private final CostExports exports;
    private final CostService costs;

    /**
     * Creates the adapter over {@code costs}, reusing answers from {@code cache} while they are current
     * and running exports within the limits of {@code exports}.
     */
    public CostGrpcService(CostService costs, CostQueryCache cache, CostExports exports) {
        this.cache = cache;
        this.exports = exports;
        this.costs = costs;
    }

    @Override
    public void queryCosts(QueryCostsRequest request, StreamObserver<QueryCostsResponse> response) {
        Principal caller = Principal.current();
        long version = cache.version(caller.tenantId());
        ByteString key = request.toByteString();
        Optional<QueryCostsResponse> cached = cache.get(caller.tenantId(), version, key);
        if (cached.isPresent()) {
            respond(response, cached.get());
            return;
        }
        QueryCostsResponse answer = query(caller.tenantId(), request);
        cache.put(caller.tenantId(), version, key, answer);
        respond(response, answer);
    }

    private QueryCostsResponse query(UUID tenant, QueryCostsRequest request) {
        CostQuery cost = CostRequest.of(
                request.getStartDate(),
                request.getEndDate(),
                request.hasStartDate(),
                request.hasEndDate(),
                request.getFilter());
        List<Dimension> dims = CostRequest.dimensions(request.getGroupByList());
        CostService.QueryPage page = costs.query(
                tenant,
                cost,
                dims,
                CostRequest.order(request.getOrderBy()),
                request.getPageToken(),
                request.getPageSize());
        var b = QueryCostsResponse.newBuilder()
                .setTotal(UsdMoney.of(page.total()))
                .setTotalRows(page.totalRows())
                .setNextPageToken(page.nextPageToken());
        boolean byProvider = dims.contains(Dimension.PROVIDER);
        Map<List<Object>, Long> quantities = costs.usageQuantities(tenant, cost, dims);
        for (CostRepository.Row row : page.rows()) {
            CostRow.Builder proto = toProto(row, byProvider).toBuilder();
            Long quantity = quantities.get(usageKey(row, dims));
            if (quantity != null) {
                proto.setUsageQuantity(quantity);
            }
            b.addRows(proto);
        }
        freshness(page.freshness(), b::setCompleteThrough, b::setFinalThrough);
        return b.build();
    }

    @Override
    public void getSpendSummary(GetSpendSummaryRequest request, StreamObserver<GetSpendSummaryResponse> response) {
        CostQuery cost = CostRequest.of(
                request.getStartDate(),
                request.getEndDate(),
                request.hasStartDate(),
                request.hasEndDate(),
                request.getFilter());
        CostService.Summary s = costs.summary(Principal.current().tenantId(), cost);
        var b = GetSpendSummaryResponse.newBuilder()
                .setTotal(UsdMoney.of(s.total()))
                .setPreviousTotal(UsdMoney.of(s.previousTotal()))
                .setMonthToDate(UsdMoney.of(s.monthToDate()))
                .setMonthEndProjection(UsdMoney.of(s.monthEndProjection()));
        s.changePercent().ifPresent(b::setChangePercent);
        s.topModels().forEach(m -> b.addTopModels(share(m, UnaryOperator.identity())));
        s.topWorkspaces().forEach(w -> b.addTopWorkspaces(share(w, WorkspaceId::toWire)));
        s.topApiKeys().forEach(k -> b.addTopApiKeys(share(k, CostRequest::attributed)));
        s.topActors().forEach(a -> b.addTopActors(share(a, CostRequest::attributed)));
        s.discount()
                .ifPresent(d -> b.setDiscount(Discount.newBuilder()
                        .setListAmount(UsdMoney.of(d.list()))
                        .setBilledAmount(UsdMoney.of(d.billed()))
                        .setSaved(UsdMoney.of(d.list().subtract(d.billed())))));
        s.todaySoFar().ifPresent(n -> b.setTodaySoFar(toProto(n)));
        freshness(s.freshness(), b::setCompleteThrough, b::setFinalThrough);
        costs.tokenUsage(Principal.current().tenantId(), cost).ifPresent(t -> b.setTokenUsage(toProto(t)));
        respond(response, b.build());
    }

    private static SpendShare share(CostService.Share s, UnaryOperator<String> wireKey) {
        return SpendShare.newBuilder()
                .setKey(wireKey.apply(s.key()))
                .setDisplayName(s.displayName())
                .setAmount(UsdMoney.of(s.amount()))
                .build();
    }

    /**
     * Streams the line items as CSV or FOCUS from one read-only transaction on the export pool. The
     * handler only checks the request and takes a slot (or answers EXPORTS_BUSY); the export runs on a
     * thread of its own, sending while the client reads and giving up on one that stalls.
     */
    @Override
    public void exportCosts(ExportCostsRequest request, StreamObserver<ExportCostsResponse> response) {
        Principal caller = Principal.current();
        CostQuery cost = CostRequest.of(
                request.getStartDate(),
                request.getEndDate(),
                request.hasStartDate(),
                request.hasEndDate(),
                request.getFilter());
        if (request.getFormat() != ExportFormat.EXPORT_FORMAT_CSV
                && request.getFormat() != ExportFormat.EXPORT_FORMAT_FOCUS) {
            throw new FinoraException(
                    ErrorReason.INVALID_ARGUMENT, "format must be EXPORT_FORMAT_CSV or EXPORT_FORMAT_FOCUS");
        }
        boolean focus = request.getFormat() == ExportFormat.EXPORT_FORMAT_FOCUS;
        CostExports.Slot slot = exports.acquire(caller.tenantId());
        FlowControlledStream<ExportCostsResponse> stream;
        try {
            stream = new FlowControlledStream<>(
                    (ServerCallStreamObserver<ExportCostsResponse>) response,
                    exports.limits().stallTimeout());
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
        exports.run(
                slot,
                stream,
                () -> costs.export(
                        caller.tenantId(),
                        cost,
                        focus,
                        (chunk, rows) -> stream.send(ExportCostsResponse.newBuilder()
                                .setData(ByteString.copyFromUtf8(chunk.toString()))
                                .setRows(rows)
                                .build())));
    }

    @Override
    public void listTagValues(ListTagValuesRequest request, StreamObserver<ListTagValuesResponse> response) {
        String key = request.getKey();
        if (!CostRequest.TAG_KEYS.contains(key)) {
            throw CostRequest.unknownTag(key);
        }
        UnaryOperator<String> wire = "workspace".equals(key) ? WorkspaceId::toWire : CostRequest::attributed;
        var b = ListTagValuesResponse.newBuilder();
        for (CostService.Share v : costs.tagValues(Principal.current().tenantId(), key)) {
            b.addValues(TagValue.newBuilder().setValue(wire.apply(v.key())).setDisplayName(v.displayName()));
        }
        respond(response, b.build());
    }

    @Override
    public void listRestatements(ListRestatementsRequest request, StreamObserver<ListRestatementsResponse> response) {
        CostQuery cost = CostRequest.of(
                request.getStartDate(),
                request.getEndDate(),
                request.hasStartDate(),
                request.hasEndDate(),
                CostFilter.getDefaultInstance());
        CostService.RestatementPage page = costs.restatements(
                Principal.current().tenantId(), cost.range(), request.getPageToken(), request.getPageSize());
        var b = ListRestatementsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        for (var c : page.corrections()) {
            b.addRestatements(Restatement.newBuilder()
                    .setDay(date(c.day()))
                    .setProvider(finora.server.grpc.ProtoValues.provider(c.provider()))
                    .setOrganizationId(c.organizationId())
                    .setOrganizationName(c.organizationName())
                    .setBefore(UsdMoney.of(c.before()))
                    .setAfter(UsdMoney.of(c.after()))
                    .setDelta(UsdMoney.of(c.after().subtract(c.before())))
                    .setDetectTime(timestamp(c.detectedAt()))
                    .setAfterFinal(c.afterFinal()));
        }
        respond(response, b.build());
    }

    @Override
    public void listPriceDiscrepancies(
            finora.api.v1.ListPriceDiscrepanciesRequest request,
            StreamObserver<finora.api.v1.ListPriceDiscrepanciesResponse> response) {
        CostQuery.Range range = CostRequest.of(
                        request.getStartDate(),
                        request.getEndDate(),
                        request.hasStartDate(),
                        request.hasEndDate(),
                        finora.api.v1.CostFilter.getDefaultInstance())
                .range();
        int size = request.getPageSize() == 0 ? CostService.DEFAULT_PAGE_SIZE : request.getPageSize();
        if (size < 1 || size > CostService.MAX_PAGE_SIZE) {
            throw new FinoraException(
                    ErrorReason.INVALID_ARGUMENT, "page_size must be 1 to " + CostService.MAX_PAGE_SIZE);
        }
        List<PriceCheck.Discrepancy> all =
                costs.priceDiscrepancies(Principal.current().tenantId(), range);
        var b = finora.api.v1.ListPriceDiscrepanciesResponse.newBuilder().setTotal(all.size());
        for (PriceCheck.Discrepancy d : all.subList(0, Math.min(size, all.size()))) {
            var k = d.group().key();
            var p = finora.api.v1.PriceDiscrepancy.newBuilder()
                    .setDay(date(k.day()))
                    .setProvider(
                            "OPENAI".equals(d.group().provider())
                                    ? Provider.PROVIDER_OPENAI
                                    : Provider.PROVIDER_ANTHROPIC)
                    .setOrganizationId(d.group().organizationId())
                    .setWorkspaceId(WorkspaceId.toWire(k.workspaceId()))
                    .setModel(k.model())
                    .setTokenType(k.tokenType())
                    .setServiceTier(k.serviceTier())
                    .setContextWindow(k.contextWindow())
                    .setSpeed(k.speed())
                    .setUsageQuantity(
                            d.group().quantity() == null ? 0 : d.group().quantity())
                    .setBilled(UsdMoney.of(d.billed()))
                    .setExpected(UsdMoney.of(d.expected()))
                    .setDifference(UsdMoney.of(d.difference()))
                    .setHint(finora.api.v1.PriceHint.valueOf(
                            "PRICE_HINT_" + d.hint().name()))
                    .setExplanation(d.explanation());
            if (d.price() != null) {
                p.setListUnitPrice(
                                d.price().usdPerMillion().stripTrailingZeros().toPlainString())
                        .setSkuPriceId(d.price().priceId());
            }
            b.addDiscrepancies(p);
        }
        respond(response, b.build());
    }

    private static finora.api.v1.TokenUsage toProto(TokenSummary t) {
        var b = finora.api.v1.TokenUsage.newBuilder()
                .setInputTokens(t.input())
                .setOutputTokens(t.output())
                .setCacheReadTokens(t.cacheRead())
                .setCacheWriteTokens(t.cacheWrite())
                .setCacheSavings(UsdMoney.of(t.cacheSavings()));
        t.costPerMillion().ifPresent(v -> b.setCostPerMillionTokens(UsdMoney.of(v)));
        t.cacheHitRatePercent().ifPresent(b::setCacheHitRatePercent);
        t.batchSharePercent().ifPresent(b::setBatchSharePercent);
        return b.build();
    }

    /** A cost row's values of the asked dimensions, in the form {@link UsageRepository#quantities} keys them. */
    private static List<Object> usageKey(CostRepository.Row row, List<Dimension> dims) {
        List<Object> key = new java.util.ArrayList<>();
        for (Dimension d : dims) {
            key.add(
                    switch (d) {
                        case DAY, WEEK, MONTH -> row.period();
                        case MODEL_FAMILY -> row.modelFamily();
                        case MODEL_VERSION -> row.modelVersion();
                        case MODEL -> row.model();
                        case WORKSPACE -> row.workspaceId();
                        case COST_TYPE -> row.costType();
                        case TOKEN_TYPE -> row.tokenType();
                        case SERVICE_TIER -> row.serviceTier();
                        case CONTEXT_WINDOW -> row.contextWindow();
                        case SPEED -> row.speed();
                        default -> "";
                    });
        }
        return key;
    }

    private static Nowcast toProto(CostService.Nowcast n) {
        var b = Nowcast.newBuilder()
                .setLabel(NOWCAST_LABEL)
                .setDay(date(n.day()))
                .setAmount(UsdMoney.of(n.amount()))
                .setThroughTime(timestamp(n.through()));
        for (CostRepository.NowcastHour h : n.hours()) {
            b.addHours(
                    NowcastHour.newBuilder().setStartTime(timestamp(h.start())).setAmount(UsdMoney.of(h.amount())));
        }
        if (n.listAmount() != null) {
            b.setListAmount(UsdMoney.of(n.listAmount()));
        }
        if (n.fetchedAt() != null) {
            b.setFetchTime(timestamp(n.fetchedAt()));
        }
        if (n.dataRefreshedAt() != null) {
            b.setDataRefreshedTime(timestamp(n.dataRefreshedAt()));
        }
        return b.build();
    }

    private static CostRow toProto(CostRepository.Row row, boolean byProvider) {
        var b = CostRow.newBuilder().setAmount(UsdMoney.of(row.amount())).setProvisional(row.provisional());
        if (row.period() != null) {
            b.setPeriodStart(date(row.period()));
        }
        if (byProvider && row.provider() != null) {
            b.setProvider(finora.server.grpc.ProtoValues.provider(row.provider()));
        }
        if (row.modelFamily() != null) {
            b.setModelFamily(row.modelFamily());
        }
        if (row.modelVersion() != null) {
            b.setModelVersion(row.modelVersion());
        }
        if (row.contextWindow() != null) {
            b.setContextWindow(row.contextWindow());
        }
        if (row.inferenceGeo() != null) {
            b.setInferenceGeo(row.inferenceGeo());
        }
        if (row.speed() != null) {
            b.setSpeed(row.speed());
        }
        if (row.model() != null) {
            b.setModel(row.model());
        }
        if (row.workspaceId() != null) {
            b.setWorkspaceId(WorkspaceId.toWire(row.workspaceId()));
            b.setWorkspaceName(row.workspaceName());
        }
        if (row.costType() != null) {
            b.setCostType(row.costType());
        }
        if (row.tokenType() != null) {
            b.setTokenType(row.tokenType());
        }
        if (row.serviceTier() != null) {
            b.setServiceTier(row.serviceTier());
        }
        if (row.apiKeyId() != null) {
            b.setApiKeyId(CostRequest.attributed(row.apiKeyId()));
            b.setApiKeyName(row.apiKeyName());
        }
        if (row.actorId() != null) {
            b.setActorId(CostRequest.attributed(row.actorId()));
            b.setActorName(row.actorName());
        }
        if (row.product() != null) {
            b.setProduct(CostRequest.attributed(row.product()));
        }
        if (row.listAmount() != null) {
            b.setListAmount(UsdMoney.of(row.listAmount()));
        }
        return b.build();
    }

    private static void freshness(
            CostService.Freshness f,
            Consumer<com.google.type.Date> setComplete,
            Consumer<com.google.type.Date> setFinal) {
        f.complete().ifPresent(d -> setComplete.accept(date(d)));
        f.finalDay().ifPresent(d -> setFinal.accept(date(d)));
    }
}
