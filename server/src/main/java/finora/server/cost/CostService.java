package finora.server.cost;

import finora.server.grpc.PageRequest;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/**
 * The rules of spend queries over one tenant: paging, the spend summary's arithmetic (change against
 * the previous period, month-end projection, discount), today's estimate and how fresh the data is.
 * Java values in and out; {@link CostGrpcService} translates from and to the protos.
 */
public final class CostService {
    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 1000;
    /** Characters per export chunk: large enough to be efficient, small enough to bound memory. */
    static final int CHUNK_CHARS = 64 * 1024;
    /** How many top entries a spend summary lists per kind. */
    private static final int TOP = 5;

    private final DSLContext dsl;
    private final UsageRepository usage = new UsageRepository();
    private final PriceCheck priceCheck = new PriceCheck();
    private final CostExports exports;
    private final Clock clock;
    private final CostRepository repository = new CostRepository();

    /** Creates the service; exports read through {@code exports}' own pool. */
    public CostService(DSLContext dsl, CostExports exports, Clock clock) {
        this.dsl = dsl;
        this.exports = exports;
        this.clock = clock;
    }

    /** Complete through: last day stored for every connected organization; final through: last FINAL day. */
    record Freshness(Optional<LocalDate> complete, Optional<LocalDate> finalDay) {}

    /** One page of grouped costs, the total over all pages and the token of the next page ("" for none). */
    record QueryPage(
            List<CostRepository.Row> rows,
            BigDecimal total,
            int totalRows,
            String nextPageToken,
            Freshness freshness) {}

    /** One entry of a top list: its key (as stored: '' for Default or not attributed), its name and the amount. */
    record Share(String key, String displayName, BigDecimal amount) {}

    /** Today's estimate: the closed hours so far, their sum, the list price when every hour states one. */
    record Nowcast(
            LocalDate day,
            List<CostRepository.NowcastHour> hours,
            BigDecimal amount,
            BigDecimal listAmount,
            OffsetDateTime through,
            OffsetDateTime fetchedAt,
            OffsetDateTime dataRefreshedAt) {}

    /**
     * A spend summary.
     *
     * @param changePercent against the previous period of the same length, one decimal; empty when that was 0
     * @param discount list price against billed, over days that state a list price; empty when none does
     * @param todaySoFar today's estimate when the range holds today and one was fetched
     */
    record Summary(
            BigDecimal total,
            BigDecimal previousTotal,
            Optional<String> changePercent,
            List<Share> topModels,
            List<Share> topWorkspaces,
            List<Share> topApiKeys,
            List<Share> topActors,
            BigDecimal monthToDate,
            BigDecimal monthEndProjection,
            Optional<CostRepository.Discount> discount,
            Optional<Nowcast> todaySoFar,
            Freshness freshness) {}

    /** A page of corrections and the token of the next page ("" for none). */
    record RestatementPage(List<CostRepository.Correction> corrections, String nextPageToken) {}

    /** Where an export's text goes, a chunk at a time with the number of rows in it. */
    interface ChunkSink {
        void accept(CharSequence chunk, int rows);
    }

    QueryPage query(UUID tenant, CostQuery request, List<Dimension> dims, Order order, String pageToken, int pageSize) {
        PageRequest page =
                PageRequest.of(pageToken, pageSize, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, tenant, request, dims, order);
        CostRepository.Page rows = repository.query(
                dsl, tenant, request.range(), request.filter(), dims, order, page.offset(), page.size());
        int returned = rows.rows().size();
        return new QueryPage(
                rows.rows(),
                rows.total(),
                rows.totalRows(),
                page.next(returned, page.offset() + returned < rows.totalRows()),
                freshness(tenant));
    }

    Summary summary(UUID tenant, CostQuery request) {
        CostQuery.Range range = request.range();
        CostQuery.Filter filter = request.filter();
        BigDecimal total = repository.total(dsl, tenant, range, filter);
        long days = range.days();
        var previous =
                new CostQuery.Range(range.start().minusDays(days), range.start().minusDays(1));
        BigDecimal previousTotal = repository.total(dsl, tenant, previous, filter);
        Optional<String> change = previousTotal.signum() == 0
                ? Optional.empty()
                : Optional.of(total.subtract(previousTotal)
                        .multiply(BigDecimal.valueOf(100))
                        .divide(previousTotal, 1, RoundingMode.HALF_UP)
                        .toPlainString());

        List<Share> models = top(tenant, request, List.of(Dimension.MODEL, Dimension.MODEL_FAMILY), TOP + 1).stream()
                .filter(r -> !r.model().isEmpty())
                .limit(TOP)
                .map(r -> new Share(r.model(), r.model() + " (" + r.modelFamily() + ")", r.amount()))
                .toList();
        List<Share> workspaces = top(tenant, request, List.of(Dimension.WORKSPACE), TOP).stream()
                .map(r -> new Share(r.workspaceId(), r.workspaceName(), r.amount()))
                .toList();
        List<Share> keys = top(tenant, request, List.of(Dimension.API_KEY), TOP).stream()
                .map(r -> new Share(r.apiKeyId(), r.apiKeyName(), r.amount()))
                .toList();
        List<Share> actors = top(tenant, request, List.of(Dimension.ACTOR), TOP).stream()
                .map(r -> new Share(r.actorId(), r.actorName(), r.amount()))
                .toList();

        Optional<LocalDate> complete = repository.completeThrough(dsl, tenant);
        LocalDate monthStart = range.end().withDayOfMonth(1);
        LocalDate monthEnd = monthStart.plusMonths(1).minusDays(1);
        LocalDate lastKnown = complete.filter(d -> d.isBefore(range.end())).orElse(range.end());
        BigDecimal monthToDate = BigDecimal.ZERO;
        BigDecimal projection = BigDecimal.ZERO;
        if (!lastKnown.isBefore(monthStart)) {
            LocalDate through = lastKnown.isAfter(monthEnd) ? monthEnd : lastKnown;
            monthToDate = repository.total(dsl, tenant, new CostQuery.Range(monthStart, through), filter);
            long elapsed = ChronoUnit.DAYS.between(monthStart, through) + 1;
            long inMonth = monthStart.lengthOfMonth();
            projection = elapsed >= inMonth
                    ? monthToDate
                    : monthToDate
                            .multiply(BigDecimal.valueOf(inMonth))
                            .divide(BigDecimal.valueOf(elapsed), 2, RoundingMode.HALF_UP);
        }
        CostRepository.Discount discount = repository.discount(dsl, tenant, range, filter);
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Optional<Nowcast> nowcast =
                !range.end().isBefore(today) && !range.start().isAfter(today)
                        ? nowcast(tenant, today)
                        : Optional.empty();
        return new Summary(
                total,
                previousTotal,
                change,
                models,
                workspaces,
                keys,
                actors,
                monthToDate,
                projection,
                Optional.of(discount).filter(d -> d.list() != null),
                nowcast,
                freshness(tenant));
    }

