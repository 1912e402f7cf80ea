package finora.admin.grpc;

import com.google.protobuf.ByteString;
import com.google.rpc.Code;
import finora.api.v1.CostDimension;
import finora.api.v1.CostOrder;
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
 * ({@link #VERSIONS}); corrections (restatements) are none until a test adds some.
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

  /** One stored line item. */
  public record Item(LocalDate day, String family, String model, String workspaceId, String workspaceName,
      BigDecimal amount) {}

  private final FakeFinoraServer server;
  private final List<Item> items = new CopyOnWriteArrayList<>(defaultItems());
  private final List<QueryCostsRequest> queries = new CopyOnWriteArrayList<>();
  private final List<Restatement> restatements = new CopyOnWriteArrayList<>();
  private final List<ListRestatementsRequest> restatementRequests = new CopyOnWriteArrayList<>();
  private volatile boolean empty;

  FakeCostService(FakeFinoraServer server) {
    this.server = server;
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
  public void addCorrection(LocalDate day, String organizationName, String before, String after, Instant detected,
      boolean afterFinal) {
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
      list.add(new Item(d, "Opus", OPUS, RESEARCH_ID, "Research", new BigDecimal("10.00")));
      list.add(new Item(d, "Sonnet", SONNET, "default", "Default",
          d.isBefore(SONNET_RAISE) ? new BigDecimal("5.00") : new BigDecimal("6.00")));
      list.add(new Item(d, "Haiku", HAIKU, RESEARCH_ID, "Research", new BigDecimal("0.25")));
      list.add(new Item(d, "", "", "default", "Default", new BigDecimal("0.10")));
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
      response.onError(FakeFinoraServer.error(Code.INVALID_ARGUMENT, "INVALID_RANGE",
          "end_date " + end + " is before start_date " + start));
      return;
    }
    Map<List<String>, CostRow.Builder> groups = new LinkedHashMap<>();
    BigDecimal total = BigDecimal.ZERO;
    for (Item item : selected(start, end, request.getFilter())) {
      List<String> key = new ArrayList<>();
      for (CostDimension d : request.getGroupByList()) {
        key.add(switch (d) {
          case COST_DIMENSION_DAY -> item.day().toString();
          case COST_DIMENSION_MODEL_FAMILY -> item.family();
          case COST_DIMENSION_MODEL -> item.model();
          case COST_DIMENSION_MODEL_VERSION -> item.family() + " " + VERSIONS.get(item.model());
          case COST_DIMENSION_WORKSPACE -> item.workspaceId();
          default -> "";
        });
      }
      CostRow.Builder row = groups.computeIfAbsent(key, k -> {
        CostRow.Builder b = CostRow.newBuilder().setAmount(money(BigDecimal.ZERO));
        for (CostDimension d : request.getGroupByList()) {
          switch (d) {
            case COST_DIMENSION_DAY -> b.setPeriodStart(date(item.day()));
            case COST_DIMENSION_MODEL_FAMILY -> b.setModelFamily(item.family());
            case COST_DIMENSION_MODEL -> b.setModel(item.model()).setModelFamily(item.family())
                .setModelVersion(VERSIONS.get(item.model()));
            case COST_DIMENSION_MODEL_VERSION -> b.setModelFamily(item.family())
                .setModelVersion(VERSIONS.get(item.model()));
            case COST_DIMENSION_WORKSPACE -> b.setWorkspaceId(item.workspaceId()).setWorkspaceName(item.workspaceName());
            default -> { }
          }
        }
        return b;
      });
      row.setAmount(money(usd(row.getAmount()).add(item.amount())));
      row.setProvisional(row.getProvisional() || item.day().isAfter(FINAL_THROUGH));
      total = total.add(item.amount());
    }
    List<CostRow> rows = new ArrayList<>(groups.values().stream().map(CostRow.Builder::build).toList());
    Comparator<CostRow> byAmount = Comparator.comparing(r -> usd(r.getAmount()));
    rows.sort(switch (request.getOrderBy()) {
      case COST_ORDER_AMOUNT_DESC -> byAmount.reversed();
      case COST_ORDER_AMOUNT_ASC -> byAmount;
      default -> Comparator.<CostRow, LocalDate>comparing(r -> r.hasPeriodStart() ? date(r.getPeriodStart()) : null,
          Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(byAmount.reversed());
    });
    int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
    int offset = request.getPageToken().isEmpty() ? 0 : Integer.parseInt(
        new String(Base64.getDecoder().decode(request.getPageToken()), StandardCharsets.UTF_8).substring(5));
    QueryCostsResponse.Builder b = QueryCostsResponse.newBuilder()
        .addAllRows(rows.subList(Math.min(offset, rows.size()), Math.min(offset + size, rows.size())))
        .setTotal(money(total))
        .setTotalRows(rows.size());
    if (offset + size < rows.size()) {
      b.setNextPageToken(Base64.getEncoder().encodeToString(("page:" + (offset + size))
          .getBytes(StandardCharsets.UTF_8)));
    }
    if (!empty) {
      b.setCompleteThrough(date(COMPLETE_THROUGH)).setFinalThrough(date(FINAL_THROUGH));
    }
    respond(response, b.build());
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
    BigDecimal monthToDate = through.isBefore(monthStart) ? BigDecimal.ZERO
        : sum(selected(monthStart, through, request.getFilter()));
    long elapsed = through.isBefore(monthStart) ? 0 : through.getDayOfMonth();
    BigDecimal projection = elapsed == 0 ? BigDecimal.ZERO : monthToDate
        .multiply(BigDecimal.valueOf(monthStart.lengthOfMonth()))
        .divide(BigDecimal.valueOf(elapsed), 2, RoundingMode.HALF_UP);
    GetSpendSummaryResponse.Builder b = GetSpendSummaryResponse.newBuilder()
        .setTotal(money(total))
        .setPreviousTotal(money(previous))
        .setMonthToDate(money(monthToDate))
        .setMonthEndProjection(money(projection));
    if (previous.signum() != 0) {
      b.setChangePercent(total.subtract(previous).multiply(BigDecimal.valueOf(100))
          .divide(previous, 1, RoundingMode.HALF_UP).toPlainString());
    }
    if (!empty) {
      b.setCompleteThrough(date(COMPLETE_THROUGH)).setFinalThrough(date(FINAL_THROUGH));
    }
    respond(response, b.build());
  }

  @Override
  public void exportCosts(ExportCostsRequest request, StreamObserver<ExportCostsResponse> response) {
    if (server.answeredAlready(response, true)) {
      return;
    }
    List<Item> selected = selected(date(request.getStartDate()), date(request.getEndDate()), request.getFilter());
    response.onNext(ExportCostsResponse.newBuilder()
        .setData(ByteString.copyFromUtf8("date,model,workspace_id,amount_usd\n")).build());
    for (int i = 0; i < selected.size(); i += 50) {
      StringBuilder chunk = new StringBuilder();
      List<Item> part = selected.subList(i, Math.min(i + 50, selected.size()));
      part.forEach(item -> chunk.append(item.day()).append(',').append(item.model()).append(',')
          .append(item.workspaceId()).append(',').append(item.amount().toPlainString()).append('\n'));
      response.onNext(ExportCostsResponse.newBuilder().setData(ByteString.copyFromUtf8(chunk.toString()))
          .setRows(part.size()).build());
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
        .filter(r -> !date(r.getDay()).isBefore(start) && !date(r.getDay()).isAfter(end)).toList();
    int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
    int offset = request.getPageToken().isEmpty() ? 0 : Integer.parseInt(request.getPageToken());
    ListRestatementsResponse.Builder b = ListRestatementsResponse.newBuilder()
        .addAllRestatements(inRange.subList(Math.min(offset, inRange.size()), Math.min(offset + size, inRange.size())));
    if (offset + size < inRange.size()) {
      b.setNextPageToken(String.valueOf(offset + size));
    }
    respond(response, b.build());
  }

  @Override
  public void listTagValues(ListTagValuesRequest request, StreamObserver<ListTagValuesResponse> response) {
    if (server.answeredAlready(response, true)) {
      return;
    }
    respond(response, ListTagValuesResponse.newBuilder()
        .addValues(TagValue.newBuilder().setValue("default").setDisplayName("Default"))
        .addValues(TagValue.newBuilder().setValue(RESEARCH_ID).setDisplayName("Research"))
        .build());
  }

  private List<Item> selected(LocalDate start, LocalDate end, finora.api.v1.CostFilter filter) {
    Predicate<Item> match = i -> !i.day().isBefore(start) && !i.day().isAfter(end)
        && (filter.getModelFamiliesCount() == 0 || filter.getModelFamiliesList().contains(i.family()))
        && (filter.getModelsCount() == 0 || filter.getModelsList().contains(i.model()))
        && filter.getTagsList().stream().allMatch(t -> t.getValuesList().contains(i.workspaceId()));
    return items.stream().filter(match).toList();
  }

  private static BigDecimal sum(List<Item> items) {
    return items.stream().map(Item::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  static com.google.type.Money money(BigDecimal usd) {
    BigDecimal units = usd.setScale(0, RoundingMode.DOWN);
    return com.google.type.Money.newBuilder().setCurrencyCode("USD").setUnits(units.longValueExact())
        .setNanos(usd.subtract(units).movePointRight(9).intValueExact()).build();
  }

  static BigDecimal usd(com.google.type.Money money) {
    return BigDecimal.valueOf(money.getUnits()).add(BigDecimal.valueOf(money.getNanos(), 9));
  }

  static LocalDate date(com.google.type.Date d) {
    return LocalDate.of(d.getYear(), d.getMonth(), d.getDay());
  }

  static com.google.type.Date date(LocalDate d) {
    return com.google.type.Date.newBuilder().setYear(d.getYear()).setMonth(d.getMonthValue())
        .setDay(d.getDayOfMonth()).build();
  }

  private static <T> void respond(StreamObserver<T> observer, T value) {
    observer.onNext(value);
    observer.onCompleted();
  }
}
