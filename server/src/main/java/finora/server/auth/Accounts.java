package finora.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import finora.db.types.TokenKind;
import finora.server.audit.AuditLog;
import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenants, users, API tokens and sessions: creating them, logging in and authenticating a bearer
 * token. Tokens are shown once and stored only as SHA-256; passwords only as bcrypt.
 */
public final class Accounts {
    private static final Logger log = LoggerFactory.getLogger(Accounts.class);
    /** How long an admin-UI session token lives. */
    public static final Duration SESSION_TTL = Duration.ofHours(12);

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final int MIN_PASSWORD_LENGTH = 10;
    private static final String PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /**
     * How long a token's lookup is reused. Revoking through this replica takes effect at once; a
     * revocation on another replica reaches this one within this time.
     */
    public static final Duration PRINCIPAL_CACHE_TTL = Duration.ofSeconds(10);

    private final DSLContext dsl;
    private final AccountRepository repository;
    /** SHA-256 of a token → the caller and when the token expires, so most calls need no query. */
    private final Cache<String, CachedPrincipal> principals = Caffeine.newBuilder()
            .expireAfterWrite(PRINCIPAL_CACHE_TTL)
            .maximumSize(100_000)
            .build();
    /**
     * SHA-256 of tokens that matched no live token, so a flood of random tokens costs no query.
     * Tokens are random, so a hash here never becomes a live token within its few seconds.
     */
    private final Cache<String, Boolean> unknownTokens = Caffeine.newBuilder()
            .expireAfterWrite(UNKNOWN_TOKEN_CACHE_TTL)
            .maximumSize(100_000)
            .build();
    /** Ids of tokens revoked here lately: a lookup that raced the revocation is never served from cache. */
    private final Cache<UUID, Boolean> revoked = Caffeine.newBuilder()
            .expireAfterWrite(PRINCIPAL_CACHE_TTL.multipliedBy(2))
            .maximumSize(100_000)
            .build();

    private final PasswordHasher passwords;
    private final AuditLog audit;
    private final Clock clock;
    private final LoginThrottle throttle;
    private final AuthMetrics metrics;

    /** How long an unknown token is remembered as unknown. */
    public static final Duration UNKNOWN_TOKEN_CACHE_TTL = Duration.ofSeconds(5);

    /** Creates the accounts service over a database. */
    public Accounts(
            DSLContext dsl,
            AccountRepository repository,
            PasswordHasher passwords,
            AuditLog audit,
            Clock clock,
            LoginThrottle throttle,
            AuthMetrics metrics) {
        this.dsl = dsl;
        this.repository = repository;
        this.passwords = passwords;
        this.audit = audit;
        this.clock = clock;
        this.throttle = throttle;
        this.metrics = metrics;
    }

    /** A token as issued: its id (for revoking) and the secret, which is never shown again. */
    public record IssuedToken(UUID id, String token) {
        @Override
        public String toString() {
            return "IssuedToken[id=" + id + "]";
        }
    }

    /** A logged-in session. */
    public record Session(IssuedToken token, OffsetDateTime expiresAt, Principal principal) {}

    /** Creates a tenant; names are unique. */
    public AccountRepository.TenantRow createTenant(String name, Plan plan) {
        String trimmed = name == null ? "" : name.trim();
        if (trimmed.isEmpty() || trimmed.length() > 100) {
            throw new IllegalArgumentException("Tenant name must be 1 to 100 characters");
        }
        if (repository.findTenant(dsl, trimmed).isPresent()) {
            throw new IllegalArgumentException("A tenant named '" + trimmed + "' already exists");
        }
        var row = new AccountRepository.TenantRow(UUID.randomUUID(), trimmed, plan, now());
        dsl.transaction(c -> repository.insertTenant(c.dsl(), row));
        return row;
    }

    /** Whether any tenant exists yet (a fresh database has none). */
    public boolean hasTenants() {
        return repository.countTenants(dsl) > 0;
    }

