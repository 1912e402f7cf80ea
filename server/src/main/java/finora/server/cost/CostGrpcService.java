package finora.server.cost;

import static finora.server.grpc.ProtoValues.date;
import static finora.server.grpc.ProtoValues.respond;
import static finora.server.grpc.ProtoValues.timestamp;

import com.google.protobuf.ByteString;
import finora.api.v1.CostDimension;
import finora.api.v1.CostRow;
import finora.api.v1.CostServiceGrpc;
import finora.api.v1.ExportCostsRequest;
import finora.api.v1.ExportCostsResponse;
import finora.api.v1.ExportFormat;
import finora.api.v1.GetSpendSummaryRequest;
import finora.api.v1.GetSpendSummaryResponse;
import finora.api.v1.ListTagValuesRequest;
import finora.api.v1.ListRestatementsRequest;
import finora.api.v1.ListRestatementsResponse;
import finora.api.v1.ListTagValuesResponse;
import finora.api.v1.Provider;
import finora.api.v1.QueryCostsRequest;
import finora.api.v1.QueryCostsResponse;
import finora.api.v1.Restatement;
import finora.api.v1.SpendShare;
import finora.api.v1.TagValue;
import finora.server.auth.Principal;
import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/** {@code finora.v1.CostService}: spend queries over the caller's tenant; READER tokens may call all. */
public final class CostGrpcService extends CostServiceGrpc.CostServiceImplBase {
    private static final int DEFAULT_PAGE_SIZE = 100;
    private static final int MAX_PAGE_SIZE = 1000;
    /** Bytes per export chunk: large enough to be efficient, small enough to bound memory. */
    private static final int CHUNK_BYTES = 64 * 1024;

    /** What the UI shows beside today's estimate, as is. */
    static final String NOWCAST_LABEL = "today so far, provisional";

    private final DSLContext dsl;
    private final CostQueryCache cache;
    private final java.time.Clock clock;
    private final CostExports exports;
    private final CostRepository repository = new CostRepository();
    private final PriceCheck priceCheck = new PriceCheck();
    private final UsageRepository usage = new UsageRepository();

    /**
     * Creates the service over the database, reusing answers from {@code cache} while they are current
     * and running exports within the limits of {@code exports}.
     */
    public CostGrpcService(DSLContext dsl, CostQueryCache cache, CostExports exports, java.time.Clock clock) {
        this.clock = clock;
        this.dsl = dsl;
        this.cache = cache;
        this.exports = exports;
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
        QueryCostsResponse answer = query(caller, request);
        cache.put(caller.tenantId(), version, key, answer);
        respond(response, answer);
    }

