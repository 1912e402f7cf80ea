package finora.sim;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Deterministic generator of workspaces and daily cost rows. Everything derives from a 64-bit
 * organization seed by mixing in the day and a revision, so any day can be generated on its own,
 * in any order, with the same result.
 */
final class CostGenerator {

    static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final List<String> WORKSPACE_NAMES = List.of(
            "Production",
            "Staging",
            "Research",
            "Customer Support",
            "Data Pipeline",
            "Marketing Copy",
            "Internal Tools",
            "Evaluation",
            "Sales Assistant",
            "Legacy Chatbot",
            "Code Review",
            "Search");
    private static final List<String> COLORS =
            List.of("#6C5BB9", "#3A86FF", "#2A9D8F", "#E76F51", "#F4A261", "#8AB17D", "#E9C46A", "#264653");
    private static final Instant FIRST_WORKSPACE_CREATED = Instant.parse("2025-01-06T09:00:00Z");
    private static final Instant FIRST_WORKSPACE_ARCHIVED = Instant.parse("2026-03-02T15:00:00Z");
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final BigDecimal CENTS_PER_WEB_SEARCH = BigDecimal.ONE;
    private static final BigDecimal CODE_EXECUTION_CENTS_PER_HOUR = BigDecimal.valueOf(5);
    private static final BigDecimal SESSION_CENTS_PER_HOUR = BigDecimal.valueOf(8);
    /** Real responses carry 4 to 6 decimals of a cent, varying row to row; so does the simulator. */
    private static final int MIN_AMOUNT_SCALE = 4;

    private static final int MAX_AMOUNT_SCALE = 6;

    private static final long WORKSPACE_SALT = 0x57_4f_52_4b_53_50_43L;
    private static final long EMPTY_DAY_SALT = 0x45_4d_50_54_59L;