    private List<CostRepository.Row> top(UUID tenant, CostQuery request, List<Dimension> dims, int limit) {
        return repository
                .query(dsl, tenant, request.range(), request.filter(), dims, Order.AMOUNT_DESC, 0, limit)
                .rows();
    }

    /** Today's estimate (the "nowcast"), apart from every closed-day figure; empty when none was fetched. */
    private Optional<Nowcast> nowcast(UUID tenant, LocalDate today) {
        CostRepository.Nowcast n = repository.nowcast(dsl, tenant, today);
        if (n.hours().isEmpty()) {
            return Optional.empty();
        }
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
        }
        OffsetDateTime through = n.hours().get(n.hours().size() - 1).start().plusHours(1);
        return Optional.of(new Nowcast(
                today, n.hours(), amount, allListed ? list : null, through, n.fetchedAt(), n.dataRefreshedAt()));
    }

    RestatementPage restatements(UUID tenant, CostQuery.Range range, String pageToken, int pageSize) {
        PageRequest page = PageRequest.of(pageToken, pageSize, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, tenant, range);
        var corrections = repository.restatements(dsl, tenant, range, page.offset(), page.size() + 1);
        boolean more = corrections.size() > page.size();
        return new RestatementPage(
                corrections.subList(0, Math.min(page.size(), corrections.size())), page.next(page.size(), more));
    }

    /** Values of a tag with their names (no amount), ids as stored; {@code key} one of {@link CostRequest#TAG_KEYS}. */
    List<Share> tagValues(UUID tenant, String key) {
        if ("workspace".equals(key)) {
            return repository.workspaces(dsl, tenant).stream()
                    .map(ws -> new Share(ws[0], ws[1], null))
                    .toList();
        }
        return repository.tagValues(dsl, tenant, key).stream()
                .map(v -> new Share(v[0], v[1], null))
                .toList();
    }

    /**
     * Writes the line items of the request as CSV or FOCUS into {@code sink}, a chunk at a time, from
     * one read-only transaction on the export pool within the export limits.
     */
    void export(UUID tenant, CostQuery request, boolean focus, ChunkSink sink) {
        CostExportWriter writer = new CostExportWriter(focus, focus ? PriceBook.load(dsl) : null);
        StringBuilder chunk = new StringBuilder(CHUNK_CHARS + 1024).append(writer.header());
        int[] rows = {0};
        repository.forEachLineItem(exports.dsl(), tenant, request.range(), request.filter(), exports.limits(), item -> {
            chunk.append(writer.row(item));
            rows[0]++;
            if (chunk.length() >= CHUNK_CHARS) {
                sink.accept(chunk, rows[0]);
                chunk.setLength(0);
                rows[0] = 0;
            }
        });
        if (!chunk.isEmpty()) {
            sink.accept(chunk, rows[0]);
        }
    }

    /**
     * Usage quantities per group of a query, keyed like {@link UsageRepository#quantities}; empty when a
     * dimension or filter of the query is one usage does not have.
     */
    Map<List<Object>, Long> usageQuantities(UUID tenant, CostQuery request, List<Dimension> dims) {
        return UsageRepository.knowable(dims, request.filter())
                ? usage.quantities(dsl, tenant, request.range(), request.filter(), dims)
                : Map.of();
    }

    /** Tokens of the range beside their cost; empty when no usage is stored or a filter usage lacks is set. */
    Optional<TokenSummary> tokenUsage(UUID tenant, CostQuery request) {
        if (!UsageRepository.knowable(List.of(), request.filter())) {
            return Optional.empty();
        }
        var counts = usage.tokenCounts(dsl, tenant, request.range(), request.filter());
        if (counts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(TokenSummary.of(
                counts,
                usage.tokenCost(dsl, tenant, request.range(), request.filter()),
                PriceBook.load(dsl),
                "ANTHROPIC"));
    }

    /** Billed amounts that differ from list price times usage in the range (ListPriceDiscrepancies). */
    List<PriceCheck.Discrepancy> priceDiscrepancies(UUID tenant, CostQuery.Range range) {
        return priceCheck.discrepancies(dsl, tenant, range);
    }

    Freshness freshness(UUID tenant) {
        return new Freshness(repository.completeThrough(dsl, tenant), repository.finalThrough(dsl, tenant));
    }
}
