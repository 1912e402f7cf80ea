package finora.server.provider.openai;

import finora.server.provider.ProviderCosts;
import finora.server.provider.ProviderException;
import finora.server.provider.openai.OpenAiAdminClient.CostBucket;
import finora.server.provider.openai.OpenAiAdminClient.CostPage;
import finora.server.provider.openai.OpenAiAdminClient.CostResult;
import finora.server.provider.openai.OpenAiAdminClient.Project;
import finora.server.provider.openai.OpenAiAdminClient.ProjectPage;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenAI behind the provider seam: {@code GET /v1/organization/costs} in daily buckets grouped by
 * project and line item, projects named from {@code GET /v1/organization/projects} (archived ones
 * included, so old spend keeps its name). Projects fill the same "project / workspace" dimension as
 * Anthropic's workspaces; line items give the model, its family and version.
 *
 * <p>OpenAI documents no endpoint that names the organization of an admin key. Every organization
 * has a Default project that cannot be archived, and projects are never deleted, so the oldest
 * project (by creation time, then id) is a stable identity: the connection's organization id is
 * that project's id, its name says so. Two keys of one organization always agree on it.
 */
public final class OpenAiCosts implements ProviderCosts {
    private static final Logger log = LoggerFactory.getLogger(OpenAiCosts.class);

    /** Day buckets asked for per page; OpenAI serves at most 31 per page whatever the limit. */
    static final int PAGE_DAYS = 31;

    static final List<String> GROUPS = List.of("project_id", "line_item");
    private static final int PROJECT_PAGE = 100;
    private static final int MAX_PROJECT_PAGES = 200;
    /** Cost rows without a project (e.g. organization-level fees) are stored under workspace ''. */
    static final String NO_PROJECT = "Organization (no project)";

    private static final KeyGuide GUIDE = new KeyGuide(
            OpenAiKeyFormat.PREFIX,
            "Paste an Admin API key (" + OpenAiKeyFormat.PREFIX + "…). The organization Owner creates one at "
                    + "platform.openai.com/settings/organization/admin-keys, with permission \"Read only\" (or "
                    + "\"Restricted\" with read access to the Usage API and Organization Administration).",
            "Tracks OpenAI API platform spend of one organization, by project and line item, as "
                    + "OpenAI's costs endpoint reports it (it reconciles to the invoice); not ChatGPT plans, and "
                    + "credits are not in it. API key and user attribution is not read. An Admin key is only used "
                    + "to read projects and costs; Finora never uses it to call models.",
            "OpenAI rejected this key (HTTP 401): it is revoked, expired, not an Admin key or lacks the "
                    + "api.usage.read / api.management.read scopes. The organization Owner creates a new Admin key "
                    + "at platform.openai.com/settings/organization/admin-keys; paste it.",
            "OpenAI refused this key (HTTP 403): it lacks read access to the Usage API or Organization "
                    + "Administration. The organization Owner creates an Admin key with both and you paste it.",
            "OpenAI rejected the stored Admin key (HTTP 401): it was revoked, expired or lost its read scopes. "
                    + "Syncs are paused: the organization Owner creates a fresh Admin key "
                    + "(platform.openai.com/settings/organization/admin-keys), then choose Update on this "
                    + "connection and paste it.",
            "OpenAI refused the stored Admin key (HTTP 403): it lacks the Usage or Organization Administration "
                    + "read permission. Syncs are paused: the organization Owner creates an Admin key with read "
                    + "access to both, then choose Update on this connection and paste it.");

    private final OpenAiAdminClient client;

    /** Creates the source over an admin client. */
    public OpenAiCosts(OpenAiAdminClient client) {
        this.client = client;
    }

    @Override
    public String provider() {
        return "OPENAI";
    }

    @Override
    public String displayName() {
        return "OpenAI";
    }

    @Override
    public String checkKeyFormat(String raw) {
        return OpenAiKeyFormat.check(raw);
    }

    @Override
    public String keyHint(String key) {
        return OpenAiKeyFormat.hint(key);
    }

    @Override
    public KeyGuide keyGuide() {
        return GUIDE;
    }

    /** The projects list names the organization (its oldest project); one small costs page proves cost access. */
    @Override
    public Organization organization(String key, LocalDate today) {
        List<Project> projects = projects(key);
        Project oldest = projects.stream()
                .min(Comparator.comparing((Project p) -> p.createdAt() == null ? Instant.MAX : p.createdAt())
                        .thenComparing(Project::id))
                .orElseThrow(() -> ProviderException.bad(
                        "OpenAI listed no project for this key; every " + "organization has a Default project"));
        client.costs(key, instant(today.minusDays(1)), instant(today), List.of(), 1, null);
        return new Organization(
                truncate(oldest.id()), truncate("OpenAI organization of " + oldest.name() + " (" + oldest.id() + ")"));
    }

    /** OpenAI's costs are by project and line item: the workspace level, without hourly buckets. */
    @Override
    public DataLevel probe(String key, LocalDate today) {
        return new WorkspaceOnly("OpenAI's costs endpoint reports by project and line item; "
                + "API key and user attribution is not read");
    }

