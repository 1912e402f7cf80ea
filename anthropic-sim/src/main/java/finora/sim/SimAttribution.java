package finora.sim;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Who and what incurred each cost row, as the Cost Analytics API tells it: the API key, the actor
 * (user, service account, or the key itself), the product, the list price and the split over the
 * 24 hours of the day. Everything derives from the organization seed and the row's identity (never
 * its amount), so the analytics endpoint serves exactly the cost report's truth, only finer.
 */
public final class SimAttribution {

    /** An organization member; {@code deleted} ones are not in the users list but still in cost rows. */
    public record User(String id, String name, String email, String role, Instant addedAt, boolean deleted) {}

    /** A service account (appears as key principal and as actor). */
    public record ServiceAccount(String id, String name) {}

    /**
     * An API key. {@code workspaceId} null is the Default workspace (the key list then names the
     * Default workspace's real id in {@code scope}); {@code principalId} is a user, a service
     * account or null (the key acts for itself).
     */
    public record ApiKey(
            String id,
            String name,
            String status,
            String workspaceId,
            String principalId,
            String createdById,
            String hint,
            Instant createdAt) {}

    /**
     * The attribution of one cost row.
     *
     * @param apiKeyId null for usage without a key (Console / Workbench)
     * @param actorType {@code user_actor}, {@code service_account_actor} or {@code api_key_actor}
     * @param actorId {@code user_…}, {@code svac_…} or {@code apikey_…}
     * @param product e.g. {@code api}; null for code execution (as Anthropic documents)
     * @param listFactor list price (pre-discount) / billed amount: 1, or 1.25 for discounted token rows
     */
    public record Attribution(
            String apiKeyId, String actorType, String actorId, String product, BigDecimal listFactor) {

        /** The list price of an amount of this row, exact. */
        public BigDecimal list(BigDecimal amount) {
            return listFactor.compareTo(BigDecimal.ONE) == 0 ? amount : amount.multiply(listFactor);
        }
    }

    private static final List<String> FIRST = List.of("Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara");
    private static final List<String> LAST =
            List.of("Lovelace", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov");
    private static final List<String> KEY_NAMES =
            List.of("backend", "batch-jobs", "support-bot", "ci", "notebook", "etl", "evals", "copilot");
    private static final Instant ADDED = Instant.parse("2025-02-03T09:00:00Z");
    private static final long SALT = 0x41_54_54_52L;
    /** List price of discounted token rows: billed × 1.25, i.e. a 20 % discount. */
    private static final BigDecimal DISCOUNTED_LIST_FACTOR = new BigDecimal("1.25");

    private final long seed;
    private final List<User> users;
    private final List<ServiceAccount> serviceAccounts;
    private final List<ApiKey> keys;
    private final String defaultWorkspaceId;

    SimAttribution(long organizationSeed, List<SimWorkspace> workspaces) {
        this.seed = CostGenerator.mix(organizationSeed, SALT);
        SplittableRandom random = new SplittableRandom(seed);
        List<User> u = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String first = FIRST.get(i);
            String last = LAST.get((i + 2) % LAST.size());
            u.add(new User(
                    "user_01" + CostGenerator.base62(random, 22),
                    first + " " + last,
                    first.toLowerCase() + "." + last.toLowerCase() + "@example.com",
                    i == 0 ? "admin" : i == 1 ? "developer" : "user",
                    ADDED.plusSeconds(86_400L * 7 * i),
                    i == 4));
        }
        this.users = List.copyOf(u);
        this.serviceAccounts = List.of(
                new ServiceAccount("svac_01" + CostGenerator.base62(random, 22), "deploy-pipeline"),
                new ServiceAccount("svac_01" + CostGenerator.base62(random, 22), "nightly-evals"));
        this.defaultWorkspaceId = "wrkspc_01" + CostGenerator.base62(random, 22);
        List<String> scopes = new ArrayList<>();
        scopes.add(null);
        workspaces.forEach(w -> scopes.add(w.id()));
        List<ApiKey> k = new ArrayList<>();
        int n = 0;
        for (String workspaceId : scopes) {
            boolean archivedWorkspace = workspaces.stream().anyMatch(w -> w.id().equals(workspaceId) && w.archived());
            for (int j = 0; j < 2; j++, n++) {
                String principal = switch (n % 3) {
                    case 0 -> users.get(n % users.size()).id();
                    case 1 -> serviceAccounts.get(n % serviceAccounts.size()).id();
                    default -> null;
                };
                String status = archivedWorkspace ? "archived" : n == 3 ? "inactive" : "active";
                k.add(new ApiKey(
                        "apikey_01" + CostGenerator.base62(random, 22),
                        KEY_NAMES.get(n % KEY_NAMES.size()) + "-" + (n + 1),
                        status,
                        workspaceId,
                        principal,
                        users.get((n + 1) % users.size()).id(),
                        "sk-ant-api03-" + CostGenerator.base62(random, 4) + "...",
                        ADDED.plusSeconds(3_600L * n)));
            }
        }
        this.keys = List.copyOf(k);
    }

