package finora.server.provider;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Consumer;

/**
 * The provider seam: what one provider's admin API tells about a connection's costs, normalized.
 * The sync keeps the window, finality, fencing and storage rules and knows no provider JSON; a
 * provider is one implementation of this interface in its own package ({@code provider/anthropic}
 * today). Failures are {@link ProviderException}s; amounts are exact USD.
 */
public interface ProviderCosts {

    /** The provider's name as stored on connections and ledgers, e.g. {@code ANTHROPIC}. */
    String provider();

    /** What people call the provider, e.g. {@code Anthropic}. */
    String displayName();

    /**
     * Trims a pasted key and checks its format before anything is sent to the provider; a key of the
     * wrong kind is refused with how to create the right one. The exception never contains the key.
     *
     * @throws finora.server.grpc.FinoraException KEY_EMPTY, KEY_MALFORMED or NOT_AN_ADMIN_KEY
     */
    String checkKeyFormat(String raw);

    /** What a user may see of a checked key: its prefix and last four characters. */
    String keyHint(String key);

    /** The prefix every accepted key starts with, and one sentence on which key to paste and where to create it. */
    KeyGuide keyGuide();

    /**
     * The live check of a key: proves it is an admin key that can read costs (GET only) and names
     * the organization it belongs to.
     *
     * @throws ProviderException for a rejected key (401), a forbidden one (403) or an unavailable provider
     */
    Organization organization(String credential, LocalDate today);

    /** A provider organization: a stable id and a name for people. */
    record Organization(String id, String name) {}

    /**
     * What people are told about keys: the prefix, which key to paste, what the connection covers,
     * what to do when a key being checked is rejected (401) or forbidden (403), and what to do when the
     * stored key of a connection is rejected or forbidden during a sync (syncs are paused then). These
     * are the only 401/403 words of a provider; {@link ProviderFailure} picks among them.
     */
    record KeyGuide(
            String prefix,
            String help,
            String coverage,
            String rejected,
            String forbidden,
            String storedRejected,
            String storedForbidden) {}

    /**
     * How fine the data this credential can read is (asked at connect and at the start of every
     * sync). {@link Detailed} is only answered when the detailed source answered now.
     *
     * @throws ProviderException for a rejected key (401) or when the provider is unavailable
     */
    DataLevel probe(String credential, LocalDate today);

    /** Names of workspaces, API keys and actors (users, service accounts) for the given data level. */
    Directory directory(String credential, DataLevel level);

    /**
     * Fetches the closed UTC days [{@code start}, {@code endExclusive}) and hands each one to
     * {@code sink} as soon as it is whole, oldest first within each source; every day of the range
     * is handed over exactly once (as {@link Day} or {@link DefectiveDay}) unless an exception ends
     * the fetch. {@code pageDone} is called after every page (for heartbeats and stop checks).
     *
     * @return the level actually used (a refusal met while fetching degrades it to {@link WorkspaceOnly})
     */
    DataLevel fetchDays(
            String credential,
            DataLevel level,
            Directory directory,
            LocalDate start,
            LocalDate endExclusive,
            LocalDate today,
            Consumer<FetchedDay> sink,
            Runnable pageDone);

    /** An estimate of {@code today} so far from hourly buckets, when the data level offers one. */
    NowcastAnswer nowcast(String credential, DataLevel level, LocalDate today, Instant now);

    /** How fine a credential's data is. */
    sealed interface DataLevel permits Detailed, WorkspaceOnly {}

    /** The detailed source answers: API key, actor, product and list price, hourly buckets. */
    record Detailed() implements DataLevel {}

    /** Only the coarse source answers; {@code reason} says why, for people. */
    record WorkspaceOnly(String reason) implements DataLevel {}

    /** Which source filled a day. */
    enum Source {
        COST_REPORT,
        ANALYTICS
    }

    /** One day's outcome. */
    sealed interface FetchedDay permits Day, DefectiveDay {
        /** The UTC day. */
        LocalDate day();
    }

