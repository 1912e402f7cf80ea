package finora.server.cost;

import finora.api.v1.CostDimension;
import finora.api.v1.CostFilter;
import finora.api.v1.Provider;
import finora.api.v1.TagFilter;
import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Validated pieces of a cost request: the UTC day range and the filters, as plain Java values. */
final class CostRequest {
    /** Longest range a query may span, in days (two years, leap day included). */
    static final int MAX_RANGE_DAYS = 731;
    /** Tag value that stands for the Default workspace. */
    static final String DEFAULT_WORKSPACE = "default";

    private static final Set<CostDimension> TIME = EnumSet.of(CostDimension.COST_DIMENSION_DAY,
            CostDimension.COST_DIMENSION_WEEK, CostDimension.COST_DIMENSION_MONTH);

    /** Tag keys filters and ListTagValues accept. */
    static final List<String> TAG_KEYS = List.of("workspace", "api_key", "actor", "product");

    private CostRequest() {}

    /** An inclusive UTC day range. */
    record Range(LocalDate start, LocalDate end) {
        long days() {
            return ChronoUnit.DAYS.between(start, end) + 1;
        }
    }

    /** Tag value that stands for cost without an API key, actor or product. */
    static final String UNATTRIBUTED = "unattributed";
    /** Most tags one filter may hold. */
    static final int MAX_TAGS = 20;
    /** Most values one tag filter may hold. */
    static final int MAX_TAG_VALUES = 500;

    /**
     * Filters; empty lists mean no restriction; workspace ids use '' for the Default workspace, API
     * key, actor and product '' for cost without one.
     */
    record Filter(List<String> modelFamilies, List<String> models, List<String> workspaceIds, boolean noProvider,
            List<String> apiKeyIds, List<String> actorIds, List<String> products, List<String> providers) {

        Filter(List<String> modelFamilies, List<String> models, List<String> workspaceIds, boolean noProvider) {
            this(modelFamilies, models, workspaceIds, noProvider, List.of(), List.of(), List.of(), List.of());
        }
    }

    static Range range(com.google.type.Date start, com.google.type.Date end, boolean hasStart, boolean hasEnd) {
        if (!hasStart || !hasEnd) {
            throw invalid("start_date and end_date are required (UTC days, inclusive)");
        }
        LocalDate s = date(start, "start_date");
        LocalDate e = date(end, "end_date");
        if (e.isBefore(s)) {
            throw invalid("end_date " + e + " is before start_date " + s);
        }
        Range range = new Range(s, e);
        if (range.days() > MAX_RANGE_DAYS) {
            throw invalid("The range spans " + range.days() + " days; at most " + MAX_RANGE_DAYS + " (2 years)");
        }
        return range;
    }

    static Filter filter(CostFilter f) {
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
                throw new FinoraException(ErrorReason.INVALID_ARGUMENT, "At most " + MAX_TAG_VALUES
                        + " values per tag filter");
            }
            List<String> target = switch (tag.getKey()) {
                case "workspace" -> workspaces;
                case "api_key" -> keys;
                case "actor" -> actors;
                case "product" -> products;
                default -> throw new FinoraException(ErrorReason.INVALID_ARGUMENT,
                        "Unknown tag '" + (tag.getKey().length() > 40 ? tag.getKey().substring(0, 40) + "…"
                                : tag.getKey()) + "'; supported: " + String.join(", ", TAG_KEYS));
            };
            String none = target == workspaces ? DEFAULT_WORKSPACE : UNATTRIBUTED;
            for (String v : tag.getValuesList()) {
                target.add(none.equals(v) ? "" : v);
            }
        }
        return new Filter(List.copyOf(f.getModelFamiliesList()), List.copyOf(f.getModelsList()), workspaces,
                otherProviderOnly, keys, actors, products, List.copyOf(providers));
    }

    static List<CostDimension> dimensions(List<CostDimension> groupBy) {
        EnumSet<CostDimension> seen = EnumSet.noneOf(CostDimension.class);
        int time = 0;
        for (CostDimension d : groupBy) {
            if (d == CostDimension.COST_DIMENSION_UNSPECIFIED || d == CostDimension.UNRECOGNIZED) {
                throw new FinoraException(ErrorReason.INVALID_ARGUMENT, "group_by holds an unknown dimension");
            }
            if (!seen.add(d)) {
                throw new FinoraException(ErrorReason.INVALID_ARGUMENT, "group_by repeats " + d);
            }
            if (TIME.contains(d)) {
                time++;
            }
        }
        if (time > 1) {
            throw new FinoraException(ErrorReason.INVALID_ARGUMENT,
                    "group_by may hold only one of DAY, WEEK and MONTH");
        }
        return List.copyOf(groupBy);
    }

    private static LocalDate date(com.google.type.Date d, String field) {
        try {
            return LocalDate.of(d.getYear(), d.getMonth(), d.getDay());
        } catch (DateTimeException e) {
            throw invalid(field + " is not a calendar day");
        }
    }

    static FinoraException invalid(String message) {
        return new FinoraException(ErrorReason.INVALID_RANGE, message);
    }
}
