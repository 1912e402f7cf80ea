package finora.server.provider.anthropic;

import finora.server.provider.ProviderCosts;
import finora.server.provider.ProviderException;
import finora.server.provider.anthropic.AnthropicModels.ActorRef;
import finora.server.provider.anthropic.AnthropicModels.AnalyticsPage;
import finora.server.provider.anthropic.AnthropicModels.AnalyticsRow;
import finora.server.provider.anthropic.AnthropicModels.ApiKeyInfo;
import finora.server.provider.anthropic.AnthropicModels.ApiKeyPage;
import finora.server.provider.anthropic.AnthropicModels.CostBucket;
import finora.server.provider.anthropic.AnthropicModels.CostReportPage;
import finora.server.provider.anthropic.AnthropicModels.CostResult;
import finora.server.provider.anthropic.AnthropicModels.User;
import finora.server.provider.anthropic.AnthropicModels.UserPage;
import finora.server.provider.anthropic.AnthropicModels.WorkspacePage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anthropic behind the provider seam, with two sources: the legacy {@code cost_report} (by workspace
 * and description, any day) and the Usage and Cost Analytics API (beta; by API key, actor, product,
 * model and every token dimension, with list prices and hourly buckets), used for the days it covers
 * (from 2026-01-01 and within 365 days) when it answers for the key. Each day comes from exactly one
 * source; a refusal met while fetching hands the remaining days to the legacy report.
 */
public final class AnthropicCosts implements ProviderCosts {
    private static final Logger log = LoggerFactory.getLogger(AnthropicCosts.class);

    /** The analytics API serves no day before this. */
    public static final LocalDate ANALYTICS_FLOOR = LocalDate.of(2026, 1, 1);
    /** Day buckets per {@code cost_report} page: the API's maximum. */
    static final int PAGE_DAYS = 31;
    /** Day buckets per page after Anthropic refused a page with 400 (too dense). */
    static final int SMALL_PAGE_DAYS = 7;
    /** Days per analytics request (all its pages are read before any of its days is handed over). */
    static final int ANALYTICS_CHUNK_DAYS = 7;
    /** Rows per analytics page. */
    static final int ANALYTICS_LIMIT = 1000;
    /** Every dimension the ledger keeps; asked first. */
    static final List<String> FULL_GROUPS = List.of(
            "workspace_id",
            "api_key_id",
            "actor",
            "product",
            "model",
            "cost_type",
            "token_type",
            "service_tier",
            "context_window",
            "inference_geo",
            "speed");
    /** Asked again when the full set is refused (group_by caps are undocumented): still exact totals. */
    static final List<String> REDUCED_GROUPS = List.of("workspace_id", "api_key_id", "actor", "product", "model");

    private static final List<String> LEGACY_GROUPS = List.of("workspace_id", "description");
    private static final int DIRECTORY_PAGE = 100;
    private static final int MAX_DIRECTORY_PAGES = 200;
    private static final String DEFAULT_WORKSPACE = "Default";

    private final AnthropicAdminClient client;

    /** Creates the source over an Admin API client. */
    public AnthropicCosts(AnthropicAdminClient client) {
        this.client = client;
    }

    @Override
    public String provider() {
        return "ANTHROPIC";
    }

    @Override
    public String displayName() {
        return "Anthropic";
    }

    @Override
    public String checkKeyFormat(String raw) {
        return AnthropicKeyFormat.check(raw);
    }

    @Override
    public String keyHint(String key) {
        return AnthropicKeyFormat.hint(key);
    }

    @Override
    public KeyGuide keyGuide() {
        return GUIDE;
    }

