package finora.db.types;

/** {@code api_token.kind} (jOOQ maps the column to this enum; the CHECK constraint lists the same names). */
public enum TokenKind {
    /** A token for gRPC clients, created by an admin or the CLI. */
    API,
    /** An admin-UI login session. */
    SESSION
}
