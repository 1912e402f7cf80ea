package finora.admin.settings;

/** How fine a connection's cost data is: whether Anthropic's Cost Analytics API answers for its key. */
public enum DataLevel {
    /** Not checked yet (before the first check at connect or sync). */
    NOT_CHECKED,
    /** Only the legacy cost report answers: by workspace and model, no API key, user, list price or today. */
    WORKSPACE,
    /** The Cost Analytics API answers: also by API key, user and product, with list prices and today so far. */
    API_KEY_AND_USER
}
