package finora.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code GET /v1/organizations/api_keys} (every status unless {@code status} filters; optional
 * {@code workspace_id}) and {@code GET /v1/organizations/users} (members only: deleted users are not
 * listed), both paged with {@code limit} (1–1000, default 20), {@code after_id} / {@code before_id}
 * and the {@code {data, has_more, first_id, last_id}} envelope.
 */
final class DirectoryEndpoints {

    static final String API_KEYS_PATH = "/v1/organizations/api_keys";
    static final String USERS_PATH = "/v1/organizations/users";
    private static final List<String> KEY_STATUSES = List.of("active", "inactive", "archived", "expired");

    private final SimData data;

    DirectoryEndpoints(SimData data) {
        this.data = data;
    }

    ObjectNode apiKeys(String organizationId, QueryParameters query) throws ApiException {
        SimAttribution attribution = data.attribution(organizationId);
        String status = query.first("status");
        if (status != null && !KEY_STATUSES.contains(status)) {
            throw ApiException.invalidRequest("status: Input should be 'active', 'inactive', 'archived' or 'expired'");
        }
        String workspaceId = query.first("workspace_id");
        List<SimAttribution.ApiKey> keys = new ArrayList<>();
        for (SimAttribution.ApiKey k : attribution.apiKeys()) {
            String scope = k.workspaceId() == null ? attribution.defaultWorkspaceId() : k.workspaceId();
            if ((status == null || status.equals(k.status())) && (workspaceId == null || workspaceId.equals(scope))) {
                keys.add(k);
            }
        }
        return page(keys, SimAttribution.ApiKey::id, query, k -> {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("id", k.id());
            n.put("type", "api_key");
            n.put("name", k.name());
            n.put("status", k.status());
            n.put("created_at", DateTimeFormatter.ISO_INSTANT.format(k.createdAt()));
            n.putNull("expires_at");
            n.put("partial_key_hint", k.hint());
            ObjectNode createdBy = n.putObject("created_by");
            createdBy.put("id", k.createdById());
            createdBy.put("type", "user");
            if (k.principalId() == null) {
                n.putNull("principal");
            } else if (k.principalId().startsWith("svac_")) {
                n.putObject("principal")
                        .put("type", "service_account_actor")
                        .put("service_account_id", k.principalId());
            } else {
                n.putObject("principal").put("type", "user_actor").put("user_id", k.principalId());
            }
            n.putObject("scope")
                    .put("type", "workspace")
                    .put("workspace_id", k.workspaceId() == null ? attribution.defaultWorkspaceId() : k.workspaceId());
            n.put("workspace_id", k.workspaceId()); // deprecated: null for the Default workspace
            return n;
        });
    }

    ObjectNode users(String organizationId, QueryParameters query) throws ApiException {
        String email = query.first("email");
        List<String> roles = query.all("roles[]");
        List<SimAttribution.User> users = data.attribution(organizationId).users().stream()
                .filter(u -> !u.deleted())
                .filter(u -> email == null || u.email().equalsIgnoreCase(email))
                .filter(u -> roles.isEmpty() || roles.contains(u.role()))
                .toList();
        return page(users, SimAttribution.User::id, query, u -> {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("id", u.id());
            n.put("type", "user");
            n.put("email", u.email());
            n.put("name", u.name());
            n.put("role", u.role());
            n.put("added_at", DateTimeFormatter.ISO_INSTANT.format(u.addedAt()));
            return n;
        });
    }

    private static <T> ObjectNode page(
            List<T> all, Function<T, String> id, QueryParameters query, Function<T, ObjectNode> json)
            throws ApiException {
        int limit = query.integer("limit", 20, 1, 1000);
        String afterId = query.first("after_id");
        String beforeId = query.first("before_id");
        if (afterId != null && beforeId != null) {
            throw ApiException.invalidRequest("Only one of before_id and after_id may be given");
        }
        List<T> page;
        boolean hasMore;
        if (beforeId != null) {
            int to = position(all, id, beforeId, "before_id");
            page = all.subList(Math.max(0, to - limit), to);
            hasMore = to > limit;
        } else {
            int from = afterId == null ? 0 : position(all, id, afterId, "after_id") + 1;
            page = all.subList(from, Math.min(all.size(), from + limit));
            hasMore = from + limit < all.size();
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode items = body.putArray("data");
        page.forEach(item -> items.add(json.apply(item)));
        body.put("has_more", hasMore);
        body.put("first_id", page.isEmpty() ? null : id.apply(page.get(0)));
        body.put("last_id", page.isEmpty() ? null : id.apply(page.get(page.size() - 1)));
        return body;
    }

    private static <T> int position(List<T> all, Function<T, String> id, String wanted, String parameter)
            throws ApiException {
        for (int i = 0; i < all.size(); i++) {
            if (id.apply(all.get(i)).equals(wanted)) {
                return i;
            }
        }
        throw ApiException.invalidRequest(parameter + ": no object with id " + wanted);
    }
}