    private static final KeyGuide GUIDE = new KeyGuide(
            AnthropicKeyFormat.PREFIX,
            "Paste an Admin API key (" + AnthropicKeyFormat.PREFIX + "…). Organization admins create one "
                    + "in the Claude Console under Settings → Admin keys.",
            "Tracks Anthropic API platform spend (Claude Console organizations) only, not Claude.ai "
                    + "plans (Pro, Max, Team, Enterprise seats). Priority Tier spend is not in Anthropic's cost "
                    + "report, so totals can be below the invoice for Priority Tier customers. An Admin key is only "
                    + "used to read organization, workspace and cost data; Finora never uses it to call Claude.",
            "Anthropic rejected this key (HTTP 401): it is revoked, expired or not an Admin key. Create a "
                    + "new Admin key in the Claude Console (Settings → Admin keys) and paste it.",
            "Anthropic refused this key (HTTP 403): the member who created it may no longer have the admin "
                    + "role. Ask an organization admin to create a new Admin key and paste it.",
            "Anthropic rejected the stored Admin key (HTTP 401): it was revoked or expired. Syncs are paused: "
                    + "create a fresh Admin key in the Claude Console (Settings → Admin keys), then choose Update on "
                    + "this connection and paste it.",
            "Anthropic refused the stored Admin key (HTTP 403): the member who created it may no longer have the "
                    + "admin role. Syncs are paused: ask an organization admin to create a fresh Admin key in the "
                    + "Claude Console (Settings → Admin keys), then choose Update on this connection and paste it.");

    /** {@code GET /v1/organizations/me} names the organization; one small {@code cost_report} proves cost access. */
    @Override
    public Organization organization(String key, LocalDate today) {
        AnthropicModels.Organization org = client.organization(key);
        client.costReport(key, today.minusDays(2), today.minusDays(1), List.of(), 1, null);
        return new Organization(org.id(), org.name());
    }

    /** The first day the analytics API serves on {@code today}: 2026-01-01, or 364 days ago. */
    public static LocalDate analyticsFrom(LocalDate today) {
        LocalDate yearAgo = today.minusDays(364);
        return yearAgo.isAfter(ANALYTICS_FLOOR) ? yearAgo : ANALYTICS_FLOOR;
    }

    @Override
    public DataLevel probe(String key, LocalDate today) {
        LocalDate from = analyticsFrom(today);
        if (!from.isBefore(today)) {
            return new WorkspaceOnly("The Cost Analytics API covers no closed day yet (it starts on 2026-01-01)");
        }
        LocalDate day = today.minusDays(1);
        try {
            client.analyticsCost(key, instant(day), instant(today), "1d", List.of(), 1, null);
            return new Detailed();
        } catch (ProviderException e) {
            return switch (e.kind()) {
                case REQUEST_REFUSED, FORBIDDEN -> new WorkspaceOnly(refusal(e));
                default -> throw e;
            };
        }
    }

    private static String refusal(ProviderException e) {
        return "Anthropic's Cost Analytics API (beta) refused this key (HTTP " + e.httpStatus()
                + (e.providerMessage() == null ? "" : ": " + e.providerMessage())
                + "); costs come from the legacy cost report, by workspace only";
    }

    @Override
    public Directory directory(String key, DataLevel level) {
        List<Workspace> workspaces = new ArrayList<>();
        workspaces.add(new Workspace("", DEFAULT_WORKSPACE, null));
        pages("workspace list", after -> {
            WorkspacePage page = client.workspaces(key, after, DIRECTORY_PAGE, true);
            page.workspaces()
                    .forEach(w -> workspaces.add(new Workspace(
                            w.id(),
                            truncate(w.name()),
                            w.archivedAt() == null ? null : w.archivedAt().atOffset(ZoneOffset.UTC))));
            return new Cursor(page.hasMore(), page.lastId());
        });
        List<ApiKey> keys = new ArrayList<>();
        List<Actor> actors = new ArrayList<>();
        List<String> defaultAliases = new ArrayList<>();
        if (level instanceof Detailed) {
            List<ApiKeyInfo> infos = new ArrayList<>();
            pages("API key list", after -> {
                ApiKeyPage page = client.apiKeys(key, after, DIRECTORY_PAGE);
                infos.addAll(page.keys());
                return new Cursor(page.hasMore(), page.lastId());
            });
            pages("user list", after -> {
                UserPage page = client.users(key, after, DIRECTORY_PAGE);
                for (User u : page.users()) {
                    actors.add(new Actor(
                            u.id(), "USER", userLabel(u.name(), u.email(), false, u.id()), u.email(), false, true));
                }
                return new Cursor(page.hasMore(), page.lastId());
            });
            Set<String> known = new HashSet<>();
            actors.forEach(a -> known.add(a.id()));
            for (ApiKeyInfo k : infos) {
                // The deprecated workspace_id is null for the Default workspace while scope names its real id.
                boolean defaultScope = k.workspaceId() == null && k.scopeWorkspaceId() != null;
                if (defaultScope && !defaultAliases.contains(k.scopeWorkspaceId())) {
                    defaultAliases.add(k.scopeWorkspaceId());
                }
                String ws = "organization".equals(k.scopeType()) ? null : defaultScope ? "" : k.workspaceId();
                String name = k.name() == null || k.name().isBlank() ? k.id() : k.name();
                keys.add(new ApiKey(
                        k.id(),
                        truncate(name),
                        truncate(k.status() == null ? "" : k.status()),
                        truncate(k.hint()),
                        ws));
                actors.add(new Actor(k.id(), "API_KEY", truncate("API key " + name), null, false, true));
                if (k.principalId() != null && k.principalId().startsWith("svac_") && known.add(k.principalId())) {
                    actors.add(new Actor(
                            k.principalId(),
                            "SERVICE_ACCOUNT",
                            "Service account " + k.principalId(),
                            null,
                            false,
                            false));
                }
            }
        }
        return new Directory(workspaces, keys, actors, defaultAliases);
    }

