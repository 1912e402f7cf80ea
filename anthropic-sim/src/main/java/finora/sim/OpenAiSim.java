package finora.sim;

import java.time.LocalDate;
import java.util.List;

/**
 * The OpenAI face of the simulator: OpenAI's organization admin endpoints ({@code
 * /v1/organization/costs}, {@code /v1/organization/projects}) on the same port as the Anthropic ones,
 * over deterministic generated data. Point Finora's {@code FINORA_OPENAI_BASE_URL} at
 * {@link AnthropicSim#baseUrl()}. Faults ({@link AnthropicSim#faults()}, by path) and the request log
 * are shared with the Anthropic face.
 *
 * <pre>{@code
 * OpenAiSim openai = sim.openai();
 * OpenAiTruth truth = openai.truth(OpenAiKeys.ORG_A_ID, start, endExclusive);   // exact USD rows
 * openai.keys().revoke(OpenAiKeys.ORG_A_ADMIN_KEY);                             // 401 from now on
 * openai.restateDay(OpenAiKeys.ORG_A_ID, day);
 * }</pre>
 */
public final class OpenAiSim {
    private final OpenAiData data;
    private final OpenAiKeys keys;

    OpenAiSim(SimConfig config) {
        this.data = new OpenAiData(config);
        data.add(OpenAiKeys.ORG_A_ID, OpenAiKeys.ORG_A_NAME);
        data.add(OpenAiKeys.ORG_B_ID, OpenAiKeys.ORG_B_NAME);
        this.keys = new OpenAiKeys(data::exists);
        keys.addDemoKeys();
    }

    OpenAiData data() {
        return data;
    }

    /** The registered OpenAI keys: revoke them, take a scope away, add more. */
    public OpenAiKeys keys() {
        return keys;
    }

    /** Adds an organization ({@code org-…} id) with generated projects and cost; returns a fresh Admin key. */
    public String addOrganization(String id, String name) {
        data.add(id, name);
        return keys.issueAdminKey(id);
    }

    /** The organization's projects in creation order (the Default project first), archived ones included. */
    public List<OpenAiProject> projects(String organizationId) {
        return data.projects(organizationId);
    }

    /** Every row served for {@code [start, endExclusive)}, exact, restatements included. */
    public OpenAiTruth truth(String organizationId, LocalDate start, LocalDate endExclusive) {
        if (endExclusive.isBefore(start)) {
            throw new IllegalArgumentException("end before start");
        }
        return new OpenAiTruth(start, endExclusive, data.range(organizationId, start, endExclusive));
    }

    /** New amounts for a day with a different total, as a late correction would. */
    public Restatement restateDay(String organizationId, LocalDate day) {
        return data.restate(organizationId, day);
    }

    /** Restatements forgotten, demo keys back to their first state. */
    public void reset() {
        data.clearRestatements();
        keys.resetDemoKeys();
    }
}