    private QueryCostsResponse query(Principal caller, QueryCostsRequest request) {
        CostRequest.Range range = CostRequest.range(request.getStartDate(), request.getEndDate(),
                request.hasStartDate(), request.hasEndDate());
        CostRequest.Filter filter = CostRequest.filter(request.getFilter());
        List<CostDimension> dims = CostRequest.dimensions(request.getGroupByList());
        int size = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : request.getPageSize();
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new FinoraException(ErrorReason.INVALID_ARGUMENT, "page_size must be 1 to " + MAX_PAGE_SIZE);
        }
        String fingerprint = fingerprint(caller.tenantId(), request);
        int offset = decodeToken(request.getPageToken(), fingerprint);
        CostRepository.Page page = repository.query(dsl, caller.tenantId(), range, filter, dims,
                request.getOrderBy(), offset, size);
        var b = QueryCostsResponse.newBuilder()
                .setTotal(UsdMoney.of(page.total()))
                .setTotalRows(page.totalRows());
        boolean byProvider = dims.contains(CostDimension.COST_DIMENSION_PROVIDER);
        Map<List<Object>, Long> quantities = UsageRepository.knowable(dims, filter)
                ? usage.quantities(dsl, caller.tenantId(), range, filter, dims) : Map.of();
        for (CostRepository.Row row : page.rows()) {
            CostRow.Builder proto = toProto(row, byProvider).toBuilder();
            Long quantity = quantities.get(usageKey(row, dims));
            if (quantity != null) {
                proto.setUsageQuantity(quantity);
            }
            b.addRows(proto);
        }
        if (offset + page.rows().size() < page.totalRows()) {
            b.setNextPageToken(encodeToken(fingerprint, offset + page.rows().size()));
        }
        freshness(caller.tenantId()).apply(b::setCompleteThrough, b::setFinalThrough);
        return b.build();
    }

    @Override
    public void getSpendSummary(GetSpendSummaryRequest request, StreamObserver<GetSpendSummaryResponse> response) {
        Principal caller = Principal.current();
        CostRequest.Range range = CostRequest.range(request.getStartDate(), request.getEndDate(),
                request.hasStartDate(), request.hasEndDate());
        CostRequest.Filter filter = CostRequest.filter(request.getFilter());
        UUID tenant = caller.tenantId();

        BigDecimal total = repository.total(dsl, tenant, range, filter);
        long days = range.days();
        var previous = new CostRequest.Range(range.start().minusDays(days), range.start().minusDays(1));
        BigDecimal previousTotal = repository.total(dsl, tenant, previous, filter);
        var b = GetSpendSummaryResponse.newBuilder()
                .setTotal(UsdMoney.of(total))
                .setPreviousTotal(UsdMoney.of(previousTotal));
        if (previousTotal.signum() != 0) {
            b.setChangePercent(total.subtract(previousTotal).multiply(BigDecimal.valueOf(100))
                    .divide(previousTotal, 1, RoundingMode.HALF_UP).toPlainString());
        }
        var models = repository.query(dsl, tenant, range, filter, List.of(CostDimension.COST_DIMENSION_MODEL,
                CostDimension.COST_DIMENSION_MODEL_FAMILY), finora.api.v1.CostOrder.COST_ORDER_AMOUNT_DESC, 0, 6);
        models.rows().stream().filter(r -> !r.model().isEmpty()).limit(5).forEach(r -> b.addTopModels(
                SpendShare.newBuilder().setKey(r.model()).setDisplayName(r.model() + " (" + r.modelFamily() + ")")
                        .setAmount(UsdMoney.of(r.amount()))));
        var workspaces = repository.query(dsl, tenant, range, filter,
                List.of(CostDimension.COST_DIMENSION_WORKSPACE), finora.api.v1.CostOrder.COST_ORDER_AMOUNT_DESC, 0, 5);
        workspaces.rows().forEach(r -> b.addTopWorkspaces(SpendShare.newBuilder()
                .setKey(r.workspaceId().isEmpty() ? CostRequest.DEFAULT_WORKSPACE : r.workspaceId())
                .setDisplayName(r.workspaceName()).setAmount(UsdMoney.of(r.amount()))));

        Optional<LocalDate> complete = repository.completeThrough(dsl, tenant);
        LocalDate monthStart = range.end().withDayOfMonth(1);
        LocalDate monthEnd = monthStart.plusMonths(1).minusDays(1);
        LocalDate lastKnown = complete.filter(d -> d.isBefore(range.end())).orElse(range.end());
        BigDecimal monthToDate = BigDecimal.ZERO;
        BigDecimal projection = BigDecimal.ZERO;
        if (!lastKnown.isBefore(monthStart)) {
            LocalDate through = lastKnown.isAfter(monthEnd) ? monthEnd : lastKnown;
            monthToDate = repository.total(dsl, tenant, new CostRequest.Range(monthStart, through), filter);
            long elapsed = ChronoUnit.DAYS.between(monthStart, through) + 1;
            long inMonth = monthStart.lengthOfMonth();
            projection = elapsed >= inMonth ? monthToDate
                    : monthToDate.multiply(BigDecimal.valueOf(inMonth))
                            .divide(BigDecimal.valueOf(elapsed), 2, RoundingMode.HALF_UP);
        }
        b.setMonthToDate(UsdMoney.of(monthToDate)).setMonthEndProjection(UsdMoney.of(projection));
        var keys = repository.query(dsl, tenant, range, filter, List.of(CostDimension.COST_DIMENSION_API_KEY),
                finora.api.v1.CostOrder.COST_ORDER_AMOUNT_DESC, 0, 5);
        keys.rows().forEach(r -> b.addTopApiKeys(SpendShare.newBuilder()
                .setKey(r.apiKeyId().isEmpty() ? CostRequest.UNATTRIBUTED : r.apiKeyId())
                .setDisplayName(r.apiKeyName()).setAmount(UsdMoney.of(r.amount()))));
        var actors = repository.query(dsl, tenant, range, filter, List.of(CostDimension.COST_DIMENSION_ACTOR),
                finora.api.v1.CostOrder.COST_ORDER_AMOUNT_DESC, 0, 5);
        actors.rows().forEach(r -> b.addTopActors(SpendShare.newBuilder()
                .setKey(r.actorId().isEmpty() ? CostRequest.UNATTRIBUTED : r.actorId())
                .setDisplayName(r.actorName()).setAmount(UsdMoney.of(r.amount()))));
        CostRepository.Discount discount = repository.discount(dsl, tenant, range, filter);
        if (discount.list() != null) {
            b.setDiscount(finora.api.v1.Discount.newBuilder().setListAmount(UsdMoney.of(discount.list()))
                    .setBilledAmount(UsdMoney.of(discount.billed()))
                    .setSaved(UsdMoney.of(discount.list().subtract(discount.billed()))));
        }
        LocalDate today = LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC));
        if (!range.end().isBefore(today) && !range.start().isAfter(today)) {
            nowcast(tenant, today).ifPresent(b::setTodaySoFar);
        }
        tokenUsage(tenant, range, filter).ifPresent(b::setTokenUsage);
        freshness(tenant).apply(b::setCompleteThrough, b::setFinalThrough);
        respond(response, b.build());
    }

    /**
     * Streams the line items as CSV or FOCUS from one read-only transaction on the export pool. The
     * handler only checks the request and takes a slot (or answers EXPORTS_BUSY); the export runs on a
     * thread of its own, sending while the client reads and giving up on one that stalls.
     */
    @Override
    public void exportCosts(ExportCostsRequest request, StreamObserver<ExportCostsResponse> response) {
        Principal caller = Principal.current();
        CostRequest.Range range = CostRequest.range(request.getStartDate(), request.getEndDate(),
                request.hasStartDate(), request.hasEndDate());
        CostRequest.Filter filter = CostRequest.filter(request.getFilter());
        if (request.getFormat() != ExportFormat.EXPORT_FORMAT_CSV
                && request.getFormat() != ExportFormat.EXPORT_FORMAT_FOCUS) {
            throw new FinoraException(ErrorReason.INVALID_ARGUMENT, "format must be EXPORT_FORMAT_CSV or EXPORT_FORMAT_FOCUS");
        }
        boolean focus = request.getFormat() == ExportFormat.EXPORT_FORMAT_FOCUS;
        CostExportWriter writer = new CostExportWriter(focus, focus ? PriceBook.load(dsl) : null);
        CostExports.Slot slot = exports.acquire(caller.tenantId());
        ExportStream stream;
        try {
            stream = new ExportStream((ServerCallStreamObserver<ExportCostsResponse>) response,
                    exports.limits().stallTimeout());
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
        exports.run(slot, stream, s -> {
            StringBuilder chunk = new StringBuilder(CHUNK_BYTES + 1024).append(writer.header());
            int[] rows = {0};
            repository.forEachLineItem(exports.dsl(), caller.tenantId(), range, filter, exports.limits(), item -> {
                chunk.append(writer.row(item));
                rows[0]++;
                if (chunk.length() >= CHUNK_BYTES) {
                    s.send(chunk, rows[0]);
                    chunk.setLength(0);
                    rows[0] = 0;
                }
            });
            s.send(chunk, rows[0]);
        });
    }

    @Override
    public void listTagValues(ListTagValuesRequest request, StreamObserver<ListTagValuesResponse> response) {
        String key = request.getKey();
        if (!CostRequest.TAG_KEYS.contains(key)) {
            throw new FinoraException(ErrorReason.INVALID_ARGUMENT, "Unknown tag '"
                    + (key.length() > 40 ? key.substring(0, 40) + "…" : key) + "'; supported: "
                    + String.join(", ", CostRequest.TAG_KEYS));
        }
        var b = ListTagValuesResponse.newBuilder();
        if (!"workspace".equals(key)) {
            for (String[] v : repository.tagValues(dsl, Principal.current().tenantId(), key)) {
                b.addValues(TagValue.newBuilder().setValue(v[0].isEmpty() ? CostRequest.UNATTRIBUTED : v[0])
                        .setDisplayName(v[1]));
            }
            respond(response, b.build());
            return;
        }
        for (String[] ws : repository.workspaces(dsl, Principal.current().tenantId())) {
            b.addValues(TagValue.newBuilder().setValue(ws[0].isEmpty() ? CostRequest.DEFAULT_WORKSPACE : ws[0])
                    .setDisplayName(ws[1]));
        }
        respond(response, b.build());
    }

    @Override
    public void listRestatements(ListRestatementsRequest request, StreamObserver<ListRestatementsResponse> response) {
        Principal caller = Principal.current();
        CostRequest.Range range = CostRequest.range(request.getStartDate(), request.getEndDate(),
                request.hasStartDate(), request.hasEndDate());
        int size = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : request.getPageSize();
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new FinoraException(ErrorReason.INVALID_ARGUMENT, "page_size must be 1 to " + MAX_PAGE_SIZE);
        }
        String fingerprint = fingerprint(caller.tenantId(), request.toBuilder().clearPageToken().clearPageSize()
                .build().toByteArray());
        int offset = decodeToken(request.getPageToken(), fingerprint);
        var corrections = repository.restatements(dsl, caller.tenantId(), range, offset, size + 1);
        var b = ListRestatementsResponse.newBuilder();
        for (var c : corrections.subList(0, Math.min(size, corrections.size()))) {
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
        if (corrections.size() > size) {
            b.setNextPageToken(encodeToken(fingerprint, offset + size));
        }
        respond(response, b.build());
    }

    @Override
    public void listPriceDiscrepancies(finora.api.v1.ListPriceDiscrepanciesRequest request,
            StreamObserver<finora.api.v1.ListPriceDiscrepanciesResponse> response) {
        Principal caller = Principal.current();
        CostRequest.Range range = CostRequest.range(request.getStartDate(), request.getEndDate(),
                request.hasStartDate(), request.hasEndDate());
        int size = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : request.getPageSize();
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new FinoraException(ErrorReason.INVALID_ARGUMENT, "page_size must be 1 to " + MAX_PAGE_SIZE);
        }
        List<PriceCheck.Discrepancy> all = priceCheck.discrepancies(dsl, caller.tenantId(), range);
        var b = finora.api.v1.ListPriceDiscrepanciesResponse.newBuilder().setTotal(all.size());
        for (PriceCheck.Discrepancy d : all.subList(0, Math.min(size, all.size()))) {
            var k = d.group().key();
            var p = finora.api.v1.PriceDiscrepancy.newBuilder()
                    .setDay(date(k.day()))
                    .setProvider("OPENAI".equals(d.group().provider()) ? Provider.PROVIDER_OPENAI
                            : Provider.PROVIDER_ANTHROPIC)
                    .setOrganizationId(d.group().organizationId())
                    .setWorkspaceId(k.workspaceId().isEmpty() ? CostRequest.DEFAULT_WORKSPACE : k.workspaceId())
                    .setModel(k.model())
                    .setTokenType(k.tokenType())
                    .setServiceTier(k.serviceTier())
                    .setContextWindow(k.contextWindow())
                    .setSpeed(k.speed())
                    .setUsageQuantity(d.group().quantity() == null ? 0 : d.group().quantity())
                    .setBilled(UsdMoney.of(d.billed()))
                    .setExpected(UsdMoney.of(d.expected()))
                    .setDifference(UsdMoney.of(d.difference()))
                    .setHint(finora.api.v1.PriceHint.valueOf("PRICE_HINT_" + d.hint().name()))
                    .setExplanation(d.explanation());
            if (d.price() != null) {
                p.setListUnitPrice(d.price().usdPerMillion().stripTrailingZeros().toPlainString())
                        .setSkuPriceId(d.price().priceId());
            }
            b.addDiscrepancies(p);
        }
        respond(response, b.build());
    }

    /** Tokens of the range beside their cost; empty when no usage is stored or a filter usage lacks is set. */
    private Optional<finora.api.v1.TokenUsage> tokenUsage(UUID tenant, CostRequest.Range range,
            CostRequest.Filter filter) {
        if (!UsageRepository.knowable(List.of(), filter)) {
            return Optional.empty();
        }
        var counts = usage.tokenCounts(dsl, tenant, range, filter);
        if (counts.isEmpty()) {
            return Optional.empty();
        }
        TokenSummary t = TokenSummary.of(counts, usage.tokenCost(dsl, tenant, range, filter), PriceBook.load(dsl),
                "ANTHROPIC");
        var b = finora.api.v1.TokenUsage.newBuilder().setInputTokens(t.input()).setOutputTokens(t.output())
                .setCacheReadTokens(t.cacheRead()).setCacheWriteTokens(t.cacheWrite())
                .setCacheSavings(UsdMoney.of(t.cacheSavings()));
        t.costPerMillion().ifPresent(v -> b.setCostPerMillionTokens(UsdMoney.of(v)));
        t.cacheHitRatePercent().ifPresent(b::setCacheHitRatePercent);
        t.batchSharePercent().ifPresent(b::setBatchSharePercent);
        return Optional.of(b.build());
    }

    /** A cost row's values of the asked dimensions, in the form {@link UsageRepository#quantities} keys them. */
    private static List<Object> usageKey(CostRepository.Row row, List<CostDimension> dims) {
        List<Object> key = new java.util.ArrayList<>();
        for (CostDimension d : dims) {
            key.add(switch (d) {
                case COST_DIMENSION_DAY, COST_DIMENSION_WEEK, COST_DIMENSION_MONTH -> row.period();
                case COST_DIMENSION_MODEL_FAMILY -> row.modelFamily();
                case COST_DIMENSION_MODEL_VERSION -> row.modelVersion();
                case COST_DIMENSION_MODEL -> row.model();
                case COST_DIMENSION_WORKSPACE -> row.workspaceId();
                case COST_DIMENSION_COST_TYPE -> row.costType();
                case COST_DIMENSION_TOKEN_TYPE -> row.tokenType();
                case COST_DIMENSION_SERVICE_TIER -> row.serviceTier();
                case COST_DIMENSION_CONTEXT_WINDOW -> row.contextWindow();
                case COST_DIMENSION_SPEED -> row.speed();
                default -> "";
            });
        }
        return key;
    }

    /** Today's estimate (the "nowcast"), apart from every closed-day figure; empty when none was fetched. */
    private Optional<finora.api.v1.Nowcast> nowcast(UUID tenant, LocalDate today) {
        CostRepository.Nowcast n = repository.nowcast(dsl, tenant, today);
        if (n.hours().isEmpty()) {
            return Optional.empty();
        }
        var b = finora.api.v1.Nowcast.newBuilder().setLabel(NOWCAST_LABEL).setDay(date(today));
        BigDecimal amount = BigDecimal.ZERO;
        BigDecimal list = null;
        boolean allListed = true;
        for (CostRepository.NowcastHour h : n.hours()) {
            amount = amount.add(h.amount());
            if (h.listAmount() == null) {
                allListed = false;
            } else {
                list = list == null ? h.listAmount() : list.add(h.listAmount());
            }
            b.addHours(finora.api.v1.NowcastHour.newBuilder().setStartTime(timestamp(h.start()))
                    .setAmount(UsdMoney.of(h.amount())));
        }
        b.setAmount(UsdMoney.of(amount));
        if (list != null && allListed) {
            b.setListAmount(UsdMoney.of(list));
        }
        b.setThroughTime(timestamp(n.hours().get(n.hours().size() - 1).start().plusHours(1)));
        if (n.fetchedAt() != null) {
            b.setFetchTime(timestamp(n.fetchedAt()));
        }
        if (n.dataRefreshedAt() != null) {
            b.setDataRefreshedTime(timestamp(n.dataRefreshedAt()));
        }
        return Optional.of(b.build());
    }

    private CostRow toProto(CostRepository.Row row, boolean byProvider) {
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
            b.setWorkspaceId(row.workspaceId().isEmpty() ? CostRequest.DEFAULT_WORKSPACE : row.workspaceId());
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
            b.setApiKeyId(row.apiKeyId().isEmpty() ? CostRequest.UNATTRIBUTED : row.apiKeyId());
            b.setApiKeyName(row.apiKeyName());
        }
        if (row.actorId() != null) {
            b.setActorId(row.actorId().isEmpty() ? CostRequest.UNATTRIBUTED : row.actorId());
            b.setActorName(row.actorName());
        }
        if (row.product() != null) {
            b.setProduct(row.product().isEmpty() ? CostRequest.UNATTRIBUTED : row.product());
        }
        if (row.listAmount() != null) {
            b.setListAmount(UsdMoney.of(row.listAmount()));
        }
        return b.build();
    }

    private record Freshness(Optional<LocalDate> complete, Optional<LocalDate> finalDay) {
        void apply(java.util.function.Consumer<com.google.type.Date> setComplete,
                java.util.function.Consumer<com.google.type.Date> setFinal) {
            complete.ifPresent(d -> setComplete.accept(date(d)));
            finalDay.ifPresent(d -> setFinal.accept(date(d)));
        }
    }

    private Freshness freshness(UUID tenant) {
        return new Freshness(repository.completeThrough(dsl, tenant), repository.finalThrough(dsl, tenant));
    }

    /** A token binds the offset to the tenant and every request field but the paging ones. */
    private static String fingerprint(UUID tenant, QueryCostsRequest request) {
        return fingerprint(tenant, request.toBuilder().clearPageToken().clearPageSize().build().toByteArray());
    }

    private static String fingerprint(UUID tenant, byte[] bytes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(tenant.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(bytes)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encodeToken(String fingerprint, int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("v1:" + fingerprint + ":" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeToken(String token, String fingerprint) {
        if (token.isEmpty()) {
            return 0;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
            if (parts.length == 3 && parts[0].equals("v1") && parts[1].equals(fingerprint)) {
                int offset = Integer.parseInt(parts[2]);
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (RuntimeException e) {
            // fall through
        }
        throw CostRequest.invalid("page_token does not belong to this query; start again without it");
    }
}
