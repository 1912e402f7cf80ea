package finora.server.budget;

/**
 * A slice of a tenant's spend: all of it, one provider, one workspace or one model family.
 *
 * @param value '' for TENANT; the provider's stored name (ANTHROPIC); the workspace id ('' is the
 *     Default workspace); the model family name
 */
record Scope(Kind kind, String value) {
    /** The whole tenant. */
    static final Scope TENANT = new Scope(Kind.TENANT, "");

    /** Which kind of slice. */
    enum Kind {
        /** All spend. */
        TENANT,
        /** One provider. */
        PROVIDER,
        /** One workspace. */
        WORKSPACE,
        /** One model family. */
        MODEL_FAMILY
    }

    /** A stable text form for dedupe keys and logs, e.g. {@code WORKSPACE/wrkspc_01…}. */
    String key() {
        return kind + "/" + value;
    }
}