    /** Changes a tenant's plan; the next scheduling uses it. */
    public void setPlan(UUID tenantId, Plan plan, String actor) {
        dsl.transaction(c -> {
            if (!repository.updatePlan(c.dsl(), tenantId, plan)) {
                throw new IllegalArgumentException("No tenant with id " + tenantId);
            }
            audit.record(c.dsl(), tenantId, actor, "tenant.plan", tenantId.toString(), "plan " + plan);
        });
    }

    /** The tenant's API tokens, newest first (never the secrets). */
    public List<AccountRepository.TokenRow> apiTokens(UUID tenantId) {
        return repository.listApiTokens(dsl, tenantId);
    }

    /** Finds a tenant by id or name, or fails with a message naming what was looked for. */
    public AccountRepository.TenantRow tenant(String idOrName) {
        return repository
                .findTenant(dsl, idOrName)
                .orElseThrow(() -> new IllegalArgumentException("No tenant with id or name '" + idOrName + "'"));
    }

    /**
     * Creates an admin-UI user.
     *
     * @param userRole ADMIN or VIEWER
     */
    public UUID createUser(UUID tenantId, String email, String userRole, String password, String actor) {
        String normalized = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(normalized).matches()) {
            throw new IllegalArgumentException("'" + email + "' is not an email address");
        }
        if (!"ADMIN".equals(userRole) && !"VIEWER".equals(userRole)) {
            throw new IllegalArgumentException("User role must be ADMIN or VIEWER");
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH || password.length() > 72) {
            throw new IllegalArgumentException("Password must be " + MIN_PASSWORD_LENGTH + " to 72 characters long");
        }
        if (repository.findUserByEmail(dsl, normalized).isPresent()) {
            throw new IllegalArgumentException("A user with email '" + normalized + "' already exists");
        }
        UUID id = UUID.randomUUID();
        String hash = passwords.hash(password);
        dsl.transaction(c -> {
            repository.insertUser(
                    c.dsl(), new AccountRepository.UserRow(id, tenantId, normalized, hash, userRole), now());
            audit.record(c.dsl(), tenantId, actor, "user.create", id.toString(), normalized + " as " + userRole);
        });
        return id;
    }

    /** Creates an API token for gRPC clients. */
    public IssuedToken createToken(UUID tenantId, Role role, String name, String actor) {
        String trimmed = name == null ? "" : name.trim();
        if (trimmed.isEmpty() || trimmed.length() > 100) {
            throw new IllegalArgumentException("Token name must be 1 to 100 characters");
        }
        IssuedToken issued = new IssuedToken(UUID.randomUUID(), BearerTokens.generate("fin_"));
        dsl.transaction(c -> {
            repository.insertToken(
                    c.dsl(),
                    issued.id(),
                    tenantId,
                    null,
                    trimmed,
                    TokenKind.API,
                    role,
                    BearerTokens.sha256Hex(issued.token()),
                    now(),
                    null);
            audit.record(c.dsl(), tenantId, actor, "token.create", issued.id().toString(), trimmed + " as " + role);
        });
        return issued;
    }

    private record CachedPrincipal(Principal principal, OffsetDateTime expiresAt) {}

    /** Revokes a live API or session token of the tenant; false if there was none. */
    public boolean revokeToken(UUID tenantId, UUID tokenId, String actor) {
        // Revoke first, then forget: a lookup between the two would otherwise cache the token again.
        boolean done = dsl.transactionResult(c -> {
            boolean revokedNow = repository.revokeToken(c.dsl(), tenantId, tokenId, now());
            if (revokedNow) {
                audit.record(c.dsl(), tenantId, actor, "token.revoke", tokenId.toString(), null);
            }
            return revokedNow;
        });
        if (done) {
            revoked.put(tokenId, Boolean.TRUE);
        }
        principals.asMap().values().removeIf(c -> c.principal().tokenId().equals(tokenId));
        return done;
    }

    /** Logs in from this process (the command line, tests). */
    public Session login(String email, String password) {
        return login(email, password, LoginOrigin.local());
    }

    /**
     * Checks email and password and opens a session; the same error, after the same bcrypt time,
     * for an unknown e-mail and a wrong password. Attempts are throttled per e-mail and per client
     * address, and per trusted proxy for forwarded logins (LOGIN_THROTTLED with a retry delay);
     * failures are counted and, for a known user, audited with where they came from.
     */
    public Session login(String email, String password, LoginOrigin origin) {
        String normalized = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        Optional<Duration> wait = throttle.tryAcquire(normalized, origin);
        if (wait.isPresent()) {
            metrics.loginFailed("throttled");
            throw new FinoraException(
                    ErrorReason.LOGIN_THROTTLED,
                    "Too many login attempts; try again in " + wait.get().toSeconds() + " s",
                    Map.of("retry_after_seconds", Long.toString(wait.get().toSeconds())),
                    null,
                    wait.get());
        }
        var user = repository.findUserByEmail(dsl, normalized);
        String pw = password == null ? "" : password;
        if (user.isEmpty()) {
            passwords.matchesNothing(pw);
            metrics.loginFailed("unknown_email");
            log.info("Failed login for an unknown e-mail from {}", origin);
            throw loginFailed();
        }
        var u = user.get();
        if (!passwords.matches(pw, u.passwordHash())) {
            metrics.loginFailed("wrong_password");
            dsl.transaction(c -> audit.record(
                    c.dsl(),
                    u.tenantId(),
                    u.email(),
                    "login.failed",
                    u.id().toString(),
                    "wrong password from " + origin));
            throw loginFailed();
        }
        Role role = Role.ofUserRole(u.role());
        IssuedToken issued = new IssuedToken(UUID.randomUUID(), BearerTokens.generate("fis_"));
        OffsetDateTime expires = now().plus(SESSION_TTL);
        dsl.transaction(c -> repository.insertToken(
                c.dsl(),
                issued.id(),
                u.tenantId(),
                u.id(),
                "session " + u.email(),
                TokenKind.SESSION,
                role,
                BearerTokens.sha256Hex(issued.token()),
                now(),
                expires));
        Principal principal = repository
                .findPrincipal(dsl, BearerTokens.sha256Hex(issued.token()), now())
                .orElseThrow()
                .principal();
        return new Session(issued, expires, principal);
    }

    private static FinoraException loginFailed() {
        return new FinoraException(ErrorReason.LOGIN_FAILED, "Email or password is not correct");
    }

    /** The caller a bearer token stands for, if the token is live. */
    public Optional<Principal> authenticate(String token) {
        OffsetDateTime now = now();
        String hash = BearerTokens.sha256Hex(token);
        CachedPrincipal cached = principals.getIfPresent(hash);
        if (cached != null && (cached.expiresAt() == null || cached.expiresAt().isAfter(now))) {
            if (revoked.getIfPresent(cached.principal().tokenId()) == null) {
                return Optional.of(cached.principal());
            }
            principals.invalidate(hash);
            return Optional.empty();
        }
        if (unknownTokens.getIfPresent(hash) != null) {
            return Optional.empty();
        }
        Optional<AccountRepository.Authenticated> found = repository
                .findPrincipal(dsl, hash, now)
                .filter(a -> revoked.getIfPresent(a.principal().tokenId()) == null);
        found.ifPresentOrElse(
                a -> {
                    repository.touch(dsl, a.principal().tokenId(), now);
                    principals.put(hash, new CachedPrincipal(a.principal(), a.expiresAt()));
                },
                () -> {
                    principals.invalidate(hash);
                    unknownTokens.put(hash, Boolean.TRUE);
                });
        return found.map(AccountRepository.Authenticated::principal);
    }

    /** A random password for generated users: 16 characters from an unambiguous alphabet. */
    public static String randomPassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            sb.append(PASSWORD_ALPHABET.charAt(random.nextInt(PASSWORD_ALPHABET.length())));
        }
        return sb.toString();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