    @Override
    public DataLevel fetchDays(
            String key,
            DataLevel level,
            Directory directory,
            LocalDate start,
            LocalDate endExclusive,
            LocalDate today,
            Consumer<FetchedDay> sink,
            Runnable pageDone) {
        LocalDate analyticsStart = level instanceof Detailed ? max(start, analyticsFrom(today)) : endExclusive;
        if (analyticsStart.isAfter(endExclusive)) {
            analyticsStart = endExclusive;
        }
        // Older days (and everything when the analytics API is refused) from the legacy report.
        if (start.isBefore(analyticsStart)) {
            legacy(key, start, analyticsStart, sink, pageDone);
        }
        for (LocalDate chunk = analyticsStart;
                chunk.isBefore(endExclusive);
                chunk = chunk.plusDays(ANALYTICS_CHUNK_DAYS)) {
            LocalDate chunkEnd = min(chunk.plusDays(ANALYTICS_CHUNK_DAYS), endExclusive);
            List<FetchedDay> days;
            try {
                days = analyticsChunk(key, directory, chunk, chunkEnd, pageDone);
            } catch (ProviderException e) {
                if (e.kind() != ProviderException.Kind.REQUEST_REFUSED
                        && e.kind() != ProviderException.Kind.FORBIDDEN) {
                    throw e;
                }
                log.warn(
                        "The analytics API refused {} to {} (HTTP {}); the legacy cost report fills them",
                        chunk,
                        endExclusive.minusDays(1),
                        e.httpStatus());
                legacy(key, chunk, endExclusive, sink, pageDone);
                return new WorkspaceOnly(refusal(e));
            }
            days.forEach(sink);
        }
        return level;
    }