    /** Order of a day's rows: workspace (Default first), then description, then the other dimensions. */
    static final Comparator<CostLineItem> ROW_ORDER = Comparator.comparing(
                    CostLineItem::workspaceId, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(CostLineItem::description)
            .thenComparing(CostLineItem::model, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(CostLineItem::tokenType, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(CostLineItem::serviceTier, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(CostLineItem::contextWindow, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(CostLineItem::inferenceGeo, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(CostLineItem::speed, Comparator.nullsFirst(Comparator.<String>naturalOrder()));

    private final SimConfig config;

    CostGenerator(SimConfig config) {
        this.config = config;
    }

    /** The seed of one organization: the configured seed mixed with a stable hash of the organization id. */
    long organizationSeed(String organizationId) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : organizationId.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return mix(config.seed(), hash);
    }

    /** The organization's workspaces in creation order; archived ones are spread evenly among them. */
    List<SimWorkspace> workspaces(long organizationSeed) {
        SplittableRandom random = new SplittableRandom(mix(organizationSeed, WORKSPACE_SALT));
        List<String> names = new ArrayList<>(WORKSPACE_NAMES);
        for (int i = names.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            names.set(i, names.set(j, names.get(i)));
        }
        int total = config.workspaces();
        int archived = config.archivedWorkspaces();
        // Spacing shrinks with the count so even 1000 workspaces were all created in early 2025.
        long createdSpacingDays = Math.min(9, 540 / Math.max(1, total));
        long archivedSpacingDays = Math.min(13, 200 / Math.max(1, total));
        List<SimWorkspace> result = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            String id = "wrkspc_01" + base62(random, 22);
            String name = i < names.size() ? names.get(i) : "Workspace " + (i + 1);
            Instant created = FIRST_WORKSPACE_CREATED
                    .plus(Duration.ofDays(createdSpacingDays * i))
                    .plusSeconds(600L * i + random.nextInt(600));
            boolean isArchived = (long) (i + 1) * archived / total > (long) i * archived / total;
            Instant archivedAt = isArchived
                    ? FIRST_WORKSPACE_ARCHIVED
                            .plus(Duration.ofDays(archivedSpacingDays * i))
                            .plusSeconds(random.nextInt(36_000))
                    : null;
            result.add(new SimWorkspace(id, name, created, archivedAt, COLORS.get(random.nextInt(COLORS.size()))));
        }
        return List.copyOf(result);
    }

    /** Whether the day has no cost at all in its original (unrestated) version. */
    boolean isEmptyDay(long organizationSeed, LocalDate day) {
        long hash = mix(mix(organizationSeed, EMPTY_DAY_SALT), day.toEpochDay());
        return Math.floorMod(hash, 100) < config.emptyDayPercent();
    }

    /**
     * The cost rows of one day at the finest grain, sorted by workspace then description.
     * Revision 0 is the original data; every higher revision is a restated version of the day.
     */
    List<CostLineItem> day(long organizationSeed, List<SimWorkspace> workspaces, LocalDate day, int revision) {
        if (revision == 0 && isEmptyDay(organizationSeed, day)) {
            return List.of();
        }
        SplittableRandom random = new SplittableRandom(mix(mix(organizationSeed, day.toEpochDay()), revision));
        List<String> workspaceIds = new ArrayList<>();
        workspaceIds.add(null);
        for (SimWorkspace workspace : workspaces) {
            if (hasCostOn(workspace, day)) {
                workspaceIds.add(workspace.id());
            }
        }
        Map<CostLineItem, CostLineItem> rows = new LinkedHashMap<>();
        int wanted = config.rowsPerDay();
        if (wanted >= 3) {
            put(rows, webSearch(day, pick(random, workspaceIds), random));
            put(rows, codeExecution(day, pick(random, workspaceIds), random));
        }
        for (int attempt = 0; rows.size() < wanted && attempt < wanted * 20; attempt++) {
            int kind = random.nextInt(100);
            String workspaceId = pick(random, workspaceIds);
            if (kind < 4) {
                put(rows, webSearch(day, workspaceId, random));
            } else if (kind < 6) {
                put(rows, codeExecution(day, workspaceId, random));
            } else if (kind < 8) {
                put(rows, sessionUsage(day, workspaceId, random));
            } else {
                put(rows, tokens(day, workspaceId, random));
            }
        }
        List<CostLineItem> result = new ArrayList<>(rows.values());
        result.sort(ROW_ORDER);
        return List.copyOf(result);
    }

    private static boolean hasCostOn(SimWorkspace workspace, LocalDate day) {
        LocalDate created = LocalDate.ofInstant(workspace.createdAt(), ZoneOffset.UTC);
        if (day.isBefore(created)) {
            return false;
        }
        return workspace.archivedAt() == null
                || day.isBefore(LocalDate.ofInstant(workspace.archivedAt(), ZoneOffset.UTC));
    }

    /** Keeps the first row of each identity (all fields but the amount). */
    private static void put(Map<CostLineItem, CostLineItem> rows, CostLineItem row) {
        rows.putIfAbsent(row.identity(), row);
    }

    private CostLineItem tokens(LocalDate day, String workspaceId, SplittableRandom random) {
        SimModel model = config.models().get(random.nextInt(config.models().size()));
        int tokenRoll = random.nextInt(100);
        boolean batch = random.nextInt(100) < 20;
        boolean longContext = random.nextInt(100) < 15;
        int geoRoll = random.nextInt(100);
        String geo = geoRoll < 70 ? "global" : geoRoll < 90 ? "us" : "not_available";
        boolean fast = random.nextInt(100) < 10;

        String tokenType;
        String label;
        BigDecimal price;
        if (tokenRoll < 30) {
            tokenType = "uncached_input_tokens";
            label = "Input Tokens";
            price = model.inputCentsPerMTok();
        } else if (tokenRoll < 60) {
            tokenType = "output_tokens";
            label = "Output Tokens";
            price = model.outputCentsPerMTok();
        } else if (tokenRoll < 80) {
            tokenType = "cache_read_input_tokens";
            label = "Input Tokens, Cache Hit";
            price = model.inputCentsPerMTok().multiply(new BigDecimal("0.1"));
        } else if (tokenRoll < 95) {
            tokenType = "cache_creation.ephemeral_5m_input_tokens";
            label = "Input Tokens, Cache Write";
            price = model.inputCentsPerMTok().multiply(new BigDecimal("1.25"));
        } else {
            tokenType = "cache_creation.ephemeral_1h_input_tokens";
            label = "Input Tokens, Cache Write";
            price = model.inputCentsPerMTok().multiply(BigDecimal.valueOf(2));
        }
        if (longContext) {
            price = price.multiply(tokenType.equals("output_tokens") ? new BigDecimal("1.5") : BigDecimal.valueOf(2));
        }
        if (batch) {
            price = price.multiply(new BigDecimal("0.5"));
        }
        if (fast) {
            price = price.multiply(BigDecimal.valueOf(6)); // fast mode: premium pricing
        }
        long tokens = tokenCount(random);
        BigDecimal amount =
                BigDecimal.valueOf(tokens).multiply(price).divide(MILLION, scale(random), RoundingMode.HALF_EVEN);
        // Service tiers are standard and batch only: Priority Tier spend is not in the cost report.
        return new CostLineItem(
                day,
                workspaceId,
                model.displayName() + " Usage - " + label,
                "tokens",
                model.id(),
                tokenType,
                batch ? "batch" : "standard",
                longContext ? "200k-1M" : "0-200k",
                geo,
                fast ? "fast" : "standard",
                amount,
                tokens);
    }

    /** The decimal places of one amount string, 4 to 6. */
    private static int scale(SplittableRandom random) {
        return MIN_AMOUNT_SCALE + random.nextInt(MAX_AMOUNT_SCALE - MIN_AMOUNT_SCALE + 1);
    }

    /** Between 10 thousand and 10 million tokens, spread over three orders of magnitude. */
    private static long tokenCount(SplittableRandom random) {
        long magnitude = 10_000L;
        for (int i = random.nextInt(3); i > 0; i--) {
            magnitude *= 10;
        }
        return magnitude + random.nextLong(9 * magnitude);
    }

    private static CostLineItem webSearch(LocalDate day, String workspaceId, SplittableRandom random) {
        BigDecimal searches = BigDecimal.valueOf(1 + random.nextInt(2_000));
        return new CostLineItem(
                day,
                workspaceId,
                "Web Search Usage",
                "web_search",
                null,
                null,
                null,
                null,
                null,
                null,
                searches.multiply(CENTS_PER_WEB_SEARCH).setScale(scale(random), RoundingMode.UNNECESSARY),
                searches.longValueExact());
    }

    private static CostLineItem codeExecution(LocalDate day, String workspaceId, SplittableRandom random) {
        BigDecimal seconds = BigDecimal.valueOf(60 + random.nextInt(36_000));
        BigDecimal amount = seconds.multiply(CODE_EXECUTION_CENTS_PER_HOUR)
                .divide(BigDecimal.valueOf(3600), scale(random), RoundingMode.HALF_EVEN);
        return new CostLineItem(
                day, workspaceId, "Code Execution Usage", "code_execution", null, null, null, null, null, amount);
    }

    /** Managed agents' runtime: cost type {@code session_usage}, no model (description wording constructed). */
    private static CostLineItem sessionUsage(LocalDate day, String workspaceId, SplittableRandom random) {
        BigDecimal seconds = BigDecimal.valueOf(60 + random.nextInt(72_000));
        BigDecimal amount = seconds.multiply(SESSION_CENTS_PER_HOUR)
                .divide(BigDecimal.valueOf(3600), scale(random), RoundingMode.HALF_EVEN);
        return new CostLineItem(
                day,
                workspaceId,
                "Managed Agents Session Usage",
                "session_usage",
                null,
                null,
                null,
                null,
                null,
                amount);
    }

    private static String pick(SplittableRandom random, List<String> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** {@code length} random base-62 characters. */
    static String base62(RandomGenerator random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(BASE62.charAt(random.nextInt(BASE62.length())));
        }
        return text.toString();
    }

    /** Combines two values into a well-spread 64-bit seed (SplitMix64 finalizer). */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
