package finora.server.auth;

import static finora.db.jooq.Tables.API_TOKEN;
import static finora.db.jooq.Tables.APP_USER;
import static finora.db.jooq.Tables.TENANT;

import finora.db.types.TokenKind;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;

/** Tenants, users and tokens in the database. jOOQ records stay inside this class. */
public final class AccountRepository {

    /** A tenant row. */
    public record TenantRow(UUID id, String name, Plan plan, OffsetDateTime createdAt) {}

    /** A user row (with the password hash, which never leaves the auth package). */
    record UserRow(UUID id, UUID tenantId, String email, String passwordHash, String role) {}

    /** A token row as listed by the command line (no hash). */
    public record TokenRow(
            UUID id,
            UUID tenantId,
            String name,
            TokenKind kind,
            Role role,
            OffsetDateTime createdAt,
            OffsetDateTime expiresAt,
            OffsetDateTime revokedAt,
            OffsetDateTime lastUsedAt) {}

    /** Inserts a tenant. */
    public void insertTenant(DSLContext tx, TenantRow t) {
        tx.insertInto(TENANT)
                .set(TENANT.TENANT_ID, t.id())
                .set(TENANT.NAME, t.name())
                .set(TENANT.PLAN, t.plan().name())
                .set(TENANT.CREATED_AT, t.createdAt())
                .execute();
    }

    /** Finds a tenant by id or by its exact name. */
    public Optional<TenantRow> findTenant(DSLContext dsl, String idOrName) {
        var condition = TENANT.NAME.eq(idOrName);
        try {
            condition = condition.or(TENANT.TENANT_ID.eq(UUID.fromString(idOrName)));
        } catch (IllegalArgumentException notAUuid) {
            // a name, then
        }
        return dsl.selectFrom(TENANT)
                .where(condition)
                .fetchOptional()
                .map(r -> new TenantRow(r.getTenantId(), r.getName(), Plan.valueOf(r.getPlan()), r.getCreatedAt()));
    }

    /** Number of tenants; zero on a fresh database. */
    public int countTenants(DSLContext dsl) {
        return dsl.fetchCount(TENANT);
    }

    /** Changes a tenant's plan; the next scheduling uses it. */
    public boolean updatePlan(DSLContext tx, UUID tenantId, Plan plan) {
        return tx.update(TENANT)
                        .set(TENANT.PLAN, plan.name())
                        .where(TENANT.TENANT_ID.eq(tenantId))
                        .execute()
                == 1;
    }

    void insertUser(DSLContext tx, UserRow u, OffsetDateTime now) {
        tx.insertInto(APP_USER)
                .set(APP_USER.USER_ID, u.id())
                .set(APP_USER.TENANT_ID, u.tenantId())
                .set(APP_USER.EMAIL, u.email())
                .set(APP_USER.PASSWORD_HASH, u.passwordHash())
                .set(APP_USER.ROLE, u.role())
                .set(APP_USER.CREATED_AT, now)
                .execute();
    }

    Optional<UserRow> findUserByEmail(DSLContext dsl, String email) {
        return dsl.selectFrom(APP_USER)
                .where(APP_USER.EMAIL.eq(email))
                .fetchOptional()
                .map(r -> new UserRow(r.getUserId(), r.getTenantId(), r.getEmail(), r.getPasswordHash(), r.getRole()));
    }

    void insertToken(
            DSLContext tx,
            UUID id,
            UUID tenantId,
            UUID userId,
            String name,
            TokenKind kind,
            Role role,
            String sha256Hex,
            OffsetDateTime now,
            OffsetDateTime expiresAt) {
        tx.insertInto(API_TOKEN)
                .set(API_TOKEN.TOKEN_ID, id)
                .set(API_TOKEN.TENANT_ID, tenantId)
                .set(API_TOKEN.USER_ID, userId)
                .set(API_TOKEN.NAME, name)
                .set(API_TOKEN.KIND, kind)
                .set(API_TOKEN.ROLE, role.name())
                .set(API_TOKEN.TOKEN_SHA256, sha256Hex)
                .set(API_TOKEN.CREATED_AT, now)
                .set(API_TOKEN.EXPIRES_AT, expiresAt)
                .execute();
    }