    /** Every day of [start, end) from the analytics API, all pages read first (rows of a day may span pages). */
    private List<FetchedDay> analyticsChunk(
            String key, Directory directory, LocalDate start, LocalDate end, Runnable pageDone) {
        List<String> groups = FULL_GROUPS;
        List<AnalyticsRow> rows = new ArrayList<>();
        Instant watermark = null;
        boolean first = true;
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        int pages = 0;
        while (true) {
            AnalyticsPage page;
            try {
                page = client.analyticsCost(key, instant(start), instant(end), "1d", groups, ANALYTICS_LIMIT, cursor);
            } catch (ProviderException e) {
                if (groups == FULL_GROUPS
                        && e.kind() == ProviderException.Kind.REQUEST_REFUSED
                        && e.httpStatus() == 400) {
                    log.warn(
                            "The analytics API refused {} group_by dimensions (HTTP 400: {}); asking for {}",
                            groups.size(),
                            e.providerMessage(),
                            REDUCED_GROUPS);
                    groups = REDUCED_GROUPS;
                    rows.clear();
                    cursors.clear();
                    cursor = null;
                    first = true;
                    continue;
                }
                throw e;
            }
            pages++;
            rows.addAll(page.rows());
            if (page.dataRefreshedAt() != null) {
                watermark = first || watermark == null || page.dataRefreshedAt().isBefore(watermark)
                        ? page.dataRefreshedAt()
                        : watermark;
            }
            first = false;
            pageDone.run();
            if (!page.hasMore()) {
                break;
            }
            if (!cursors.add(page.nextPage())) {
                throw ProviderException.bad(
                        "Anthropic's analytics API repeated its paging cursor after " + pages + " pages");
            }
            if (pages > 10_000) {
                throw ProviderException.bad("Anthropic's analytics API kept paging past 10000 pages");
            }
            cursor = page.nextPage();
        }
        Set<String> defaultAliases = new HashSet<>(directory.defaultWorkspaceAliases());
        Map<String, String> keyNames = new HashMap<>();
        directory.apiKeys().forEach(k -> keyNames.put(k.id(), k.name()));
        Map<String, Actor> listed = new HashMap<>();
        directory.actors().forEach(a -> listed.put(a.id(), a));
        Map<LocalDate, Map<CostLine, BigDecimal[]>> byDay = new TreeMap<>();
        Map<LocalDate, String> defects = new TreeMap<>();
        Map<LocalDate, Map<String, Actor>> actors = new HashMap<>();
        for (LocalDate d = start; d.isBefore(end); d = d.plusDays(1)) {
            byDay.put(d, new LinkedHashMap<>());
        }
        for (AnalyticsRow r : rows) {
            LocalDate day = LocalDate.ofInstant(r.start(), ZoneOffset.UTC);
            if (!r.start().equals(instant(day)) || !r.end().equals(instant(day.plusDays(1)))) {
                throw ProviderException.bad("Anthropic's analytics API answered a bucket that is not one UTC day");
            }
            if (!byDay.containsKey(day)) {
                log.warn(
                        "Anthropic's analytics API sent the day {} outside {} to {}; ignored",
                        day,
                        start,
                        end.minusDays(1));
                continue;
            }
            if (r.currency() != null && !"USD".equalsIgnoreCase(r.currency())) {
                throw ProviderException.bad(
                        "Anthropic reported an amount in " + truncate(r.currency(), 10) + ", not USD");
            }
            if (r.defect() != null) {
                defects.putIfAbsent(day, r.defect());
                continue;
            }
            String actorId = "";
            if (r.actor() != null && r.actor().id() != null) {
                actorId = truncate(r.actor().id());
                Actor a = actor(r.actor(), keyNames, listed);
                actors.computeIfAbsent(day, d -> new LinkedHashMap<>()).put(a.id(), a);
            }
            CostLine line = line(r.group(), actorId, defaultAliases);
            BigDecimal usd = usd(r.amountCents());
            BigDecimal list = r.listAmountCents() == null ? null : usd(r.listAmountCents());
            byDay.get(day).merge(line, new BigDecimal[] {usd, list}, (a, b) ->
                    new BigDecimal[] {a[0].add(b[0]), a[1] == null || b[1] == null ? null : a[1].add(b[1])});
        }
        List<FetchedDay> days = new ArrayList<>();
        for (Map.Entry<LocalDate, Map<CostLine, BigDecimal[]>> e : byDay.entrySet()) {
            LocalDate day = e.getKey();
            if (defects.containsKey(day)) {
                days.add(new DefectiveDay(day, Source.ANALYTICS, defects.get(day)));
                continue;
            }
            List<CostLine> lines = new ArrayList<>();
            e.getValue()
                    .forEach((l, sums) -> lines.add(new CostLine(
                            l.workspaceId(),
                            l.description(),
                            l.model(),
                            l.modelFamily(),
                            l.modelVersion(),
                            l.costType(),
                            l.tokenType(),
                            l.serviceTier(),
                            l.contextWindow(),
                            l.inferenceGeo(),
                            l.speed(),
                            l.apiKeyId(),
                            l.actorId(),
                            l.product(),
                            sums[0],
                            sums[1])));
            boolean settled = watermark == null || !watermark.isBefore(instant(day.plusDays(1)));
            days.add(new Day(
                    day,
                    lines,
                    Source.ANALYTICS,
                    settled,
                    List.copyOf(actors.getOrDefault(day, Map.of()).values())));
        }
        return days;
    }

