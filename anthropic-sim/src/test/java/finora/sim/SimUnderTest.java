package finora.sim;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A fresh simulator on a free port for each test, with an HTTP client for it; closed after the test. */
final class SimUnderTest implements BeforeEachCallback, AfterEachCallback {
    private AnthropicSim sim;
    private SimApiClient client;

    @Override
    public void beforeEach(ExtensionContext context) {
        sim = AnthropicSim.start(0);
        client = new SimApiClient(sim);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        sim.close();
    }

    AnthropicSim sim() {
        return sim;
    }

    SimApiClient client() {
        return client;
    }
}
