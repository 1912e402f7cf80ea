package finora.server.integration;

import finora.server.audit.AuditLog;
import finora.server.auth.Principal;
import finora.server.crypto.CredentialCipher;
import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import finora.server.integration.ConnectionRepository.ConnectionRow;
import finora.server.provider.ProviderCosts;
import finora.server.provider.ProviderException;
import finora.server.provider.ProviderCosts.Organization;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jooq.DSLContext;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connecting, rotating and removing provider keys (DESIGN.md §5.1).
 *
 * <p>Save = trim → the provider's format check → its live check (for Anthropic {@code GET
 * /v1/organizations/me} and one small {@code cost_report}; for OpenAI the projects list and one
 * small costs page) → encrypt and store → first sync due now. Providers come in through the seam
 * ({@link ProviderCosts}); nothing here knows a provider's JSON. A failed check saves nothing. Rotation checks the new
 * key the same way, requires the same organization, then swaps in one transaction, so the old key
 * keeps working until the new one is saved.
 */
public final class Connections {
    private static final Logger log = LoggerFactory.getLogger(Connections.class);
    /** Manual refreshes are accepted at most this often per connection. */
    static final Duration REFRESH_SPACING = Duration.ofMinutes(1);

    private final DSLContext dsl;
    private final ConnectionRepository repository;
    private final CredentialCipher cipher;
    private final AuditLog audit;
    private final Clock clock;
    /** Every provider by its stored name, in display order. */
    private final Map<String, ProviderCosts> providers = new LinkedHashMap<>();
    /** Key checks run here, so a caller's deadline can abandon one (one virtual thread per check). */
    private final ExecutorService keyChecks = Executors.newVirtualThreadPerTaskExecutor();

    /** Creates the service. */
    public Connections(DSLContext dsl, ConnectionRepository repository, CredentialCipher cipher,
            List<ProviderCosts> providers, AuditLog audit, Clock clock) {
        providers.forEach(p -> this.providers.put(p.provider(), p));
        this.dsl = dsl;
        this.repository = repository;
        this.cipher = cipher;
        this.audit = audit;
        this.clock = clock;
    }

    /** The providers, in display order. */
    public List<ProviderCosts> providers() {
        return List.copyOf(providers.values());
    }

    /** A provider by its stored name ({@code ANTHROPIC}, {@code OPENAI}). */
    public ProviderCosts provider(String name) {
        ProviderCosts p = providers.get(name);
        if (p == null) {
            throw new FinoraException(ErrorReason.INVALID_ARGUMENT, "Choose a provider: "
                    + String.join(", ", providers.keySet()));
        }
        return p;
    }

    /** Connects an Anthropic organization with an Admin API key, with no caller deadline but the budget. */
    public ConnectionRow connect(Principal caller, String rawKey) {
        return connect(caller, "ANTHROPIC", rawKey, KeyCheckLimit.budgetOnly());
    }

    /** Connects an Anthropic organization; nothing is saved if the check outlasts {@code limit}. */
    public ConnectionRow connect(Principal caller, String rawKey, KeyCheckLimit limit) {
        return connect(caller, "ANTHROPIC", rawKey, limit);
    }

    /** Connects an organization of {@code providerName}; nothing is saved if the check outlasts {@code limit}. */
    public ConnectionRow connect(Principal caller, String providerName, String rawKey, KeyCheckLimit limit) {
        ProviderCosts provider = provider(providerName);
        String name = provider.provider();
        String key = provider.checkKeyFormat(rawKey);
        Checked checked = verify(provider, key, limit);
        Organization org = checked.organization();
        if (repository.findLiveByOrganization(dsl, caller.tenantId(), name, org.id()).isPresent()) {
            throw alreadyConnected(provider, org);
        }
        OffsetDateTime now = now();
        UUID id = UUID.randomUUID();
        byte[] ciphertext = cipher.encrypt(key, caller.tenantId(), id);
        ConnectionRow row;
        try {
            row = dsl.transactionResult(c -> {
                // The organization's history, kept from an earlier connection, or a new one.
                UUID ledger = repository.ledger(c.dsl(), caller.tenantId(), name, org.id(), org.name(), now);
                ConnectionRow r = new ConnectionRow(id, caller.tenantId(), ledger, name, org.id(), org.name(),
                        "ACTIVE", null, null, provider.keyHint(key), now, now, now, null, null, null, null);
                repository.insert(c.dsl(), r, ciphertext);
                recordLevel(c.dsl(), id, checked.level(), now);
                audit.record(c.dsl(), caller.tenantId(), caller.subject(), "credential.connect", id.toString(),
                        provider.displayName() + " organization " + org.name() + " (" + org.id() + "), key "
                                + r.keyHint());
                return r;
            });
        } catch (IntegrityConstraintViolationException e) {
            throw alreadyConnected(provider, org); // a concurrent connect of the same organization won
        }
        log.info("Tenant {} connected {} organization {} as connection {}", caller.tenantId(), provider.displayName(),
                org.id(), id);
        return row;
    }