    /** A line's identity (amounts zero) from an analytics row's group. */
    private static CostLine line(Map<String, String> g, String actorId, Set<String> defaultAliases) {
        String ws = orEmpty(g.get("workspace_id"));
        if (defaultAliases.contains(ws)) {
            ws = "";
        }
        String model = orEmpty(g.get("model"));
        ModelName name = ModelName.parse(model);
        String costType = orEmpty(g.get("cost_type"));
        String tokenType = orEmpty(g.get("token_type"));
        String description = model.isEmpty() ? costType : model + (tokenType.isEmpty() ? "" : " - " + tokenType);
        return new CostLine(
                truncate(ws),
                truncate(description),
                truncate(model),
                truncate(name.family()),
                truncate(name.version()),
                truncate(costType),
                truncate(tokenType),
                truncate(orEmpty(g.get("service_tier"))),
                truncate(orEmpty(g.get("context_window"))),
                truncate(orEmpty(g.get("inference_geo"))),
                truncate(orEmpty(g.get("speed"))),
                truncate(orEmpty(g.get("api_key_id"))),
                actorId,
                truncate(orEmpty(g.get("product"))),
                BigDecimal.ZERO,
                null);
    }

    /** An actor seen in a cost row, with a label people can read. */
    private static Actor actor(ActorRef ref, Map<String, String> keyNames, Map<String, Actor> listed) {
        String id = truncate(ref.id());
        String type = ref.type() == null ? "" : ref.type();
        if (id.startsWith("apikey_") || type.contains("api_key")) {
            String keyName = keyNames.get(id);
            return new Actor(
                    id, "API_KEY", truncate("API key " + (keyName == null ? id : keyName)), null, false, false);
        }
        if (id.startsWith("svac_") || type.contains("service_account")) {
            return new Actor(
                    id,
                    "SERVICE_ACCOUNT",
                    truncate(ref.name() == null ? "Service account " + id : ref.name() + " (service account)"),
                    null,
                    false,
                    false);
        }
        if (id.startsWith("user_") || type.contains("user")) {
            Actor member = listed.get(id);
            if (member != null && !ref.deleted()) {
                return member;
            }
            boolean deleted = ref.deleted() || member == null;
            return new Actor(
                    id,
                    "USER",
                    truncate(userLabel(ref.name(), ref.email(), deleted, id)),
                    truncate(ref.email()),
                    deleted,
                    false);
        }
        return new Actor(
                id, "OTHER", truncate(ref.name() == null ? id : ref.name()), truncate(ref.email()), false, false);
    }

    private static String userLabel(String name, String email, boolean deleted, String id) {
        String base = name != null && !name.isBlank()
                ? (email == null ? name : name + " <" + email + ">")
                : email != null ? email : "User " + id;
        return truncate(deleted ? base + " (deleted)" : base);
    }

    /**
     * The usage report's grouping: the dimensions that set a token's price, matching the cost lines
     * (token type is in every row). The report takes at most five, so API key and inference geo are
     * left out: neither changes the price.
     */
    static final List<String> USAGE_GROUPS =
            List.of("workspace_id", "model", "service_tier", "context_window", "speed");

    @Override
    public boolean reportsUsage() {
        return true;
    }

