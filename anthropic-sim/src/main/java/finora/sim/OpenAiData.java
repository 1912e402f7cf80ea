package finora.sim;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenAI organizations of the simulator: projects and daily cost rows, generated from the
 * configured seed and the organization id, so every day is the same on every run and in any order.
 * Restated days are kept here and win over the generated ones.
 */
final class OpenAiData {
    /** Line items as OpenAI writes them: model, then what was billed; a few name no model at all. */
    static final List<String[]> LINE_ITEMS = List.of(
            new String[] {"gpt-4o-2024-08-06, input", "tokens"},
            new String[] {"gpt-4o-2024-08-06, output", "tokens"},
            new String[] {"gpt-4o-mini, cached input", "tokens"},
            new String[] {"gpt-4.1-mini-2025-04-14, output", "tokens"},
            new String[] {"gpt-5, input", "tokens"},
            new String[] {"o3-mini-2025-01-31, output", "tokens"},
            new String[] {"o1, input", "tokens"},
            new String[] {"text-embedding-3-small, input", "tokens"},
            new String[] {"dall-e-3, images", "images"},
            new String[] {"gpt-image-1, output", "tokens"},
            new String[] {"whisper-1, audio", "duration_seconds"},
            new String[] {"tts-1-hd, characters", "characters"},
            new String[] {"zeta-9-pro, output", "tokens"},
            new String[] {"Web search tool calls", "calls"});

    private static final List<String> PROJECT_NAMES =
            List.of("Support bot", "Search", "Data pipeline", "Marketing copy", "Evaluation", "Legacy assistant");
    private static final Instant FIRST_PROJECT = Instant.parse("2024-11-04T09:00:00Z");
    private static final long PROJECT_SALT = 0x4f50454e41495050L;
    private static final long DAY_SALT = 0x4f50454e41494459L;

    private final long seed;
    private final int emptyDayPercent;
    private final Map<String, Org> organizations = new ConcurrentHashMap<>();

    OpenAiData(SimConfig config) {
        this.seed = config.seed();
        this.emptyDayPercent = config.emptyDayPercent();
    }

    private record Org(
            String id,
            String name,
            long seed,
            List<OpenAiProject> projects,
            Map<LocalDate, List<OpenAiCostRow>> restated,
            Map<LocalDate, Integer> revisions) {}

    void add(String id, String name) {
        long orgSeed = CostGenerator.mix(seed, hash(id));
        if (organizations.putIfAbsent(
                        id,
                        new Org(
                                id,
                                name,
                                orgSeed,
                                projects(orgSeed),
                                new ConcurrentHashMap<>(),
                                new ConcurrentHashMap<>()))
                != null) {
            throw new IllegalStateException("organization already exists: " + id);
        }
    }

    boolean exists(String id) {
        return organizations.containsKey(id);
    }

    List<String[]> organizations() {
        return organizations.values().stream()
                .sorted(Comparator.comparing(Org::name))
                .map(o -> new String[] {o.id(), o.name()})
                .toList();
    }

    List<OpenAiProject> projects(String organizationId) {
        return require(organizationId).projects();
    }

    /** The Default project first (oldest, never archived), then five more; the fourth is archived. */
    private static List<OpenAiProject> projects(long orgSeed) {
        SplittableRandom random = new SplittableRandom(CostGenerator.mix(orgSeed, PROJECT_SALT));
        List<OpenAiProject> result = new ArrayList<>();
        result.add(new OpenAiProject(
                "proj_" + CostGenerator.base62(random, 24),
                "Default project",
                FIRST_PROJECT.plusSeconds(random.nextInt(86_400)),
                null));
        for (int i = 0; i < PROJECT_NAMES.size() - 1; i++) {
            Instant created = FIRST_PROJECT.plus(Duration.ofDays(20L * (i + 1))).plusSeconds(random.nextInt(86_400));
            Instant archived = i == 3 ? Instant.parse("2026-10-20T12:00:00Z") : null;
            result.add(new OpenAiProject(
                    "proj_" + CostGenerator.base62(random, 24), PROJECT_NAMES.get(i), created, archived));
        }
        return List.copyOf(result);
    }

