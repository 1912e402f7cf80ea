package finora.sim;

import static finora.sim.CostReportTest.assertInvalidRequest;
import static finora.sim.SimApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkspacesTest {

    private static final String PATH = "/v1/organizations/workspaces";

    private AnthropicSim sim;
    private SimApiClient client;

    @BeforeEach
    void start() {
        sim = AnthropicSim.start(0, SimConfig.defaults().withWorkspaces(9, 3));
        client = new SimApiClient(sim);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void list_withoutArchived_byDefault() {
        JsonNode body = json(client.get(PATH, SimKeys.ORG_A_ADMIN_KEY));

        List<String> expected = sim.workspaces(SimKeys.ORG_A_ID).stream()
                .filter(workspace -> !workspace.archived())
                .map(SimWorkspace::id)
                .toList();
        assertThat(ids(body)).isEqualTo(expected).hasSize(6);
        assertThat(body.get("has_more").asBoolean()).isFalse();
        assertThat(body.get("first_id").asText()).isEqualTo(expected.get(0));
        assertThat(body.get("last_id").asText()).isEqualTo(expected.get(5));
        JsonNode first = body.at("/data/0");
        assertThat(first.get("type").asText()).isEqualTo("workspace");
        assertThat(first.get("id").asText()).matches("wrkspc_01[0-9A-Za-z]{22}");
        assertThat(first.get("name").asText()).hasSizeBetween(1, 40);
        assertThat(first.get("created_at").asText()).endsWith("Z");
        assertThat(first.get("archived_at").isNull()).isTrue();
        assertThat(first.get("display_color").asText()).matches("#[0-9A-F]{6}");
    }

    @Test
    void afterId_pagesThroughEveryWorkspaceOnce() {
        for (boolean includeArchived : List.of(false, true)) {
            List<String> seen = new ArrayList<>();
            String after = null;
            boolean hasMore;
            do {
                JsonNode body = json(client.get(
                        PATH + "?limit=2&include_archived=" + includeArchived
                                + (after == null ? "" : "&after_id=" + after),
                        SimKeys.ORG_A_ADMIN_KEY));
                seen.addAll(ids(body));
                after = body.get("last_id").asText();
                hasMore = body.get("has_more").asBoolean();
            } while (hasMore);

            List<String> expected = sim.workspaces(SimKeys.ORG_A_ID).stream()
                    .filter(workspace -> includeArchived || !workspace.archived())
                    .map(SimWorkspace::id)
                    .toList();
            assertThat(seen).as("include_archived=" + includeArchived).isEqualTo(expected);
        }
    }

    @Test
    void includeArchived_listsArchivedWorkspacesWithArchiveTime() {
        JsonNode body = json(client.get(PATH + "?include_archived=true&limit=1000", SimKeys.ORG_A_ADMIN_KEY));

        assertThat(body.get("data")).hasSize(9);
        List<JsonNode> archived = new ArrayList<>();
        body.get("data").forEach(workspace -> {
            if (!workspace.get("archived_at").isNull()) {
                archived.add(workspace);
            }
        });
        assertThat(archived).hasSize(3);
    }

    @Test
    void beforeId_returnsThePrecedingPage() {
        List<String> all =
                sim.workspaces(SimKeys.ORG_A_ID).stream().map(SimWorkspace::id).toList();

        JsonNode body = json(
                client.get(PATH + "?include_archived=true&limit=2&before_id=" + all.get(5), SimKeys.ORG_A_ADMIN_KEY));

        assertThat(ids(body)).containsExactly(all.get(3), all.get(4));
        assertThat(body.get("has_more").asBoolean()).isTrue();
    }

    @Test
    void organizations_haveDifferentWorkspaces() {
        JsonNode a = json(client.get(PATH, SimKeys.ORG_A_ADMIN_KEY));
        JsonNode b = json(client.get(PATH, SimKeys.ORG_B_ADMIN_KEY));

        assertThat(ids(a)).doesNotContainAnyElementsOf(ids(b));
    }

    @Test
    void badParameters_areInvalidRequest() {
        for (String query : List.of(
                "?limit=0",
                "?limit=1001",
                "?include_archived=maybe",
                "?after_id=wrkspc_unknown",
                "?after_id=a&before_id=b")) {
            assertInvalidRequest(client.get(PATH + query, SimKeys.ORG_A_ADMIN_KEY));
        }
    }

    @Test
    void emptyPage_hasNullCursors() {
        String last = sim.workspaces(SimKeys.ORG_A_ID).get(8).id();

        JsonNode body = json(client.get(PATH + "?include_archived=true&after_id=" + last, SimKeys.ORG_A_ADMIN_KEY));

        assertThat(body.get("data")).isEmpty();
        assertThat(body.get("first_id").isNull()).isTrue();
        assertThat(body.get("last_id").isNull()).isTrue();
        assertThat(body.get("has_more").asBoolean()).isFalse();
    }

    @Test
    void limit_defaultsToTwentyAndManyWorkspacesKeepCreationOrder() {
        try (AnthropicSim large = AnthropicSim.start(0, SimConfig.defaults().withWorkspaces(1000, 100))) {
            JsonNode body = json(new SimApiClient(large).get(PATH, SimKeys.ORG_A_ADMIN_KEY));
            JsonNode all = json(
                    new SimApiClient(large).get(PATH + "?limit=1000&include_archived=true", SimKeys.ORG_A_ADMIN_KEY));

            assertThat(body.get("data")).hasSize(20);
            assertThat(body.get("has_more").asBoolean()).isTrue();
            assertThat(all.get("data")).hasSize(1000);
            assertThat(all.get("has_more").asBoolean()).isFalse();
            List<String> created = new ArrayList<>();
            all.get("data")
                    .forEach(
                            workspace -> created.add(workspace.get("created_at").asText()));
            assertThat(created).isSorted().allSatisfy(time -> assertThat(time).startsWith("2025-"));
        }
    }

    private static List<String> ids(JsonNode body) {
        List<String> ids = new ArrayList<>();
        body.get("data").forEach(workspace -> ids.add(workspace.get("id").asText()));
        return ids;
    }
}
