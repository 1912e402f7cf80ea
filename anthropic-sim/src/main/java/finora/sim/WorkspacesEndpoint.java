package finora.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/organizations/workspaces}: the organization's workspaces in creation order, paged with
 * {@code after_id}/{@code before_id}; archived ones only with {@code include_archived=true}.
 */
final class WorkspacesEndpoint {

    static final String PATH = "/v1/organizations/workspaces";

    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 1000;

    private final SimData data;

    WorkspacesEndpoint(SimData data) {
        this.data = data;
    }

    ObjectNode answer(String organizationId, QueryParameters query) throws ApiException {
        int limit = query.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        boolean includeArchived = query.bool("include_archived", false);
        String afterId = query.first("after_id");
        String beforeId = query.first("before_id");
        if (afterId != null && beforeId != null) {
            throw ApiException.invalidRequest("Only one of before_id and after_id may be given");
        }
        List<SimWorkspace> all = data.workspaces(organizationId);
        List<SimWorkspace> page;
        boolean hasMore;
        if (beforeId != null) {
            List<SimWorkspace> before = visible(all, 0, position(all, beforeId, "before_id"), includeArchived);
            page = before.subList(Math.max(0, before.size() - limit), before.size());
            hasMore = before.size() > limit;
        } else {
            int from = afterId == null ? 0 : position(all, afterId, "after_id") + 1;
            List<SimWorkspace> after = visible(all, from, all.size(), includeArchived);
            page = after.subList(0, Math.min(limit, after.size()));
            hasMore = after.size() > limit;
        }

        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode items = body.putArray("data");
        page.forEach(workspace -> items.add(json(workspace)));
        body.put("has_more", hasMore);
        body.put("first_id", page.isEmpty() ? null : page.get(0).id());
        body.put("last_id", page.isEmpty() ? null : page.get(page.size() - 1).id());
        return body;
    }

    /** The workspaces at positions {@code [from, to)}, without archived ones unless asked for. */
    private static List<SimWorkspace> visible(List<SimWorkspace> all, int from, int to, boolean includeArchived) {
        List<SimWorkspace> result = new ArrayList<>();
        for (SimWorkspace workspace : all.subList(from, to)) {
            if (includeArchived || !workspace.archived()) {
                result.add(workspace);
            }
        }
        return result;
    }

    private static int position(List<SimWorkspace> all, String id, String parameter) throws ApiException {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).id().equals(id)) {
                return i;
            }
        }
        throw ApiException.invalidRequest(parameter + ": no workspace with id " + id);
    }

    private static ObjectNode json(SimWorkspace workspace) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", "workspace");
        node.put("id", workspace.id());
        node.put("name", workspace.name());
        node.put("created_at", DateTimeFormatter.ISO_INSTANT.format(workspace.createdAt()));
        node.put(
                "archived_at",
                workspace.archived() ? DateTimeFormatter.ISO_INSTANT.format(workspace.archivedAt()) : null);
        node.put("display_color", workspace.displayColor());
        return node;
    }
}
