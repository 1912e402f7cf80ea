package finora.server.integration;

import finora.db.types.ConnectionStatus;
import finora.server.audit.AuditLog;
import finora.server.auth.Principal;
import finora.server.crypto.CredentialCipher;
import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import finora.server.grpc.PageRequest;
import finora.server.integration.ConnectionRepository.ConnectionDetail;
import finora.server.integration.ConnectionRepository.ConnectionRow;
import finora.server.integration.ConnectionRepository.SyncRunRow;
import finora.server.provider.ProviderCosts;
import finora.server.provider.ProviderCosts.Organization;
import finora.server.provider.ProviderException;
import finora.server.provider.ProviderFailure;
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
    public Connections(
            DSLContext dsl,
            ConnectionRepository repository,
            CredentialCipher cipher,
            List<ProviderCosts> providers,
            AuditLog audit,
            Clock clock) {
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
            throw new FinoraException(
                    ErrorReason.INVALID_ARGUMENT, "Choose a provider: " + String.join(", ", providers.keySet()));
        }
        return p;
    }

    /** Connects an Anthropic organization with an Admin API key, with no caller deadline but the budget. */
    ConnectionDetail connect(Principal caller, String rawKey) {
        return connect(caller, "ANTHROPIC", rawKey, KeyCheckLimit.budgetOnly());
    }

    /** Connects an Anthropic organization; nothing is saved if the check outlasts {@code limit}. */
    ConnectionDetail connect(Principal caller, String rawKey, KeyCheckLimit limit) {
        return connect(caller, "ANTHROPIC", rawKey, limit);
    }

    /** Connects an organization of {@code providerName}; nothing is saved if the check outlasts {@code limit}. */
    ConnectionDetail connect(Principal caller, String providerName, String rawKey, KeyCheckLimit limit) {
        ProviderCosts provider = provider(providerName);
        String name = provider.provider();
        String key = provider.checkKeyFormat(rawKey);
        Checked checked = verify(provider, key, limit);
        Organization org = checked.organization();
        if (repository
                .findLiveByOrganization(dsl, caller.tenantId(), name, org.id())
                .isPresent()) {
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
                ConnectionRow r = new ConnectionRow(
                        id,
                        caller.tenantId(),
                        ledger,
                        name,
                        org.id(),
                        org.name(),
                        ConnectionStatus.ACTIVE,
                        null,
                        null,
                        provider.keyHint(key),
                        now,
                        now,
                        now,
                        null,
                        null,
                        null,
                        null);
                repository.insert(c.dsl(), r, ciphertext);
                recordLevel(c.dsl(), id, checked.level(), now);
                audit.record(
                        c.dsl(),
                        caller.tenantId(),
                        caller.subject(),
                        "credential.connect",
                        id.toString(),
                        provider.displayName() + " organization " + org.name() + " (" + org.id() + "), key "
                                + r.keyHint());
                return r;
            });
        } catch (IntegrityConstraintViolationException e) {
            throw alreadyConnected(provider, org); // a concurrent connect of the same organization won
        }
        log.info(
                "Tenant {} connected {} organization {} as connection {}",
                caller.tenantId(),
                provider.displayName(),
                org.id(),
                id);
        return get(caller, row.id());
    }

    /** Rotates a connection's key, with no caller deadline but the budget. */
    ConnectionDetail updateCredential(Principal caller, UUID connectionId, String rawKey) {
        return updateCredential(caller, connectionId, rawKey, KeyCheckLimit.budgetOnly());
    }

    /** Rotates a connection's key; the new key must belong to the same organization; nothing is saved past {@code limit}. */
    ConnectionDetail updateCredential(Principal caller, UUID connectionId, String rawKey, KeyCheckLimit limit) {
        ConnectionRow current = live(caller, connectionId);
        ProviderCosts provider = provider(current.provider());
        String key = provider.checkKeyFormat(rawKey);
        Checked checked = verify(provider, key, limit);
        Organization org = checked.organization();
        if (!org.id().equals(current.organizationId())) {
            throw new FinoraException(
                    ErrorReason.ORGANIZATION_MISMATCH,
                    "This key belongs to the " + provider.displayName() + " organization \"" + org.name()
                            + "\", but this connection is "
                            + "for \"" + current.organizationName() + "\". Paste an Admin key of \""
                            + current.organizationName() + "\", or connect the other organization separately.");
        }
        byte[] ciphertext = cipher.encrypt(key, caller.tenantId(), connectionId);
        String hint = provider.keyHint(key);
        dsl.transaction(c -> {
            ConnectionRow locked = repository
                    .lockLive(c.dsl(), caller.tenantId(), connectionId)
                    .orElseThrow(() -> notFound(connectionId));
            boolean dueNow = locked.status() == ConnectionStatus.NEEDS_ATTENTION;
            repository.replaceCredential(c.dsl(), connectionId, ciphertext, hint, org.name(), now(), dueNow);
            recordLevel(c.dsl(), connectionId, checked.level(), now());
            audit.record(
                    c.dsl(),
                    caller.tenantId(),
                    caller.subject(),
                    "credential.rotate",
                    connectionId.toString(),
                    "key " + locked.keyHint() + " replaced by " + hint);
        });
        log.info("Tenant {} rotated the key of connection {}", caller.tenantId(), connectionId);
        return get(caller, connectionId);
    }

    /** Removes a connection: deletes its credential, stops its syncs, keeps its cost history. */
    void delete(Principal caller, UUID connectionId) {
        dsl.transaction(c -> {
            ConnectionRow locked = repository
                    .lockLive(c.dsl(), caller.tenantId(), connectionId)
                    .orElseThrow(() -> notFound(connectionId));
            repository.remove(c.dsl(), connectionId, now());
            audit.record(
                    c.dsl(),
                    caller.tenantId(),
                    caller.subject(),
                    "credential.remove",
                    connectionId.toString(),
                    provider(locked.provider()).displayName() + " organization " + locked.organizationName()
                            + "; cost history kept");
        });
        log.info("Tenant {} removed connection {}", caller.tenantId(), connectionId);
    }

    /** Makes a sync due now; refused while one runs or within a minute of the last request. */
    ConnectionDetail refresh(Principal caller, UUID connectionId) {
        OffsetDateTime now = now();
        dsl.transaction(c -> {
            ConnectionRow locked = repository
                    .lockLive(c.dsl(), caller.tenantId(), connectionId)
                    .orElseThrow(() -> notFound(connectionId));
            if (repository.syncRunning(c.dsl(), connectionId, now)) {
                throw new FinoraException(
                        ErrorReason.SYNC_IN_PROGRESS,
                        "A sync of this connection is running; its progress shows on the connection");
            }
            if (locked.refreshRequestedAt() != null
                    && locked.refreshRequestedAt().plus(REFRESH_SPACING).isAfter(now)) {
                throw new FinoraException(
                        ErrorReason.SYNC_IN_PROGRESS,
                        "A refresh was requested less than a minute ago; try again shortly");
            }
            if (locked.status() == ConnectionStatus.NEEDS_ATTENTION) {
                throw new FinoraException(
                        ErrorReason.KEY_REJECTED,
                        "Syncs are stopped until the key is updated: " + locked.statusDetail());
            }
            repository.requestRefresh(c.dsl(), connectionId, now);
        });
        return get(caller, connectionId);
    }

    /** A live connection of the caller's tenant with its details, or CONNECTION_NOT_FOUND. */
    ConnectionDetail get(Principal caller, UUID connectionId) {
        return repository.details(dsl, caller.tenantId(), connectionId).stream()
                .findFirst()
                .orElseThrow(() -> notFound(connectionId));
    }

    private ConnectionRow live(Principal caller, UUID connectionId) {
        return repository.findLive(dsl, caller.tenantId(), connectionId).orElseThrow(() -> notFound(connectionId));
    }

    /** The caller's live connections with their details, oldest first (one query however many there are). */
    List<ConnectionDetail> list(Principal caller) {
        return repository.details(dsl, caller.tenantId(), null);
    }

    /** A page of a connection's sync runs, newest first, and the next page's token ("" for none). */
    record SyncRunPage(List<SyncRunRow> runs, String nextPageToken) {}

    /** Sync runs of a live connection of the caller's tenant (CONNECTION_NOT_FOUND otherwise), newest first. */
    SyncRunPage syncRuns(Principal caller, UUID connectionId, String pageToken, int pageSize) {
        live(caller, connectionId); // tenant check
        PageRequest page = PageRequest.of(pageToken, pageSize, 20, 100, connectionId);
        List<SyncRunRow> runs = repository.syncRuns(dsl, connectionId, page.offset(), page.size() + 1);
        return new SyncRunPage(
                runs.subList(0, Math.min(page.size(), runs.size())), page.next(page.size(), runs.size() > page.size()));
    }

    /** Parses a connection id; malformed ids are unknown ids. */
    static UUID parseId(String raw) {
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
                    throw new FinoraException(
                            ErrorReason.PROVIDER_UNAVAILABLE,
                            "The caller stopped waiting for the key check; nothing was saved");
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new FinoraException(
                            ErrorReason.PROVIDER_UNAVAILABLE,
                            costs.displayName()
                                    + " did not confirm the key "
                                    + "within " + limit.timeLeft().toSeconds()
                                    + " s; nothing was saved. Try again in a few minutes.");
                }
                try {
                    Checked org = check.get(Math.min(left, 100_000_000L), TimeUnit.NANOSECONDS);
                    if (limit.callerGone().getAsBoolean()) {
                        throw new FinoraException(
                                ErrorReason.PROVIDER_UNAVAILABLE,
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
            throw new FinoraException(
                    ErrorReason.PROVIDER_UNAVAILABLE, "The key check was interrupted; nothing was saved");
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
            case null -> {}
        }
    }

    /** How a failed key check of {@code provider} reads to the user (see {@link ProviderFailure}). */
    static FinoraException toFinora(ProviderCosts provider, ProviderException e) {
        log.info("{} check failed: {}", provider.displayName(), e.getMessage());
        ProviderFailure failure = ProviderFailure.of(e);
        return new FinoraException(failure.checkReason(), failure.checkText(provider, e));
    }

    private static FinoraException alreadyConnected(ProviderCosts provider, Organization org) {
        return new FinoraException(
                ErrorReason.ALREADY_CONNECTED,
                "The " + provider.displayName() + " organization \"" + org.name() + "\" is already connected. To use "
                        + "a new key, choose Update on its row.");
    }

    private static FinoraException notFound(UUID id) {
        return new FinoraException(
                ErrorReason.CONNECTION_NOT_FOUND,
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
}
