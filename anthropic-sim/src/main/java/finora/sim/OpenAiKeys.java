package finora.sim;

import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The OpenAI keys the simulator's OpenAI face knows. Demo constants are public test values, never
 * real credentials; each ends in four distinct characters so key hints tell them apart. Unknown keys,
 * project keys ({@code sk-proj-}) and service-account keys are answered 401 on every admin path.
 */
public final class OpenAiKeys {

    /** Id of demo OpenAI organization A. */
    public static final String ORG_A_ID = "org-AcmeRoboticsDemo4f2k9Q";
    /** Name of demo OpenAI organization A (OpenAI's admin endpoints never show it). */
    public static final String ORG_A_NAME = "Acme Robotics (demo)";
    /** Id of demo OpenAI organization B. */
    public static final String ORG_B_ID = "org-GlobexResearchDemo7hT3x";
    /** Name of demo OpenAI organization B. */
    public static final String ORG_B_NAME = "Globex Research (demo)";

    /** A valid Admin key of organization A. */
    public static final String ORG_A_ADMIN_KEY = "sk-admin-demo-openai-org-a-Lq7Vw2Xp9Rt4Kb6Nc1Yd8Zf3-oaiA";
    /** A second valid Admin key of organization A, for rotation. */
    public static final String ORG_A_SECOND_ADMIN_KEY = "sk-admin-demo-openai-org-a-second-Hm4Jp8Qs2Wv6Xz1-roaA";
    /** A valid Admin key of organization B. */
    public static final String ORG_B_ADMIN_KEY = "sk-admin-demo-openai-org-b-Tg5Rf8Ed2Ws7Qa3Zx9Cv4Bn-oaiB";
    /** A revoked Admin key of organization A: 401 {@code invalid_api_key}. */
    public static final String REVOKED_ADMIN_KEY = "sk-admin-demo-openai-revoked-Pk3Lm6Nb9Vc2Xz5As8Df1-rvko";
    /**
     * A Restricted Admin key of organization A without the Usage API read scope: the projects list
     * answers, the costs endpoint answers 401 "insufficient permissions … Missing scopes: api.usage.read".
     */
    public static final String NO_USAGE_SCOPE_KEY = "sk-admin-demo-openai-no-usage-scope-Yh7Ug4Tf1Rd8Es5-nusg";
    /** A project key: 401 on every admin path (Finora refuses it before sending it). */
    public static final String PROJECT_KEY = "sk-proj-demo-project-key-Wq2Er5Ty8Ui1Op4As7Df0Gh3-proj";

    /** What a registered key may do. */
    public enum Status {
        /** Valid Admin key (all permissions). */
        ACTIVE,
        /** Revoked: 401. */
        REVOKED,
        /** Restricted without {@code api.usage.read}: costs answer 401 insufficient permissions. */
        NO_USAGE_SCOPE
    }

    record Entry(String organizationId, Status status) {}

    private final Map<String, Entry> keys = new ConcurrentHashMap<>();
    private final Predicate<String> organizationExists;
    private final SecureRandom random = new SecureRandom();

    OpenAiKeys(Predicate<String> organizationExists) {
        this.organizationExists = organizationExists;
    }

    /** Registers an Admin key ({@code sk-admin-…}) of an existing organization, active. */
    public void addAdminKey(String key, String organizationId) {
        if (!key.startsWith("sk-admin-")) {
            throw new IllegalArgumentException("an OpenAI Admin key starts with sk-admin-");
        }
        if (!organizationExists.test(organizationId)) {
            throw new IllegalArgumentException("unknown organization: " + organizationId);
        }
        if (keys.putIfAbsent(key, new Entry(organizationId, Status.ACTIVE)) != null) {
            throw new IllegalStateException("key already registered");
        }
    }

    /** Creates, registers and returns a fresh random Admin key of an existing organization. */
    public String issueAdminKey(String organizationId) {
        String key = "sk-admin-" + CostGenerator.base62(random, 60) + "-" + CostGenerator.base62(random, 4);
        addAdminKey(key, organizationId);
        return key;
    }

    /** Revokes a key: 401 from now on. */
    public void revoke(String key) {
        set(key, Status.REVOKED);
    }

    /** Makes a key Restricted without the Usage API scope. */
    public void removeUsageScope(String key) {
        set(key, Status.NO_USAGE_SCOPE);
    }

    /** Makes a key valid again. */
    public void restore(String key) {
        set(key, Status.ACTIVE);
    }

    Optional<Entry> lookup(String key) {
        return Optional.ofNullable(keys.get(key));
    }

    private void set(String key, Status status) {
        if (keys.computeIfPresent(key, (k, e) -> new Entry(e.organizationId(), status)) == null) {
            throw new IllegalArgumentException("unknown key");
        }
    }

    void addDemoKeys() {
        addAdminKey(ORG_A_ADMIN_KEY, ORG_A_ID);
        addAdminKey(ORG_A_SECOND_ADMIN_KEY, ORG_A_ID);
        addAdminKey(ORG_B_ADMIN_KEY, ORG_B_ID);
        addAdminKey(REVOKED_ADMIN_KEY, ORG_A_ID);
        addAdminKey(NO_USAGE_SCOPE_KEY, ORG_A_ID);
        resetDemoKeys();
    }

    void resetDemoKeys() {
        restore(ORG_A_ADMIN_KEY);
        restore(ORG_A_SECOND_ADMIN_KEY);
        restore(ORG_B_ADMIN_KEY);
        revoke(REVOKED_ADMIN_KEY);
        removeUsageScope(NO_USAGE_SCOPE_KEY);
    }
}