    List<OpenAiCostRow> day(String organizationId, LocalDate day) {
        Org org = require(organizationId);
        List<OpenAiCostRow> restated = org.restated().get(day);
        return restated != null ? restated : generate(org, day, 0);
    }

    List<OpenAiCostRow> range(String organizationId, LocalDate start, LocalDate endExclusive) {
        List<OpenAiCostRow> rows = new ArrayList<>();
        for (LocalDate d = start; d.isBefore(endExclusive); d = d.plusDays(1)) {
            rows.addAll(day(organizationId, d));
        }
        return rows;
    }

    /** New amounts for the day with a different total. */
    synchronized Restatement restate(String organizationId, LocalDate day) {
        Org org = require(organizationId);
        BigDecimal old = total(day(organizationId, day));
        int revision = org.revisions().getOrDefault(day, 0);
        List<OpenAiCostRow> rows;
        do {
            revision++;
            rows = generate(org, day, revision);
        } while (total(rows).compareTo(old) == 0);
        org.revisions().put(day, revision);
        org.restated().put(day, rows);
        return new Restatement(organizationId, day, old, total(rows));
    }

    void clearRestatements() {
        organizations.values().forEach(o -> {
            o.restated().clear();
            o.revisions().clear();
        });
    }

    private List<OpenAiCostRow> generate(Org org, LocalDate day, int revision) {
        long dayHash = CostGenerator.mix(CostGenerator.mix(org.seed(), DAY_SALT), day.toEpochDay());
        if (revision == 0 && Math.floorMod(dayHash, 100) < emptyDayPercent) {
            return List.of();
        }
        SplittableRandom random = new SplittableRandom(CostGenerator.mix(dayHash, revision));
        List<String> projects = new ArrayList<>();
        projects.add(null); // cost without a project
        for (OpenAiProject p : org.projects()) {
            LocalDate created = LocalDate.ofInstant(p.createdAt(), ZoneOffset.UTC);
            boolean live = !day.isBefore(created)
                    && (p.archivedAt() == null || day.isBefore(LocalDate.ofInstant(p.archivedAt(), ZoneOffset.UTC)));
            if (live) {
                projects.add(p.id());
            }
        }
        List<OpenAiCostRow> rows = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        int wanted = 6 + random.nextInt(10);
        for (int i = 0; i < wanted; i++) {
            String project = projects.get(random.nextInt(projects.size()));
            String[] item = LINE_ITEMS.get(random.nextInt(LINE_ITEMS.size()));
            if (!seen.add(project + "|" + item[0])) {
                continue;
            }
            int scale = 10 + random.nextInt(9); // 10 to 18 decimals of a dollar
            long unscaled = random.nextLong(1, 9_000_000_000_000_000L) / (long) Math.pow(10, 18 - scale);
            BigDecimal usd = BigDecimal.valueOf(Math.max(1, unscaled), scale);
            rows.add(new OpenAiCostRow(
                    day, project, item[0], usd, 1 + random.nextLong(5_000_000), item[1], random.nextInt(4) == 0));
        }
        rows.sort(Comparator.comparing(OpenAiCostRow::projectId, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(OpenAiCostRow::lineItem));
        return List.copyOf(rows);
    }

    /** The model a line item names: its text before the first comma when that is one token; else null. */
    static String modelOf(String lineItem) {
        int comma = lineItem.indexOf(',');
        String head = (comma < 0 ? lineItem : lineItem.substring(0, comma)).strip();
        return head.contains(" ") ? null : head;
    }

    private static BigDecimal total(List<OpenAiCostRow> rows) {
        return rows.stream().map(OpenAiCostRow::amountUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private Org require(String id) {
        Org org = organizations.get(id);
        if (org == null) {
            throw new IllegalArgumentException("unknown organization: " + id);
        }
        return org;
    }

    Optional<String> name(String id) {
        return Optional.ofNullable(organizations.get(id)).map(Org::name);
    }

    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }
}
