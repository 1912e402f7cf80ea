package finora.admin.grpc;

import com.google.protobuf.ByteString;
import com.google.rpc.Code;
import finora.api.v1.CostDimension;
import finora.api.v1.CostRow;
import finora.api.v1.CostServiceGrpc;
import finora.api.v1.ExportCostsRequest;
import finora.api.v1.ExportCostsResponse;
import finora.api.v1.GetSpendSummaryRequest;
import finora.api.v1.GetSpendSummaryResponse;
import finora.api.v1.ListRestatementsRequest;
import finora.api.v1.ListRestatementsResponse;
import finora.api.v1.ListTagValuesRequest;
import finora.api.v1.ListTagValuesResponse;
import finora.api.v1.QueryCostsRequest;
import finora.api.v1.QueryCostsResponse;
import finora.api.v1.Restatement;
import finora.api.v1.TagValue;
import io.grpc.stub.StreamObserver;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A fake CostService answering from a list of line items, grouped, filtered and paged like the
 * real one. The default data has four line items a day from {@link #FIRST_DAY} to
 * {@link #COMPLETE_THROUGH}: Opus $10.00 and Haiku $0.25 in workspace Research, Sonnet ($5.00, from
 * {@link #SONNET_RAISE} $6.00) and $0.10 of web search in the Default workspace. Models have versions
 * ({@link #VERSIONS}); corrections (restatements) and price-check discrepancies are none until a test
 * adds some.
 *
 * <p>Days from {@link #ANALYTICS_FROM} came from the Cost Analytics API: Opus and Haiku through API
 * key {@link #RESEARCH_KEY} (Opus by {@link #ADA}, list price $12.50; Haiku by {@link #GRACE}, a
 * deleted user), Sonnet through {@link #SUPPORT_KEY} by its service account (product claude_code),
 * web search from the Console without a key, by Ada. Earlier days came from the legacy report:
 * no key, actor, product or list price. Today's estimate is none until a test sets one.
 */
public final class FakeCostService extends CostServiceGrpc.CostServiceImplBase {

    public static final LocalDate FIRST_DAY = LocalDate.of(2026, 6, 1);
    public static final LocalDate COMPLETE_THROUGH = LocalDate.of(2026, 11, 24);
    public static final LocalDate FINAL_THROUGH = LocalDate.of(2026, 11, 22);
    public static final LocalDate SONNET_RAISE = LocalDate.of(2026, 10, 26);
    public static final String OPUS = "claude-opus-4-1-20250805";
    public static final String SONNET = "claude-sonnet-4-5-20250929";
    public static final String HAIKU = "claude-haiku-4-5-20251001";
    public static final String RESEARCH_ID = "wrkspc_01Research";
    /** Model versions as the server reports them: Sonnet and Haiku share "4.5". */
    public static final Map<String, String> VERSIONS = Map.of(OPUS, "4.1", SONNET, "4.5", HAIKU, "4.5", "", "");

    public static final String ORG_ID = "5f0c8a9e-0000-4000-8000-00000000000a";
    /** First day filled by the Cost Analytics API: API key, actor, product and list price are known from here. */
    public static final LocalDate ANALYTICS_FROM = LocalDate.of(2026, 9, 1);

    public static final String RESEARCH_KEY = "apikey_01Research";
    public static final String RESEARCH_KEY_NAME = "research-pipeline";
    public static final String SUPPORT_KEY = "apikey_01Support";
    public static final String SUPPORT_KEY_NAME = "support-bot";
    public static final String ADA = "user_01Ada";
    public static final String ADA_NAME = "Ada Lovelace <ada@acme.example>";
    public static final String GRACE = "user_01Grace";
    public static final String GRACE_NAME = "Grace Hopper <grace@acme.example> (deleted)";
    public static final String SUPPORT_ACCOUNT = "svac_01Support";
    public static final String SUPPORT_ACCOUNT_NAME = "Service account support-bot";
    /** The server's name of cost without an API key. */
    public static final String NOT_ATTRIBUTED = "Not attributed";

    /**
     * One stored line item; API key, actor and product are null for cost without one (legacy days), the
     * list price for rows whose source states none.
     */
    public record Item(
            LocalDate day,
            String family,
            String model,
            String workspaceId,
            String workspaceName,
            BigDecimal amount,
            String apiKeyId,
            String apiKeyName,
            String actorId,
            String actorName,
            String product,
            BigDecimal listAmount) {

        Item(LocalDate day, String family, String model, String workspaceId, String workspaceName, BigDecimal amount) {
            this(day, family, model, workspaceId, workspaceName, amount, null, null, null, null, null, null);
        }

        private Item attributed(
                String keyId, String keyName, String actor, String actorLabel, String productName, String list) {
            return new Item(
                    day,
                    family,
                    model,
                    workspaceId,
                    workspaceName,
                    amount,
                    keyId,
                    keyName,
                    actor,
                    actorLabel,
                    productName,
                    new BigDecimal(list));
        }

        /** The tag value this item takes for a tag key, "unattributed" for none. */
        String tag(String key) {
            String value = switch (key) {
                case "workspace" -> workspaceId;
                case "api_key" -> apiKeyId;
                case "actor" -> actorId;
                case "product" -> product;
                default -> null;
            };
            return value == null ? "unattributed" : value;
        }
    }

    /** Today's estimate as the server stores it: hourly amounts from 00:00 UTC of {@code day}. */
    private record Estimate(LocalDate day, List<BigDecimal> hours, Instant fetched) {}

    private final FakeFinoraServer server;
    private final List<Item> items = new CopyOnWriteArrayList<>(defaultItems());
    private final List<QueryCostsRequest> queries = new CopyOnWriteArrayList<>();
    private final java.util.Set<Item> openAiItems = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<Restatement> restatements = new CopyOnWriteArrayList<>();
    private final List<ListRestatementsRequest> restatementRequests = new CopyOnWriteArrayList<>();
    private volatile boolean empty;
    private volatile Estimate estimate;

    FakeCostService(FakeFinoraServer server) {
        this.server = server;
    }

    /**
     * Adds an OpenAI line item (every other item is Anthropic's): {@code projectId} is the project / workspace.
     */
    public void addOpenAiItem(
            LocalDate day, String family, String model, String projectId, String projectName, String usd) {
        Item item = new Item(day, family, model, projectId, projectName, new BigDecimal(usd));
        openAiItems.add(item);
        items.add(item);
    }

    private finora.api.v1.Provider provider(Item item) {
        return openAiItems.contains(item)
                ? finora.api.v1.Provider.PROVIDER_OPENAI
                : finora.api.v1.Provider.PROVIDER_ANTHROPIC;
    }

    /** No cost stored at all, as before a connection's first sync. */
    public void clear() {
        items.clear();
        empty = true;
    }

    /**
     * Adds a correction of {@code day}'s total, as the server's sync records one; listed by day, then
     * detection time.
     */
    public void addCorrection(
            LocalDate day, String organizationName, String before, String after, Instant detected, boolean afterFinal) {
        BigDecimal from = new BigDecimal(before);
        BigDecimal to = new BigDecimal(after);
        restatements.add(Restatement.newBuilder()
                .setDay(date(day))
                .setProvider(finora.api.v1.Provider.PROVIDER_ANTHROPIC)
                .setOrganizationId(ORG_ID)
                .setOrganizationName(organizationName)
                .setBefore(money(from))
                .setAfter(money(to))
                .setDelta(money(to.subtract(from)))
                .setDetectTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(detected.getEpochSecond()))
                .setAfterFinal(afterFinal)
                .build());
        restatements.sort(Comparator.<Restatement, LocalDate>comparing(r -> date(r.getDay()))
                .thenComparing(r -> r.getDetectTime().getSeconds()));
    }

    /**
     * Sets today's estimate ("today so far"): one amount per UTC hour of {@code day} from 00:00, fetched
     * at {@code fetched}. GetSpendSummary answers it when the range reaches {@code day}, for every filter
     * (as the server does).
     */
    public void setTodaySoFar(LocalDate day, Instant fetched, String... hourlyUsd) {
        estimate = new Estimate(
                day, java.util.Arrays.stream(hourlyUsd).map(BigDecimal::new).toList(), fetched);
    }

    /** Every ListRestatements request received. */
    public List<ListRestatementsRequest> restatementRequests() {
        return restatementRequests;
    }

    /** Every QueryCosts request received. */
    public List<QueryCostsRequest> queries() {
        return queries;
    }

    static List<Item> defaultItems() {
        List<Item> list = new ArrayList<>();
        for (LocalDate d = FIRST_DAY; !d.isAfter(COMPLETE_THROUGH); d = d.plusDays(1)) {
            Item opus = new Item(d, "Opus", OPUS, RESEARCH_ID, "Research", new BigDecimal("10.00"));
            Item sonnet = new Item(
                    d,
                    "Sonnet",
                    SONNET,
                    "default",
                    "Default",
                    d.isBefore(SONNET_RAISE) ? new BigDecimal("5.00") : new BigDecimal("6.00"));
            Item haiku = new Item(d, "Haiku", HAIKU, RESEARCH_ID, "Research", new BigDecimal("0.25"));
            Item webSearch = new Item(d, "", "", "default", "Default", new BigDecimal("0.10"));
            if (!d.isBefore(ANALYTICS_FROM)) {
                opus = opus.attributed(RESEARCH_KEY, RESEARCH_KEY_NAME, ADA, ADA_NAME, "api", "12.50");
                sonnet = sonnet.attributed(
                        SUPPORT_KEY,
                        SUPPORT_KEY_NAME,
                        SUPPORT_ACCOUNT,
                        SUPPORT_ACCOUNT_NAME,
                        "claude_code",
                        sonnet.amount().toPlainString());
                haiku = haiku.attributed(RESEARCH_KEY, RESEARCH_KEY_NAME, GRACE, GRACE_NAME, "api", "0.25");
                webSearch = webSearch.attributed(null, null, ADA, ADA_NAME, "console", "0.10");
            }
            list.addAll(List.of(opus, sonnet, haiku, webSearch));
        }
        return list;
    }

    @Override
    public void queryCosts(QueryCostsRequest request, StreamObserver<QueryCostsResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        queries.add(request);
        LocalDate start = date(request.getStartDate());
        LocalDate end = date(request.getEndDate());
        if (end.isBefore(start)) {
            response.onError(FakeFinoraServer.error(
                    Code.INVALID_ARGUMENT, "INVALID_RANGE", "end_date " + end + " is before start_date " + start));
            return;
        }
        Map<List<String>, CostRow.Builder> groups = new LinkedHashMap<>();
        BigDecimal total = BigDecimal.ZERO;
        for (Item item : selected(start, end, request.getFilter())) {
            List<String> key = new ArrayList<>();
            for (CostDimension d : request.getGroupByList()) {
                key.add(
                        switch (d) {
                            case COST_DIMENSION_DAY -> item.day().toString();
                            case COST_DIMENSION_MODEL_FAMILY -> item.family();
                            case COST_DIMENSION_MODEL -> item.model();
                            case COST_DIMENSION_MODEL_VERSION ->
                                item.family() + " " + VERSIONS.getOrDefault(item.model(), "");
                            case COST_DIMENSION_WORKSPACE -> item.workspaceId();
                            case COST_DIMENSION_API_KEY -> item.tag("api_key");
                            case COST_DIMENSION_ACTOR -> item.tag("actor");
                            case COST_DIMENSION_PRODUCT -> item.tag("product");
                            case COST_DIMENSION_PROVIDER -> provider(item).name();
                            default -> "";
                        });
            }
            CostRow.Builder row = groups.computeIfAbsent(key, k -> {
                CostRow.Builder b = CostRow.newBuilder().setAmount(money(BigDecimal.ZERO));
                for (CostDimension d : request.getGroupByList()) {
                    switch (d) {
                        case COST_DIMENSION_DAY -> b.setPeriodStart(date(item.day()));
                        case COST_DIMENSION_MODEL_FAMILY -> b.setModelFamily(item.family());
                        case COST_DIMENSION_MODEL ->
                            b.setModel(item.model())
                                    .setModelFamily(item.family())
                                    .setModelVersion(VERSIONS.getOrDefault(item.model(), ""));
                        case COST_DIMENSION_MODEL_VERSION ->
                            b.setModelFamily(item.family()).setModelVersion(VERSIONS.getOrDefault(item.model(), ""));
                        case COST_DIMENSION_WORKSPACE ->
                            b.setWorkspaceId(item.workspaceId()).setWorkspaceName(item.workspaceName());
                        case COST_DIMENSION_API_KEY ->
                            b.setApiKeyId(item.tag("api_key"))
                                    .setApiKeyName(item.apiKeyId() == null ? NOT_ATTRIBUTED : item.apiKeyName());
                        case COST_DIMENSION_ACTOR ->
                            b.setActorId(item.tag("actor"))
                                    .setActorName(item.actorId() == null ? NOT_ATTRIBUTED : item.actorName());
                        case COST_DIMENSION_PRODUCT -> b.setProduct(item.tag("product"));
                        case COST_DIMENSION_PROVIDER -> b.setProvider(provider(item));
                        default -> {}
                    }
                }
                return b;
            });
            row.setAmount(money(usd(row.getAmount()).add(item.amount())));
            if (item.listAmount() != null) {
                row.setListAmount(money(
                        (row.hasListAmount() ? usd(row.getListAmount()) : BigDecimal.ZERO).add(item.listAmount())));
            }
            row.setProvisional(row.getProvisional() || item.day().isAfter(FINAL_THROUGH));
            total = total.add(item.amount());
        }
        List<CostRow> rows = new ArrayList<>(
                groups.values().stream().map(CostRow.Builder::build).toList());
        Comparator<CostRow> byAmount = Comparator.comparing(r -> usd(r.getAmount()));
        rows.sort(
                switch (request.getOrderBy()) {
                    case COST_ORDER_AMOUNT_DESC -> byAmount.reversed();
                    case COST_ORDER_AMOUNT_ASC -> byAmount;
                    default ->
                        Comparator.<CostRow, LocalDate>comparing(
                                        r -> r.hasPeriodStart() ? date(r.getPeriodStart()) : null,
                                        Comparator.nullsFirst(Comparator.naturalOrder()))
                                .thenComparing(byAmount.reversed());
                });
        int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
        int offset = request.getPageToken().isEmpty()
                ? 0
                : Integer.parseInt(
                        new String(Base64.getDecoder().decode(request.getPageToken()), StandardCharsets.UTF_8)
                                .substring(5));
        QueryCostsResponse.Builder b = QueryCostsResponse.newBuilder()
                .addAllRows(rows.subList(Math.min(offset, rows.size()), Math.min(offset + size, rows.size())))
                .setTotal(money(total))
                .setTotalRows(rows.size());
        if (offset + size < rows.size()) {
            b.setNextPageToken(
                    Base64.getEncoder().encodeToString(("page:" + (offset + size)).getBytes(StandardCharsets.UTF_8)));
        }
        if (!empty) {
            b.setCompleteThrough(date(COMPLETE_THROUGH)).setFinalThrough(date(FINAL_THROUGH));
        }
        respond(response, b.build());
    }

    private volatile finora.api.v1.TokenUsage tokenUsage;

    /** Token usage every summary answers with from now on (null: none, the default). */
    public void tokenUsage(finora.api.v1.TokenUsage usage) {
        this.tokenUsage = usage;
    }

    @Override
    public void getSpendSummary(GetSpendSummaryRequest request, StreamObserver<GetSpendSummaryResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        LocalDate start = date(request.getStartDate());
        LocalDate end = date(request.getEndDate());
        long days = end.toEpochDay() - start.toEpochDay() + 1;
        BigDecimal total = sum(selected(start, end, request.getFilter()));
        BigDecimal previous = sum(selected(start.minusDays(days), start.minusDays(1), request.getFilter()));
        LocalDate monthStart = end.withDayOfMonth(1);
        LocalDate through = empty || COMPLETE_THROUGH.isAfter(end) ? end : COMPLETE_THROUGH;
        BigDecimal monthToDate = through.isBefore(monthStart)
                ? BigDecimal.ZERO
                : sum(selected(monthStart, through, request.getFilter()));
        long elapsed = through.isBefore(monthStart) ? 0 : through.getDayOfMonth();
        BigDecimal projection = elapsed == 0
                ? BigDecimal.ZERO
                : monthToDate
                        .multiply(BigDecimal.valueOf(monthStart.lengthOfMonth()))
                        .divide(BigDecimal.valueOf(elapsed), 2, RoundingMode.HALF_UP);
        GetSpendSummaryResponse.Builder b = GetSpendSummaryResponse.newBuilder()
                .setTotal(money(total))
                .setPreviousTotal(money(previous))
                .setMonthToDate(money(monthToDate))
                .setMonthEndProjection(money(projection));
        if (previous.signum() != 0) {
            b.setChangePercent(total.subtract(previous)
                    .multiply(BigDecimal.valueOf(100))
                    .divide(previous, 1, RoundingMode.HALF_UP)
                    .toPlainString());
        }
        List<Item> listed = selected(start, end, request.getFilter()).stream()
                .filter(i -> i.listAmount() != null)
                .toList();
        if (!listed.isEmpty()) {
            BigDecimal list = listed.stream().map(Item::listAmount).reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal billed = sum(listed);
            b.setDiscount(finora.api.v1.Discount.newBuilder()
                    .setListAmount(money(list))
                    .setBilledAmount(money(billed))
                    .setSaved(money(list.subtract(billed))));
        }
        if (tokenUsage != null) {
            b.setTokenUsage(tokenUsage);
        }
        Estimate today = estimate;
        if (today != null && !today.day().isBefore(start) && !today.day().isAfter(end)) {
            b.setTodaySoFar(nowcast(today));
        }
        if (!empty) {
            b.setCompleteThrough(date(COMPLETE_THROUGH)).setFinalThrough(date(FINAL_THROUGH));
        }
        respond(response, b.build());
    }

    private static finora.api.v1.Nowcast nowcast(Estimate estimate) {
        Instant midnight = estimate.day().atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        finora.api.v1.Nowcast.Builder b = finora.api.v1.Nowcast.newBuilder()
                .setLabel("today so far, provisional")
                .setDay(date(estimate.day()))
                .setAmount(money(estimate.hours().stream().reduce(BigDecimal.ZERO, BigDecimal::add)))
                .setThroughTime(
                        timestamp(midnight.plusSeconds(3600L * estimate.hours().size())))
                .setFetchTime(timestamp(estimate.fetched()));
        for (int h = 0; h < estimate.hours().size(); h++) {
            b.addHours(finora.api.v1.NowcastHour.newBuilder()
                    .setStartTime(timestamp(midnight.plusSeconds(3600L * h)))
                    .setAmount(money(estimate.hours().get(h))));
        }
        return b.build();
    }

    private static com.google.protobuf.Timestamp timestamp(Instant instant) {
        return com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .build();
    }

    @Override
    public void exportCosts(ExportCostsRequest request, StreamObserver<ExportCostsResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        List<Item> selected = selected(date(request.getStartDate()), date(request.getEndDate()), request.getFilter());
        response.onNext(ExportCostsResponse.newBuilder()
                .setData(ByteString.copyFromUtf8("date,model,workspace_id,amount_usd\n"))
                .build());
        for (int i = 0; i < selected.size(); i += 50) {
            StringBuilder chunk = new StringBuilder();
            List<Item> part = selected.subList(i, Math.min(i + 50, selected.size()));
            part.forEach(item -> chunk.append(item.day())
                    .append(',')
                    .append(item.model())
                    .append(',')
                    .append(item.workspaceId())
                    .append(',')
                    .append(item.amount().toPlainString())
                    .append('\n'));
            response.onNext(ExportCostsResponse.newBuilder()
                    .setData(ByteString.copyFromUtf8(chunk.toString()))
                    .setRows(part.size())
                    .build());
        }
        response.onCompleted();
    }

    @Override
    public void listRestatements(ListRestatementsRequest request, StreamObserver<ListRestatementsResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        restatementRequests.add(request);
        LocalDate start = date(request.getStartDate());
        LocalDate end = date(request.getEndDate());
        List<Restatement> inRange = restatements.stream()
                .filter(r ->
                        !date(r.getDay()).isBefore(start) && !date(r.getDay()).isAfter(end))
                .toList();
        int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
        int offset = request.getPageToken().isEmpty() ? 0 : Integer.parseInt(request.getPageToken());
        ListRestatementsResponse.Builder b = ListRestatementsResponse.newBuilder()
                .addAllRestatements(
                        inRange.subList(Math.min(offset, inRange.size()), Math.min(offset + size, inRange.size())));
        if (offset + size < inRange.size()) {
            b.setNextPageToken(String.valueOf(offset + size));
        }
        respond(response, b.build());
    }

    private final List<finora.api.v1.PriceDiscrepancy> discrepancies = new CopyOnWriteArrayList<>();
    private volatile io.grpc.StatusRuntimeException priceCheckFailure;

    /**
     * Adds a price-check discrepancy on {@code day} (billed against expected, USD; the difference is
     * theirs), as the server's check reports one; listed largest difference first.
     */
    public void addDiscrepancy(
            LocalDate day,
            String model,
            String tokenType,
            String tier,
            long quantity,
            String billed,
            String expected,
            String listUnitPrice,
            finora.api.v1.PriceHint hint,
            String explanation) {
        BigDecimal b = new BigDecimal(billed);
        BigDecimal e = new BigDecimal(expected);
        discrepancies.add(finora.api.v1.PriceDiscrepancy.newBuilder()
                .setDay(date(day))
                .setProvider(finora.api.v1.Provider.PROVIDER_ANTHROPIC)
                .setOrganizationId(ORG_ID)
                .setWorkspaceId("default")
                .setModel(model)
                .setTokenType(tokenType)
                .setServiceTier(tier)
                .setUsageQuantity(quantity)
                .setBilled(money(b))
                .setExpected(money(e))
                .setDifference(money(b.subtract(e)))
                .setListUnitPrice(listUnitPrice)
                .setHint(hint)
                .setExplanation(explanation)
                .build());
        discrepancies.sort(Comparator.<finora.api.v1.PriceDiscrepancy, BigDecimal>comparing(
                        d -> usd(d.getDifference()).abs())
                .reversed());
    }

    /** Every ListPriceDiscrepancies call fails with this status from now on (null: none). */
    public void failPriceCheck(io.grpc.StatusRuntimeException failure) {
        this.priceCheckFailure = failure;
    }

    @Override
    public void listPriceDiscrepancies(
            finora.api.v1.ListPriceDiscrepanciesRequest request,
            StreamObserver<finora.api.v1.ListPriceDiscrepanciesResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        if (priceCheckFailure != null) {
            response.onError(priceCheckFailure);
            return;
        }
        LocalDate start = date(request.getStartDate());
        LocalDate end = date(request.getEndDate());
        List<finora.api.v1.PriceDiscrepancy> inRange = discrepancies.stream()
                .filter(d ->
                        !date(d.getDay()).isBefore(start) && !date(d.getDay()).isAfter(end))
                .toList();
        int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
        respond(
                response,
                finora.api.v1.ListPriceDiscrepanciesResponse.newBuilder()
                        .addAllDiscrepancies(inRange.subList(0, Math.min(size, inRange.size())))
                        .setTotal(inRange.size())
                        .build());
    }

    @Override
    public void listTagValues(ListTagValuesRequest request, StreamObserver<ListTagValuesResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        ListTagValuesResponse.Builder b = ListTagValuesResponse.newBuilder();
        switch (request.getKey()) {
            case "api_key" ->
                b.addValues(tag("unattributed", NOT_ATTRIBUTED))
                        .addValues(tag(RESEARCH_KEY, RESEARCH_KEY_NAME))
                        .addValues(tag(SUPPORT_KEY, SUPPORT_KEY_NAME));
            case "actor" ->
                b.addValues(tag(ADA, ADA_NAME))
                        .addValues(tag(GRACE, GRACE_NAME))
                        .addValues(tag("unattributed", NOT_ATTRIBUTED))
                        .addValues(tag(SUPPORT_ACCOUNT, SUPPORT_ACCOUNT_NAME));
            case "product" ->
                b.addValues(tag("api", "api"))
                        .addValues(tag("claude_code", "claude_code"))
                        .addValues(tag("console", "console"))
                        .addValues(tag("unattributed", NOT_ATTRIBUTED));
            default -> b.addValues(tag("default", "Default")).addValues(tag(RESEARCH_ID, "Research"));
        }
        respond(response, b.build());
    }

    private static TagValue tag(String value, String displayName) {
        return TagValue.newBuilder().setValue(value).setDisplayName(displayName).build();
    }

    private List<Item> selected(LocalDate start, LocalDate end, finora.api.v1.CostFilter filter) {
        Predicate<Item> match = i -> !i.day().isBefore(start)
                && !i.day().isAfter(end)
                && (filter.getModelFamiliesCount() == 0
                        || filter.getModelFamiliesList().contains(i.family()))
                && (filter.getModelsCount() == 0 || filter.getModelsList().contains(i.model()))
                && (filter.getProvidersCount() == 0 || filter.getProvidersList().contains(provider(i)))
                && filter.getTagsList().stream().allMatch(t -> t.getValuesList().contains(i.tag(t.getKey())));
        return items.stream().filter(match).toList();
    }

    private static BigDecimal sum(List<Item> items) {
        return items.stream().map(Item::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    static com.google.type.Money money(BigDecimal usd) {
        BigDecimal units = usd.setScale(0, RoundingMode.DOWN);
        return com.google.type.Money.newBuilder()
                .setCurrencyCode("USD")
                .setUnits(units.longValueExact())
                .setNanos(usd.subtract(units).movePointRight(9).intValueExact())
                .build();
    }

    static BigDecimal usd(com.google.type.Money money) {
        return BigDecimal.valueOf(money.getUnits()).add(BigDecimal.valueOf(money.getNanos(), 9));
    }

    static LocalDate date(com.google.type.Date d) {
        return LocalDate.of(d.getYear(), d.getMonth(), d.getDay());
    }

    static com.google.type.Date date(LocalDate d) {
        return com.google.type.Date.newBuilder()
                .setYear(d.getYear())
                .setMonth(d.getMonthValue())
                .setDay(d.getDayOfMonth())
                .build();
    }

    private static <T> void respond(StreamObserver<T> observer, T value) {
        observer.onNext(value);
        observer.onCompleted();
    }
}