    @Override
    public void fetchUsage(String key, LocalDate start, LocalDate end, Consumer<UsageDay> sink, Runnable pageDone) {
        int days = (int) (end.toEpochDay() - start.toEpochDay());
        Set<String> cursors = new HashSet<>();
        Set<LocalDate> seen = new HashSet<>();
        int pageDays = PAGE_DAYS;
        int pages = 0;
        String cursor = null;
        List<String> groups = USAGE_GROUPS;
        while (true) {
            AnthropicModels.UsagePage page;
            try {
                page = client.usageReport(key, start, end, groups, pageDays, cursor);
            } catch (ProviderException e) {
                boolean refused = e.kind() == ProviderException.Kind.REQUEST_REFUSED && e.httpStatus() == 400;
                if (refused && groups.contains("speed") && cursor == null) {
                    // Grouping by speed needs the fast-mode beta: without it, usage without speed (priced standard).
                    log.warn(
                            "Anthropic refused usage grouped by speed (HTTP 400: {}); asking without speed",
                            e.providerMessage());
                    groups = USAGE_GROUPS.stream()
                            .filter(g -> !g.equals("speed"))
                            .toList();
                    continue;
                }
                if (refused && pageDays > SMALL_PAGE_DAYS) {
                    log.warn(
                            "Anthropic refused a usage page of {} days (HTTP 400: {}); asking for {} days a page",
                            pageDays,
                            e.providerMessage(),
                            SMALL_PAGE_DAYS);
                    pageDays = SMALL_PAGE_DAYS;
                    continue;
                }
                throw e;
            }
            pages++;
            for (AnthropicModels.UsageBucket bucket : page.buckets()) {
                LocalDate day = LocalDate.ofInstant(bucket.start(), ZoneOffset.UTC);
                if (day.isBefore(start) || !day.isBefore(end) || !seen.add(day)) {
                    continue;
                }
                sink.accept(new UsageDay(day, usageLines(bucket.results())));
            }
            pageDone.run();
            if (!page.hasMore()) {
                break;
            }
            if (!cursors.add(page.nextPage()) || pages > days + 1) {
                throw ProviderException.bad(
                        "Anthropic's usage report kept paging past " + pages + " pages for " + days + " days");
            }
            cursor = page.nextPage();
        }
        if (seen.size() < days) {
            throw ProviderException.bad(
                    "Anthropic's usage report lacked " + (days - seen.size()) + " of the " + days + " days asked for");
        }
    }

    /** One line per non-zero count, summed by identity (a model id written twice folds into one). */
    private static List<UsageLine> usageLines(List<AnthropicModels.UsageResult> results) {
        Map<List<String>, Long> sums = new LinkedHashMap<>();
        for (AnthropicModels.UsageResult r : results) {
            List<String> dims = List.of(
                    orEmpty(r.workspaceId()),
                    orEmpty(r.model()),
                    orEmpty(r.serviceTier()),
                    orEmpty(r.contextWindow()),
                    orEmpty(r.speed()),
                    orEmpty(r.inferenceGeo()),
                    orEmpty(r.apiKeyId()));
            add(sums, dims, "uncached_input_tokens", r.uncachedInputTokens());
            add(sums, dims, "output_tokens", r.outputTokens());
            add(sums, dims, "cache_read_input_tokens", r.cacheReadInputTokens());
            add(sums, dims, "cache_creation.ephemeral_5m_input_tokens", r.cacheCreation5mInputTokens());
            add(sums, dims, "cache_creation.ephemeral_1h_input_tokens", r.cacheCreation1hInputTokens());
            // Web search requests are priced per request, not per model: kept by workspace only.
            add(
                    sums,
                    List.of(dims.get(0), "", "", "", "", "", dims.get(6)),
                    "web_search_requests",
                    r.webSearchRequests());
        }
        List<UsageLine> lines = new ArrayList<>();
        sums.forEach((k, quantity) -> {
            String model = k.get(1);
            ModelName name = model.isEmpty() ? new ModelName("", "") : ModelName.parse(model);
            lines.add(new UsageLine(
                    k.get(0),
                    truncate(model),
                    truncate(name.family()),
                    truncate(name.version()),
                    truncate(k.get(2)),
                    truncate(k.get(3)),
                    truncate(k.get(4)),
                    truncate(k.get(5)),
                    truncate(k.get(6)),
                    k.get(7),
                    quantity));
        });
        return lines;
    }

    private static void add(Map<List<String>, Long> sums, List<String> dims, String type, long quantity) {
        if (quantity != 0) {
            List<String> key = new ArrayList<>(dims);
            key.add(type);
            sums.merge(List.copyOf(key), quantity, Math::addExact);
        }
    }