    /** A live token's caller and the token's expiry (null: does not expire). */
    record Authenticated(Principal principal, OffsetDateTime expiresAt) {}

    /** The live token with this hash, joined with its tenant, as the caller it authenticates. */
    Optional<Authenticated> findPrincipal(DSLContext dsl, String sha256Hex, OffsetDateTime now) {
        return dsl.select(
                        API_TOKEN.TOKEN_ID,
                        API_TOKEN.NAME,
                        API_TOKEN.KIND,
                        API_TOKEN.ROLE,
                        API_TOKEN.EXPIRES_AT,
                        TENANT.TENANT_ID,
                        TENANT.NAME,
                        TENANT.PLAN,
                        APP_USER.EMAIL)
                .from(API_TOKEN)
                .join(TENANT)
                .on(TENANT.TENANT_ID.eq(API_TOKEN.TENANT_ID))
                .leftJoin(APP_USER)
                .on(APP_USER.USER_ID.eq(API_TOKEN.USER_ID))
                .where(API_TOKEN.TOKEN_SHA256.eq(sha256Hex))
                .and(API_TOKEN.REVOKED_AT.isNull())
                .and(API_TOKEN.EXPIRES_AT.isNull().or(API_TOKEN.EXPIRES_AT.gt(now)))
                .fetchOptional()
                .map(r -> new Authenticated(toPrincipal(r), r.get(API_TOKEN.EXPIRES_AT)));
    }

    private static Principal toPrincipal(Record r) {
        boolean session = r.get(API_TOKEN.KIND) == TokenKind.SESSION;
        String subject = session && r.get(APP_USER.EMAIL) != null ? r.get(APP_USER.EMAIL) : r.get(API_TOKEN.NAME);
        return new Principal(
                r.get(TENANT.TENANT_ID),
                r.get(TENANT.NAME),
                Plan.valueOf(r.get(TENANT.PLAN)),
                Role.valueOf(r.get(API_TOKEN.ROLE)),
                subject,
                r.get(API_TOKEN.TOKEN_ID),
                session);
    }

    /** Records use at most once a minute per token, so reads do not turn into a write per call. */
    void touch(DSLContext dsl, UUID tokenId, OffsetDateTime now) {
        dsl.update(API_TOKEN)
                .set(API_TOKEN.LAST_USED_AT, now)
                .where(API_TOKEN.TOKEN_ID.eq(tokenId))
                .and(API_TOKEN.LAST_USED_AT.isNull().or(API_TOKEN.LAST_USED_AT.lt(now.minusMinutes(1))))
                .execute();
    }

    /** Revokes a live token of the tenant; false if there is none with that id. */
    boolean revokeToken(DSLContext tx, UUID tenantId, UUID tokenId, OffsetDateTime now) {
        return tx.update(API_TOKEN)
                        .set(API_TOKEN.REVOKED_AT, now)
                        .where(API_TOKEN.TOKEN_ID.eq(tokenId))
                        .and(API_TOKEN.TENANT_ID.eq(tenantId))
                        .and(API_TOKEN.REVOKED_AT.isNull())
                        .execute()
                == 1;
    }

    /** The tenant's API tokens (not sessions), newest first. */
    public List<TokenRow> listApiTokens(DSLContext dsl, UUID tenantId) {
        return dsl.selectFrom(API_TOKEN)
                .where(API_TOKEN.TENANT_ID.eq(tenantId))
                .and(API_TOKEN.KIND.eq(TokenKind.API))
                .orderBy(API_TOKEN.CREATED_AT.desc())
                .fetch(r -> new TokenRow(
                        r.getTokenId(),
                        r.getTenantId(),
                        r.getName(),
                        r.getKind(),
                        Role.valueOf(r.getRole()),
                        r.getCreatedAt(),
                        r.getExpiresAt(),
                        r.getRevokedAt(),
                        r.getLastUsedAt()));
    }
}