    @Override
    public Directory directory(String key, DataLevel level) {
        List<Workspace> workspaces = new ArrayList<>();
        workspaces.add(new Workspace("", NO_PROJECT, null));
        for (Project p : projects(key)) {
            workspaces.add(new Workspace(
                    truncate(p.id()),
                    truncate(p.name()),
                    p.archivedAt() == null ? null : p.archivedAt().atOffset(ZoneOffset.UTC)));
        }
        return new Directory(workspaces, List.of(), List.of(), List.of());
    }

    private List<Project> projects(String key) {
        List<Project> all = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        String after = null;
        for (int i = 0; i < MAX_PROJECT_PAGES; i++) {
            ProjectPage page = client.projects(key, after, PROJECT_PAGE, true);
            all.addAll(page.projects());
            if (!page.hasMore()) {
                return all;
            }
            if (page.lastId() == null || !cursors.add(page.lastId())) {
                throw ProviderException.bad("OpenAI's project list repeated its paging cursor");
            }
            after = page.lastId();
        }
        throw ProviderException.bad("OpenAI's project list kept paging past " + MAX_PROJECT_PAGES + " pages");
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
        int days = (int) (endExclusive.toEpochDay() - start.toEpochDay());
        if (days <= 0) {
            return level;
        }
        Set<String> cursors = new HashSet<>();
        Set<LocalDate> seen = new HashSet<>();
        int maxPages = days + 1; // every honest page carries at least one day
        int pages = 0;
        String cursor = null;
        while (true) {
            CostPage page = client.costs(key, instant(start), instant(endExclusive), GROUPS, PAGE_DAYS, cursor);
            pages++;
            for (CostBucket bucket : page.buckets()) {
                LocalDate day = LocalDate.ofInstant(bucket.start(), ZoneOffset.UTC);
                if (!bucket.start().equals(instant(day)) || !bucket.end().equals(instant(day.plusDays(1)))) {
                    throw ProviderException.bad("OpenAI's costs have a bucket that is not one UTC day");
                }
                if (day.isBefore(start) || !day.isBefore(endExclusive)) {
                    log.warn(
                            "OpenAI sent the day {} outside the window {} to {}; ignored",
                            day,
                            start,
                            endExclusive.minusDays(1));
                    continue;
                }
                if (!seen.add(day)) {
                    continue;
                }
                sink.accept(day(day, bucket.results()));
            }
            pageDone.run();
            if (!page.hasMore()) {
                break;
            }
            if (!cursors.add(page.nextPage())) {
                throw ProviderException.bad("OpenAI's costs repeated their paging cursor after " + pages + " pages");
            }
            if (pages >= maxPages) {
                throw ProviderException.bad(
                        "OpenAI's costs kept paging past " + maxPages + " pages for " + days + " days");
            }
            cursor = page.nextPage();
        }
        if (seen.size() < days) {
            throw ProviderException.bad(
                    "OpenAI's costs lacked " + (days - seen.size()) + " of the " + days + " days asked for");
        }
        return level;
    }

    /** One day's rows merged by every stored dimension; a row that is not a number spoils its day only. */
    private static FetchedDay day(LocalDate day, List<CostResult> results) {
        Map<CostLine, BigDecimal> merged = new LinkedHashMap<>();
        for (CostResult r : results) {
            if (r.defect() != null) {
                log.warn("OpenAI's costs for {} held {}; the day keeps what was stored before", day, r.defect());
                return new DefectiveDay(day, Source.COST_REPORT, r.defect());
            }
            if (r.currency() != null && !"usd".equalsIgnoreCase(r.currency())) {
                throw ProviderException.bad("OpenAI reported an amount in " + truncate(r.currency(), 10) + ", not USD");
            }
            String lineItem = orEmpty(r.lineItem());
            OpenAiModelName name = OpenAiModelName.parse(lineItem);
            CostLine line = new CostLine(
                    truncate(orEmpty(r.projectId())),
                    truncate(lineItem),
                    truncate(name.model()),
                    truncate(name.family()),
                    truncate(name.version()),
                    "",
                    truncate(name.detail()),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    BigDecimal.ZERO,
                    null);
            merged.merge(line, r.amount(), BigDecimal::add);
        }
        List<CostLine> lines = new ArrayList<>(merged.size());
        merged.forEach((l, usd) -> lines.add(new CostLine(
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
                exact(usd),
                null)));
        return new Day(day, lines, Source.COST_REPORT, true, List.of());
    }

    @Override
    public NowcastAnswer nowcast(String key, DataLevel level, LocalDate today, Instant now) {
        return new NoEstimate("OpenAI's costs endpoint has daily buckets only");
    }

    /** "1E+3" is stored as 1000. */
    private static BigDecimal exact(BigDecimal usd) {
        return usd.scale() < 0 ? usd.setScale(0) : usd;
    }

    private static Instant instant(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
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