    /** The legacy cost report for [start, end): one bucket per day, each day handed over as it arrives. */
    private void legacy(String key, LocalDate start, LocalDate end, Consumer<FetchedDay> sink, Runnable pageDone) {
        int days = (int) (end.toEpochDay() - start.toEpochDay());
        Set<String> cursors = new HashSet<>();
        Set<LocalDate> seen = new HashSet<>();
        int maxPages = days + 1; // every honest page carries at least one day
        int pageDays = PAGE_DAYS;
        int pages = 0;
        String cursor = null;
        while (true) {
            CostReportPage page;
            try {
                page = client.costReport(key, start, end, LEGACY_GROUPS, pageDays, cursor);
            } catch (ProviderException e) {
                if (e.kind() == ProviderException.Kind.REQUEST_REFUSED
                        && e.httpStatus() == 400
                        && pageDays > SMALL_PAGE_DAYS) {
                    // Dense pages can be refused by size: the same page again, fewer days at a time.
                    log.warn(
                            "Anthropic refused a page of {} days (HTTP 400: {}); asking for {} days a page",
                            pageDays,
                            e.providerMessage(),
                            SMALL_PAGE_DAYS);
                    pageDays = SMALL_PAGE_DAYS;
                    continue;
                }
                throw e;
            }
            pages++;
            for (CostBucket bucket : page.buckets()) {
                LocalDate day = dayOf(bucket);
                if (day.isBefore(start) || !day.isBefore(end)) {
                    // Never store what was not asked for: today above all is still changing.
                    log.warn(
                            "Anthropic sent the day {} outside the window {} to {}; ignored",
                            day,
                            start,
                            end.minusDays(1));
                    continue;
                }
                if (!seen.add(day)) {
                    continue;
                }
                if (bucket.defect() != null) {
                    log.warn(
                            "Anthropic's cost report for {} held {}; the day keeps what was stored before",
                            day,
                            bucket.defect());
                    sink.accept(new DefectiveDay(day, Source.COST_REPORT, bucket.defect()));
                    continue;
                }
                sink.accept(new Day(day, legacyLines(bucket.results()), Source.COST_REPORT, true, List.of()));
            }
            pageDone.run();
            if (!page.hasMore()) {
                break;
            }
            if (!cursors.add(page.nextPage())) {
                throw ProviderException.bad(
                        "Anthropic's cost report repeated its paging cursor after " + pages + " pages");
            }
            if (pages >= maxPages) {
                throw ProviderException.bad(
                        "Anthropic's cost report kept paging past " + maxPages + " pages for " + days + " days");
            }
            cursor = page.nextPage();
        }
        if (seen.size() < days) {
            throw ProviderException.bad(
                    "Anthropic's cost report lacked " + (days - seen.size()) + " of the " + days + " days asked for");
        }
    }

    /**
     * Merges rows that share every stored dimension and checks the currency. Amounts stay exact at
     * whatever scale Anthropic wrote them (cents / 100).
     */
    private static List<CostLine> legacyLines(List<CostResult> results) {
        Map<CostLine, BigDecimal> merged = new LinkedHashMap<>();
        for (CostResult r : results) {
            if (r.currency() != null && !"USD".equals(r.currency())) {
                throw ProviderException.bad(
                        "Anthropic reported an amount in " + truncate(r.currency(), 10) + ", not USD");
            }
            String model = orEmpty(r.model());
            ModelName name = ModelName.parse(model);
            CostLine key = new CostLine(
                    truncate(orEmpty(r.workspaceId())),
                    truncate(orEmpty(r.description())),
                    truncate(model),
                    truncate(name.family()),
                    truncate(name.version()),
                    truncate(orEmpty(r.costType())),
                    truncate(orEmpty(r.tokenType())),
                    truncate(orEmpty(r.serviceTier())),
                    truncate(orEmpty(r.contextWindow())),
                    truncate(orEmpty(r.inferenceGeo())),
                    truncate(orEmpty(r.speed())),
                    "",
                    "",
                    "",
                    BigDecimal.ZERO,
                    null);
            merged.merge(key, usd(r.amountCents()), BigDecimal::add);
        }
        List<CostLine> lines = new ArrayList<>(merged.size());
        merged.forEach((k, usd) -> lines.add(new CostLine(
                k.workspaceId(),
                k.description(),
                k.model(),
                k.modelFamily(),
                k.modelVersion(),
                k.costType(),
                k.tokenType(),
                k.serviceTier(),
                k.contextWindow(),
                k.inferenceGeo(),
                k.speed(),
                "",
                "",
                "",
                usd,
                null)));
        return lines;
    }

