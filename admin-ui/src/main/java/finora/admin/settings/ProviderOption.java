package finora.admin.settings;

/**
 * A provider from the server's catalog, as the key form offers it.
 *
 * @param provider which provider
 * @param displayName name for people, e.g. "Anthropic"
 * @param keyPrefix the prefix every accepted key starts with, e.g. "sk-ant-admin01-"
 * @param keyHelp one sentence on which key to paste and where to create it
 * @param coverage what a connection tracks and what it does not (e.g. API platform only, no Priority
 *     Tier) and what the key is used for; empty when the server does not say
 */
public record ProviderOption(
        AiProvider provider, String displayName, String keyPrefix, String keyHelp, String coverage) {}
