package finora.server.cost;

import java.util.EnumSet;
import java.util.Set;

/** What costs can be grouped by (the Java side of {@code finora.v1.CostDimension}). */
enum Dimension {
    DAY,
    WEEK,
    MONTH,
    PROVIDER,
    MODEL_FAMILY,
    MODEL,
    WORKSPACE,
    COST_TYPE,
    TOKEN_TYPE,
    SERVICE_TIER,
    MODEL_VERSION,
    CONTEXT_WINDOW,
    INFERENCE_GEO,
    SPEED,
    API_KEY,
    ACTOR,
    PRODUCT;

    /** The time dimensions; a query groups by at most one of them. */
    static final Set<Dimension> TIME = EnumSet.of(DAY, WEEK, MONTH);
}
