package finora.server.cost;

import finora.api.v1.CostDimension;
import finora.api.v1.CostFilter;
import finora.api.v1.CostOrder;
import finora.api.v1.Provider;
import finora.api.v1.TagFilter;
import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import finora.server.provider.WorkspaceId;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Reads a cost request: the UTC day range, the filters, the grouping and the order, checked and
 * turned into Java values ({@link CostQuery}, {@link Dimension}, {@link Order}). Part of the adapter:
 * it alone reads the proto request, so the service and the repository see Java types only.
 */
final class CostRequest {
    /** Longest range a query may span, in days (two years, leap day included). */
    static final int MAX_RANGE_DAYS = 731;

    /** Tag keys filters and ListTagValues accept. */
    static final List<String> TAG_KEYS = List.of("workspace", "api_key", "actor", "product");

    /**
     * The range and filter of a request (the preamble of every cost RPC): both dates are required, the
     * end not before the start, at most {@link #MAX_RANGE_DAYS} days (INVALID_RANGE otherwise).
     */
    static CostQuery of(
            com.google.type.Date start, com.google.type.Date end, boolean hasStart, boolean hasEnd, CostFilter filter) {
        return new CostQuery(range(start, end, hasStart, hasEnd), filter(filter));
    }

    private CostRequest() {}

    /** Tag value that stands for cost without an API key, actor or product. */
    static final String UNATTRIBUTED = "unattributed";
    /** Most tags one filter may hold. */
    static final int MAX_TAGS = 20;
    /** Most values one tag filter may hold. */
    static final int MAX_TAG_VALUES = 500;

    private static CostQuery.Range range(
            com.google.type.Date start, com.google.type.Date end, boolean hasStart, boolean hasEnd) {
        if (!hasStart || !hasEnd) {
            throw invalid("start_date and end_date are required (UTC days, inclusive)");
        }
        LocalDate s = date(start, "start_date");
        LocalDate e = date(end, "end_date");
        if (e.isBefore(s)) {
            throw invalid("end_date " + e + " is before start_date " + s);
        }
        CostQuery.Range range = new CostQuery.Range(s, e);
        if (range.days() > MAX_RANGE_DAYS) {
            throw invalid("The range spans " + range.days() + " days; at most " + MAX_RANGE_DAYS + " (2 years)");
        }
        return range;
    }

    private static CostQuery.Filter filter(CostFilter f) {
        // Stored provider names asked for; only unknown values (e.g. UNSPECIFIED) asked for match nothing.
        List<String> providers = new ArrayList<>();
        for (Provider p : f.getProvidersList()) {
            String name = finora.server.grpc.ProtoValues.providerName(p);
            if (name != null && !providers.contains(name)) {
                providers.add(name);
            }
        }
        boolean otherProviderOnly = !f.getProvidersList().isEmpty() && providers.isEmpty();
        List<String> workspaces = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> actors = new ArrayList<>();
        List<String> products = new ArrayList<>();
        if (f.getTagsCount() > MAX_TAGS) {
            throw new FinoraException(ErrorReason.INVALID_ARGUMENT, "At most " + MAX_TAGS + " tag filters");
        }
        for (TagFilter tag : f.getTagsList()) {
            if (tag.getValuesCount() > MAX_TAG_VALUES) {
                throw new FinoraException(
                        ErrorReason.INVALID_ARGUMENT, "At most " + MAX_TAG_VALUES + " values per tag filter");
            }
            List<String> target = switch (tag.getKey()) {
                case "workspace" -> workspaces;
                case "api_key" -> keys;
                case "actor" -> actors;
                case "product" -> products;
                default -> throw unknownTag(tag.getKey());
            };
            for (String v : tag.getValuesList()) {
                target.add(target == workspaces ? WorkspaceId.fromWire(v) : UNATTRIBUTED.equals(v) ? "" : v);
            }
        }
        return new CostQuery.Filter(
                List.copyOf(f.getModelFamiliesList()),
                List.copyOf(f.getModelsList()),
                workspaces,
                otherProviderOnly,
                keys,
                actors,
                products,
                List.copyOf(providers));
    }

    /** The grouping asked for, as Java values: known dimensions, none twice, at most one of DAY, WEEK, MONTH. */
    static List<Dimension> dimensions(List<CostDimension> groupBy) {
        EnumSet<Dimension> seen = EnumSet.noneOf(Dimension.class);
        List<Dimension> dims = new ArrayList<>();
        int time = 0;
        for (CostDimension d : groupBy) {
            if (d == CostDimension.COST_DIMENSION_UNSPECIFIED || d == CostDimension.UNRECOGNIZED) {
                throw new FinoraException(ErrorReason.INVALID_ARGUMENT, "group_by holds an unknown dimension");
            }
            Dimension dim = Dimension.valueOf(d.name().substring("COST_DIMENSION_".length()));
            if (!seen.add(dim)) {
                throw new FinoraException(ErrorReason.INVALID_ARGUMENT, "group_by repeats " + d);
            }
            if (Dimension.TIME.contains(dim)) {
                time++;
            }
            dims.add(dim);
        }
        if (time > 1) {
            throw new FinoraException(
                    ErrorReason.INVALID_ARGUMENT, "group_by may hold only one of DAY, WEEK and MONTH");
        }
        return List.copyOf(dims);
    }

    /** The ordering asked for; unspecified (and unknown) is by date. */
    static Order order(CostOrder order) {
        return switch (order) {
            case COST_ORDER_AMOUNT_DESC -> Order.AMOUNT_DESC;
            case COST_ORDER_AMOUNT_ASC -> Order.AMOUNT_ASC;
            default -> Order.DATE;
        };
    }

    private static LocalDate date(com.google.type.Date d, String field) {
        try {
            return LocalDate.of(d.getYear(), d.getMonth(), d.getDay());
        } catch (DateTimeException e) {
            throw invalid(field + " is not a calendar day");
        }
    }

    /** An API key, actor or product id as on the wire: '' (none) is {@value #UNATTRIBUTED}. */
    static String attributed(String stored) {
        return stored.isEmpty() ? UNATTRIBUTED : stored;
    }

    static FinoraException unknownTag(String key) {
        return new FinoraException(
                ErrorReason.INVALID_ARGUMENT,
                "Unknown tag '"
                        + (key.length() > 40 ? key.substring(0, 40) + "…" : key) + "'; supported: "
                        + String.join(", ", TAG_KEYS));
    }

    static FinoraException invalid(String message) {
        return new FinoraException(ErrorReason.INVALID_RANGE, message);
    }
}
