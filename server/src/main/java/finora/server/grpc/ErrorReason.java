package finora.server.grpc;

import io.grpc.Status;

/**
 * Stable error reasons ({@code google.rpc.ErrorInfo.reason}, domain {@value #DOMAIN}) and the
 * status code each maps to. Scripts rely on these names: add new ones, never rename.
 */
public enum ErrorReason {
    /** The admin key is empty. */
    KEY_EMPTY(Status.Code.INVALID_ARGUMENT),
    /** The admin key has whitespace inside or does not look like {@code sk-ant-admin01-…}. */
    KEY_MALFORMED(Status.Code.INVALID_ARGUMENT),
    /** A regular {@code sk-ant-api…} key was given where an Admin key is needed. */
    NOT_AN_ADMIN_KEY(Status.Code.INVALID_ARGUMENT),
    /** The provider answered 401: revoked, expired or not an admin key. */
    KEY_REJECTED(Status.Code.INVALID_ARGUMENT),
    /** The provider answered 403: e.g. the key's creator lost the admin role. */
    KEY_FORBIDDEN(Status.Code.INVALID_ARGUMENT),
    /** A rotated key belongs to another provider organization. */
    ORGANIZATION_MISMATCH(Status.Code.FAILED_PRECONDITION),
    /** The organization is already connected for this tenant. */
    ALREADY_CONNECTED(Status.Code.ALREADY_EXISTS),
    /** The provider timed out or answered 429, 5xx or 529; nothing was saved. */
    PROVIDER_UNAVAILABLE(Status.Code.UNAVAILABLE),
    /** Unknown connection id, or another tenant's. */
    CONNECTION_NOT_FOUND(Status.Code.NOT_FOUND),
    /** End before start, range too long, or a bad page token. */
    INVALID_RANGE(Status.Code.INVALID_ARGUMENT),
    /** A refresh was asked while one runs, or sooner than a minute after the last. */
    SYNC_IN_PROGRESS(Status.Code.ABORTED),
    /** A request field is missing or malformed. */
    INVALID_ARGUMENT(Status.Code.INVALID_ARGUMENT),
    /** A string is longer than its documented limit, or a repeated field holds too many values. */
    FIELD_TOO_LONG(Status.Code.INVALID_ARGUMENT),
    /** A string holds a NUL or another control character (tab and line breaks are allowed). */
    FIELD_INVALID_CHARACTERS(Status.Code.INVALID_ARGUMENT),
    /** No bearer token was sent. */
    TOKEN_MISSING(Status.Code.UNAUTHENTICATED),
    /** The bearer token is unknown, revoked or expired. */
    TOKEN_INVALID(Status.Code.UNAUTHENTICATED),
    /** Email and password do not match a user. */
    LOGIN_FAILED(Status.Code.UNAUTHENTICATED),
    /** Too many login attempts for this e-mail or from this address; RetryInfo says when to try again. */
    LOGIN_THROTTLED(Status.Code.RESOURCE_EXHAUSTED),
    /** The caller's role may not call this RPC. */
    ROLE_REQUIRED(Status.Code.PERMISSION_DENIED),
    /** Every call slot is taken and none freed up within the queue timeout; retry after the RetryInfo delay. */
    SERVER_BUSY(Status.Code.RESOURCE_EXHAUSTED),
    /** Unknown budget id, or another tenant's. */
    BUDGET_NOT_FOUND(Status.Code.NOT_FOUND),
    /** Unknown notification channel id, or another tenant's. */
    CHANNEL_NOT_FOUND(Status.Code.NOT_FOUND),
    /** A webhook or SMTP target is not an allowed http(s) URL or resolves to an internal address. */
    TARGET_NOT_ALLOWED(Status.Code.INVALID_ARGUMENT),
    /** An e-mail channel needs an SMTP server: its own, or the server-wide FINORA_SMTP_HOST. */
    SMTP_NOT_CONFIGURED(Status.Code.FAILED_PRECONDITION),
    /** The tenant already has as many of these objects as allowed (budgets, channels). */
    LIMIT_REACHED(Status.Code.RESOURCE_EXHAUSTED),
    /**
     * As many exports as this replica (or this tenant) may run at once are running; RetryInfo says
     * when to try again.
     */
    EXPORTS_BUSY(Status.Code.RESOURCE_EXHAUSTED),
    /** An export was cancelled because its client read nothing for the stall timeout. */
    EXPORT_STALLED(Status.Code.DEADLINE_EXCEEDED),
    /** An export's query ran past the statement timeout; a shorter range may fit. */
    EXPORT_TIMEOUT(Status.Code.DEADLINE_EXCEEDED),
    /** The database cannot be reached right now. */
    DATABASE_UNAVAILABLE(Status.Code.UNAVAILABLE),
    /** An unexpected failure; the description carries a reference to find it in the logs. */
    INTERNAL(Status.Code.INTERNAL);

    /** The {@code ErrorInfo.domain} of every Finora error. */
    public static final String DOMAIN = "finora.services";

    private final Status.Code code;

    ErrorReason(Status.Code code) {
        this.code = code;
    }

    /** The status code this reason is sent with. */
    public Status.Code code() {
        return code;
    }
}