    /** Members, deleted ones included (the users endpoint leaves those out). */
    public List<User> users() {
        return users;
    }

    /** Service accounts. */
    public List<ServiceAccount> serviceAccounts() {
        return serviceAccounts;
    }

    /** API keys, every status, in creation order. */
    public List<ApiKey> apiKeys() {
        return keys;
    }

    /** The Default workspace's real id, as the key list's {@code scope} names it. */
    public String defaultWorkspaceId() {
        return defaultWorkspaceId;
    }

    /** Who and what incurred the row. */
    public Attribution attribute(CostLineItem row) {
        long h = hash(row);
        int roll = (int) Math.floorMod(h, 100L);
        String product = switch (row.costType()) {
            case "code_execution" -> null;
            case "session_usage" -> "managed_agents";
            case "tokens" -> roll % 4 == 0 ? "claude_code" : "api";
            default -> "api";
        };
        BigDecimal list = "tokens".equals(row.costType()) && Math.floorMod(h >>> 8, 3L) == 0
                ? DISCOUNTED_LIST_FACTOR
                : BigDecimal.ONE;
        if (roll < 10) {
            // Console / Workbench usage: no key; a (possibly deleted) user.
            User user = users.get((int) Math.floorMod(h >>> 16, (long) users.size()));
            return new Attribution(null, "user_actor", user.id(), "api".equals(product) ? "console" : product, list);
        }
        List<ApiKey> inWorkspace = keys.stream()
                .filter(k -> Objects.equals(k.workspaceId(), row.workspaceId()))
                .toList();
        ApiKey key = inWorkspace.get((int) Math.floorMod(h >>> 24, (long) inWorkspace.size()));
        String principal = key.principalId();
        if (principal == null) {
            return new Attribution(key.id(), "api_key_actor", key.id(), product, list);
        }
        return new Attribution(
                key.id(),
                principal.startsWith("svac_") ? "service_account_actor" : "user_actor",
                principal,
                product,
                list);
    }

    /** The user or service account with this id, for actor objects; null when unknown. */
    Object actor(String id) {
        for (User u : users) {
            if (u.id().equals(id)) {
                return u;
            }
        }
        for (ServiceAccount s : serviceAccounts) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        return null;
    }

    /**
     * The row's amount over the 24 UTC hours of its day; the parts sum to the amount exactly (the
     * last hour takes the remainder). Some hours are zero.
     */
    public BigDecimal[] hourly(CostLineItem row, BigDecimal amount) {
        SplittableRandom random = new SplittableRandom(CostGenerator.mix(hash(row), 24));
        int[] weights = new int[24];
        int total = 0;
        for (int i = 0; i < 24; i++) {
            weights[i] = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(10);
            total += weights[i];
        }
        if (total == 0) {
            weights[12] = 1;
            total = 1;
        }
        int scale = Math.max(amount.scale(), 0);
        BigDecimal[] parts = new BigDecimal[24];
        BigDecimal rest = amount;
        for (int i = 0; i < 23; i++) {
            parts[i] = amount.multiply(BigDecimal.valueOf(weights[i]))
                    .divide(BigDecimal.valueOf(total), scale, RoundingMode.DOWN);
            rest = rest.subtract(parts[i]);
        }
        parts[23] = rest;
        return parts;
    }

    private long hash(CostLineItem row) {
        long h = CostGenerator.mix(seed, row.day().toEpochDay());
        for (String s : new String[] {
            row.workspaceId(),
            row.description(),
            row.costType(),
            row.model(),
            row.tokenType(),
            row.serviceTier(),
            row.contextWindow(),
            row.inferenceGeo(),
            row.speed()
        }) {
            long x = 0xcbf29ce484222325L;
            for (byte b : (s == null ? "\u0000" : s).getBytes(StandardCharsets.UTF_8)) {
                x = (x ^ (b & 0xff)) * 0x100000001b3L;
            }
            h = CostGenerator.mix(h, x);
        }
        return h;
    }
}
