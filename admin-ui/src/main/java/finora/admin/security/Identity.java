package finora.admin.security;

/**
 * Who a token belongs to, as told by WhoAmI.
 *
 * @param tenantId tenant UUID
 * @param tenantName tenant display name
 * @param role what the caller may do
 * @param subject the user's email for a session token, the API token's name otherwise
 * @param session true for an admin-UI session token
 */
public record Identity(String tenantId, String tenantName, Role role, String subject, boolean session) {}