    /** Rotates a connection's key, with no caller deadline but the budget. */
    public ConnectionRow updateCredential(Principal caller, UUID connectionId, String rawKey) {
        return updateCredential(caller, connectionId, rawKey, KeyCheckLimit.budgetOnly());
    }

    /** Rotates a connection's key; the new key must belong to the same organization; nothing is saved past {@code limit}. */
    public ConnectionRow updateCredential(Principal caller, UUID connectionId, String rawKey, KeyCheckLimit limit) {
        ConnectionRow current = get(caller, connectionId);
        ProviderCosts provider = provider(current.provider());
        String key = provider.checkKeyFormat(rawKey);
        Checked checked = verify(provider, key, limit);
        Organization org = checked.organization();
        if (!org.id().equals(current.organizationId())) {
            throw new FinoraException(ErrorReason.ORGANIZATION_MISMATCH,
                    "This key belongs to the " + provider.displayName() + " organization \"" + org.name()
                            + "\", but this connection is "
                            + "for \"" + current.organizationName() + "\". Paste an Admin key of \""
                            + current.organizationName() + "\", or connect the other organization separately.");
        }
        byte[] ciphertext = cipher.encrypt(key, caller.tenantId(), connectionId);
        String hint = provider.keyHint(key);
        dsl.transaction(c -> {
            ConnectionRow locked = repository.lockLive(c.dsl(), caller.tenantId(), connectionId)
                    .orElseThrow(() -> notFound(connectionId));
            boolean dueNow = "NEEDS_ATTENTION".equals(locked.status());
            repository.replaceCredential(c.dsl(), connectionId, ciphertext, hint, org.name(), now(), dueNow);
            recordLevel(c.dsl(), connectionId, checked.level(), now());
            audit.record(c.dsl(), caller.tenantId(), caller.subject(), "credential.rotate", connectionId.toString(),
                    "key " + locked.keyHint() + " replaced by " + hint);
        });
        log.info("Tenant {} rotated the key of connection {}", caller.tenantId(), connectionId);
        return get(caller, connectionId);
    }

    /** Removes a connection: deletes its credential, stops its syncs, keeps its cost history. */
    public void delete(Principal caller, UUID connectionId) {
        dsl.transaction(c -> {
            ConnectionRow locked = repository.lockLive(c.dsl(), caller.tenantId(), connectionId)
                    .orElseThrow(() -> notFound(connectionId));
            repository.remove(c.dsl(), connectionId, now());
            audit.record(c.dsl(), caller.tenantId(), caller.subject(), "credential.remove", connectionId.toString(),
                    provider(locked.provider()).displayName() + " organization " + locked.organizationName()
                            + "; cost history kept");
        });
        log.info("Tenant {} removed connection {}", caller.tenantId(), connectionId);
    }

    /** Makes a sync due now; refused while one runs or within a minute of the last request. */
    public ConnectionRow refresh(Principal caller, UUID connectionId) {
        OffsetDateTime now = now();
        dsl.transaction(c -> {
            ConnectionRow locked = repository.lockLive(c.dsl(), caller.tenantId(), connectionId)
                    .orElseThrow(() -> notFound(connectionId));
            if (repository.syncRunning(c.dsl(), connectionId, now)) {
                throw new FinoraException(ErrorReason.SYNC_IN_PROGRESS,
                        "A sync of this connection is running; its progress shows on the connection");
            }
            if (locked.refreshRequestedAt() != null
                    && locked.refreshRequestedAt().plus(REFRESH_SPACING).isAfter(now)) {
                throw new FinoraException(ErrorReason.SYNC_IN_PROGRESS,
                        "A refresh was requested less than a minute ago; try again shortly");
            }
            if ("NEEDS_ATTENTION".equals(locked.status())) {
                throw new FinoraException(ErrorReason.KEY_REJECTED,
                        "Syncs are stopped until the key is updated: " + locked.statusDetail());
            }
            repository.requestRefresh(c.dsl(), connectionId, now);
        });
        return get(caller, connectionId);
    }

    /** A live connection of the caller's tenant, or CONNECTION_NOT_FOUND. */
    public ConnectionRow get(Principal caller, UUID connectionId) {
        return repository.findLive(dsl, caller.tenantId(), connectionId).orElseThrow(() -> notFound(connectionId));
    }

    /** The caller's live connections, oldest first. */
    public List<ConnectionRow> list(Principal caller) {
        return repository.listLive(dsl, caller.tenantId());
    }

