package finora.sim;

import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The API keys the simulator knows and what each one is allowed to do.
 *
 * <p>The demo constants cover every key kind a connector must handle; each ends in four distinct
 * characters, so key hints ({@code sk-ant-admin01-…orgA}) tell them apart. Any key that is not
 * registered, and every {@code sk-ant-api…} key, is rejected with 401.
 */
public final class SimKeys {

    /** UUID of demo organization A. */
    public static final String ORG_A_ID = "5f0c8a9e-2b47-4d1a-9e3c-7a6b1d2c3e4f";
    /** Name of demo organization A. */
    public static final String ORG_A_NAME = "Acme Robotics (demo)";
    /** UUID of demo organization B. */
    public static final String ORG_B_ID = "c2d9e4b1-8f3a-4c6e-a5b7-0e1f2a3b4c5d";
    /** Name of demo organization B. */
    public static final String ORG_B_NAME = "Globex Research (demo)";

    /** A valid Admin key of organization A. */
    public static final String ORG_A_ADMIN_KEY = "sk-ant-admin01-demo-org-a-Q7vLm2PzR8tKw4NbY6cHd9fJs3GuE5xW1aZ0-orgA";
    /** A second valid Admin key of organization A, for key rotation. */
    public static final String ORG_A_SECOND_ADMIN_KEY =
            "sk-ant-admin01-demo-org-a-second-Hn3Kq8Lw2Xz5Vb7Mc1Rt4Yp6Df9-rotA";
    /** A valid Admin key of organization B. */
    public static final String ORG_B_ADMIN_KEY = "sk-ant-admin01-demo-org-b-Z4cX8vB2nM6qW1eR5tY9uI3oP7aS0dF2g-orgB";
    /** An Admin key of organization A that was revoked: 401 {@code authentication_error}. */
    public static final String REVOKED_ADMIN_KEY = "sk-ant-admin01-demo-revoked-J5hG2fD8sA4kL7pO1iU3yT6rE9wQ0zX-rvkd";
    /** An Admin key of organization A whose creator lost the admin role: 403 {@code permission_error}. */
    public static final String NO_ADMIN_ROLE_KEY = "sk-ant-admin01-demo-no-admin-role-M8nB3vC6xZ1lK4jH7gF0dS2aP5-nrol";
    /** A regular inference key: 401 {@code authentication_error} on every Admin API path. */
    public static final String REGULAR_API_KEY = "sk-ant-api03-demo-regular-key-T2yU5iO8pA1sD4fG7hJ0kL3zX6cV9bN-api3";

    /** What a registered key may do. */
    public enum Status {
        /** Valid Admin key. */
        ACTIVE,
        /** Revoked: answered with 401 {@code authentication_error}. */
        REVOKED,
        /** Valid, but its creator is no longer an org admin: answered with 403 {@code permission_error}. */
        CREATOR_NOT_ADMIN
    }

    /** The organization and status of a registered key. */
    record Entry(String organizationId, Status status) {}

    private final Map<String, Entry> keys = new ConcurrentHashMap<>();
    private final Predicate<String> organizationExists;
    private final SecureRandom secureRandom = new SecureRandom();

    SimKeys(Predicate<String> organizationExists) {
        this.organizationExists = organizationExists;
    }

    /** Registers an Admin key of an existing organization, active. */
    public void addAdminKey(String key, String organizationId) {
        if (!key.startsWith("sk-ant-admin01-")) {
            throw new IllegalArgumentException("an Admin key starts with sk-ant-admin01-");
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
        String key = "sk-ant-admin01-" + CostGenerator.base62(secureRandom, 86) + "-"
                + CostGenerator.base62(secureRandom, 4);
        addAdminKey(key, organizationId);
        return key;
    }

    /** Revokes a key: from now on it is answered with 401. */
    public void revoke(String key) {
        setStatus(key, Status.REVOKED);
    }

    /** Takes the admin role from the key's creator: from now on it is answered with 403. */
    public void removeAdminRole(String key) {
        setStatus(key, Status.CREATOR_NOT_ADMIN);
    }

    /** Makes a revoked or role-less key valid again. */
    public void restore(String key) {
        setStatus(key, Status.ACTIVE);
    }

    /** The status of a registered key, empty for unknown keys. */
    public Optional<Status> status(String key) {
        return Optional.ofNullable(keys.get(key)).map(Entry::status);
    }

    /** The registered entry of a key, empty for unknown and regular keys. */
    Optional<Entry> lookup(String key) {
        return Optional.ofNullable(keys.get(key));
    }

    private void setStatus(String key, Status status) {
        if (keys.computeIfPresent(key, (k, entry) -> new Entry(entry.organizationId(), status)) == null) {
            throw new IllegalArgumentException("unknown key");
        }
    }

    /** Registers the demo keys; organizations A and B must exist. */
    void addDemoKeys() {
        addAdminKey(ORG_A_ADMIN_KEY, ORG_A_ID);
        addAdminKey(ORG_A_SECOND_ADMIN_KEY, ORG_A_ID);
        addAdminKey(ORG_B_ADMIN_KEY, ORG_B_ID);
        addAdminKey(REVOKED_ADMIN_KEY, ORG_A_ID);
        addAdminKey(NO_ADMIN_ROLE_KEY, ORG_A_ID);
        revoke(REVOKED_ADMIN_KEY);
        removeAdminRole(NO_ADMIN_ROLE_KEY);
    }

    /** Puts every demo key back to its initial status. */
    void resetDemoKeys() {
        restore(ORG_A_ADMIN_KEY);
        restore(ORG_A_SECOND_ADMIN_KEY);
        restore(ORG_B_ADMIN_KEY);
        revoke(REVOKED_ADMIN_KEY);
        removeAdminRole(NO_ADMIN_ROLE_KEY);
    }
}