    /**
     * A whole day: its normalized lines (identities unique), who filled it, and whether the source
     * says the day is complete ({@code settled}: false while its export watermark is before the
     * day's end, so the day stays PROVISIONAL and is fetched again); {@code actors} seen in it.
     */
    record Day(LocalDate day, List<CostLine> lines, Source source, boolean settled, List<Actor> actors)
            implements FetchedDay {}

    /** A day that cannot be stored (e.g. an amount that is not a number): it keeps what it had. */
    record DefectiveDay(LocalDate day, Source source, String defect) implements FetchedDay {}

    /**
     * One normalized cost line. Strings are never null: '' means "not given"; workspace '' is the
     * Default workspace. {@code listAmountUsd} is null when the source states no list price.
     */
    record CostLine(
            String workspaceId,
            String description,
            String model,
            String modelFamily,
            String modelVersion,
            String costType,
            String tokenType,
            String serviceTier,
            String contextWindow,
            String inferenceGeo,
            String speed,
            String apiKeyId,
            String actorId,
            String product,
            BigDecimal amountUsd,
            BigDecimal listAmountUsd) {}

    /**
     * Workspace, API key and actor names; {@code defaultWorkspaceAliases} are ids the provider may
     * also use for the Default workspace (stored as '').
     */
    record Directory(
            List<Workspace> workspaces,
            List<ApiKey> apiKeys,
            List<Actor> actors,
            List<String> defaultWorkspaceAliases) {}

    /** A workspace name; id '' is the Default workspace. */
    record Workspace(String id, String name, OffsetDateTime archivedAt) {}

    /** An API key: name, status, hint and the workspace it is scoped to ('' for Default, null if organization-wide). */
    record ApiKey(String id, String name, String status, String hint, String workspaceId) {}

    /**
     * Whoever incurred cost: a user, a service account or an API key acting for itself.
     *
     * @param type {@code USER}, {@code SERVICE_ACCOUNT}, {@code API_KEY} or {@code OTHER}
     * @param label what people read (never empty)
     * @param email null when unknown
     * @param fromList true when named by the provider's member list (wins over names seen in cost rows)
     */
    record Actor(String id, String type, String label, String email, boolean deleted, boolean fromList) {}

    /** Today's estimate, or why there is none. */
    sealed interface NowcastAnswer permits Estimate, NoEstimate {}

    /**
     * Hourly spend of {@code day} so far (UTC hour start → USD; hours without cost are absent);
     * {@code dataRefreshedAt} is the provider's export watermark, or null.
     */
    record Estimate(LocalDate day, List<Hour> hours, Instant dataRefreshedAt) implements NowcastAnswer {}

    /** One hour of an estimate; {@code listAmountUsd} may be null. */
    record Hour(Instant start, BigDecimal amountUsd, BigDecimal listAmountUsd) {}

    /** No estimate: the level does not offer one, or no hour of today has closed yet. */
    record NoEstimate(String reason) implements NowcastAnswer {}

    /** Whether {@link #fetchUsage} reports token usage (providers without a usage source answer false). */
    default boolean reportsUsage() {
        return false;
    }

    /**
     * Fetches the usage (token and request counts) of the closed UTC days [{@code start},
     * {@code endExclusive}) and hands each day to {@code sink} once, oldest first; days without usage
     * come as empty days. Only called when {@link #reportsUsage()}.
     *
     * @throws ProviderException as {@link #fetchDays} does
     */
    default void fetchUsage(
            String credential, LocalDate start, LocalDate endExclusive, Consumer<UsageDay> sink, Runnable pageDone) {
        throw new UnsupportedOperationException(provider() + " reports no usage");
    }

    /** One day's usage, whole. */
    record UsageDay(LocalDate day, List<UsageLine> lines) {}

    /**
     * One normalized usage count. Strings are never null: '' means "not given"; workspace '' is the
     * Default workspace. {@code usageType} is a token type as cost lines name it (e.g.
     * {@code output_tokens}) or {@code web_search_requests}; identities are unique within a day.
     */
    record UsageLine(
            String workspaceId,
            String model,
            String modelFamily,
            String modelVersion,
            String serviceTier,
            String contextWindow,
            String speed,
            String inferenceGeo,
            String apiKeyId,
            String usageType,
            long quantity) {}
}