    /** Parses a connection id; malformed ids are unknown ids. */
    public static UUID parseId(String raw) {
        try {
            return UUID.fromString(raw.trim());
        } catch (RuntimeException e) {
            throw notFound(null);
        }
    }

    /**
     * Asks Anthropic about the key on a thread of its own, so the check can be abandoned (and its
     * HTTP call interrupted) when the caller gives up or the time runs out; in both cases nothing is saved.
     */
    private Checked verify(ProviderCosts costs, String key, KeyCheckLimit limit) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Future<Checked> check = keyChecks.submit(() -> {
            Organization org = costs.organization(key, today);
            ProviderCosts.DataLevel level;
            try {
                level = costs.probe(key, today);
            } catch (ProviderException e) {
                // The key itself works (the checks above passed); the next sync asks again.
                log.info("Could not tell whether the analytics API answers: {}", e.getMessage());
                level = null;
            }
            return new Checked(org, level);
        });
        long end = System.nanoTime() + limit.timeLeft().toNanos();
        try {
            while (true) {
                if (limit.callerGone().getAsBoolean()) {
                    throw new FinoraException(ErrorReason.PROVIDER_UNAVAILABLE,
                            "The caller stopped waiting for the key check; nothing was saved");
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new FinoraException(ErrorReason.PROVIDER_UNAVAILABLE, costs.displayName()
                            + " did not confirm the key "
                            + "within " + limit.timeLeft().toSeconds() + " s; nothing was saved. Try again in a few minutes.");
                }
                try {
                    Checked org = check.get(Math.min(left, 100_000_000L), TimeUnit.NANOSECONDS);
                    if (limit.callerGone().getAsBoolean()) {
                        throw new FinoraException(ErrorReason.PROVIDER_UNAVAILABLE,
                                "The caller stopped waiting for the key check; nothing was saved");
                    }
                    return org;
                } catch (TimeoutException stillRunning) {
                    // check the caller and the budget again
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProviderException pe) {
                throw toFinora(costs, pe);
            }
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FinoraException(ErrorReason.PROVIDER_UNAVAILABLE, "The key check was interrupted; nothing was saved");
        } finally {
            check.cancel(true);
        }
    }

    /** What a key check found: the organization and the data level (null: could not tell). */
    private record Checked(Organization organization, ProviderCosts.DataLevel level) {}

    private void recordLevel(DSLContext tx, UUID connectionId, ProviderCosts.DataLevel level, OffsetDateTime at) {
        switch (level) {
            case ProviderCosts.Detailed d -> repository.recordAnalyticsCheck(tx, connectionId, "AVAILABLE", null, at);
            case ProviderCosts.WorkspaceOnly w ->
                    repository.recordAnalyticsCheck(tx, connectionId, "REFUSED", w.reason(), at);
            case null -> { }
        }
    }

    /** How a failed provider check reads to the user; used by sync too. */
    public static FinoraException toFinora(ProviderCosts provider, ProviderException e) {
        log.info("{} check failed: {}", provider.displayName(), e.getMessage());
        return switch (e.kind()) {
            case UNAUTHORIZED -> new FinoraException(ErrorReason.KEY_REJECTED, provider.keyGuide().rejected());
            case FORBIDDEN -> new FinoraException(ErrorReason.KEY_FORBIDDEN, provider.keyGuide().forbidden());
            case UNAVAILABLE, BAD_RESPONSE, REQUEST_REFUSED -> new FinoraException(ErrorReason.PROVIDER_UNAVAILABLE,
                    provider.displayName() + " could not be reached or answered unexpectedly (" + e.getMessage()
                            + "); nothing was saved. Try again in a few minutes.");
        };
    }

    private static FinoraException alreadyConnected(ProviderCosts provider, Organization org) {
        return new FinoraException(ErrorReason.ALREADY_CONNECTED,
                "The " + provider.displayName() + " organization \"" + org.name() + "\" is already connected. To use "
                        + "a new key, choose Update on its row.");
    }

    private static FinoraException notFound(UUID id) {
        return new FinoraException(ErrorReason.CONNECTION_NOT_FOUND,
                "No connection " + (id == null ? "with that id" : id) + " in your organization");
    }

    /** Decrypts the stored key of a connection, for syncs. */
    public String decryptKey(ConnectionRow connection) {
        byte[] ciphertext = repository.ciphertext(dsl, connection.id()).orElseThrow(() -> notFound(connection.id()));
        return cipher.decrypt(ciphertext, connection.tenantId(), connection.id());
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    ConnectionRepository repository() {
        return repository;
    }

    DSLContext dsl() {
        return dsl;
    }
}