    @Override
    public NowcastAnswer nowcast(String key, DataLevel level, LocalDate today, Instant now) {
        if (!(level instanceof Detailed)) {
            return new NoEstimate("The Cost Analytics API does not answer for this key");
        }
        Instant from = instant(today);
        Instant to = now.truncatedTo(ChronoUnit.HOURS);
        if (!to.isAfter(from)) {
            return new NoEstimate("No hour of today has closed yet");
        }
        Map<Instant, BigDecimal[]> hours = new TreeMap<>();
        Instant watermark = null;
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        try {
            while (true) {
                AnalyticsPage page = client.analyticsCost(key, from, to, "1h", List.of(), ANALYTICS_LIMIT, cursor);
                for (AnalyticsRow r : page.rows()) {
                    if (r.start().isBefore(from)
                            || !r.start().isBefore(to)
                            || !Duration.between(r.start(), r.end()).equals(Duration.ofHours(1))) {
                        continue;
                    }
                    if (r.defect() != null) {
                        return new NoEstimate("Anthropic's hourly data held " + r.defect());
                    }
                    BigDecimal usd = usd(r.amountCents());
                    BigDecimal list = r.listAmountCents() == null ? null : usd(r.listAmountCents());
                    hours.merge(r.start(), new BigDecimal[] {usd, list}, (a, b) ->
                            new BigDecimal[] {a[0].add(b[0]), a[1] == null || b[1] == null ? null : a[1].add(b[1])});
                }
                watermark = page.dataRefreshedAt() != null ? page.dataRefreshedAt() : watermark;
                if (!page.hasMore()) {
                    break;
                }
                if (!cursors.add(page.nextPage()) || cursors.size() > 100) {
                    throw ProviderException.bad("Anthropic's analytics API repeated its paging cursor");
                }
                cursor = page.nextPage();
            }
        } catch (ProviderException e) {
            if (e.kind() == ProviderException.Kind.UNAUTHORIZED) {
                throw e;
            }
            return new NoEstimate("Anthropic's hourly data could not be read (" + e.getMessage() + ")");
        }
        List<Hour> list = new ArrayList<>();
        hours.forEach((h, v) -> list.add(new Hour(h, v[0], v[1])));
        return new Estimate(today, list, watermark);
    }

    private record Cursor(boolean hasMore, String lastId) {}

    /** Follows {@code after_id} paging to the end, refusing cursors that repeat. */
    private static void pages(String what, java.util.function.Function<String, Cursor> fetch) {
        Set<String> cursors = new HashSet<>();
        String after = null;
        for (int i = 0; i < MAX_DIRECTORY_PAGES; i++) {
            Cursor c = fetch.apply(after);
            if (!c.hasMore()) {
                return;
            }
            if (c.lastId() == null || !cursors.add(c.lastId())) {
                throw ProviderException.bad("Anthropic's " + what + " repeated its paging cursor");
            }
            after = c.lastId();
        }
        throw ProviderException.bad("Anthropic's " + what + " kept paging past " + MAX_DIRECTORY_PAGES + " pages");
    }

    private static LocalDate dayOf(CostBucket bucket) {
        LocalDate day = LocalDate.ofInstant(bucket.start(), ZoneOffset.UTC);
        Instant midnight = instant(day);
        if (!bucket.start().equals(midnight) || !bucket.end().equals(midnight.plus(Duration.ofDays(1)))) {
            throw ProviderException.bad("Anthropic's cost report has a bucket that is not one UTC day");
        }
        return day;
    }

    /** Cents (any scale) to exact USD. */
    private static BigDecimal usd(BigDecimal cents) {
        BigDecimal usd = cents.movePointLeft(2);
        return usd.scale() < 0 ? usd.setScale(0) : usd; // "1E+3" is stored as 1000
    }

    private static Instant instant(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String truncate(String s) {
        return truncate(s, 500);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
