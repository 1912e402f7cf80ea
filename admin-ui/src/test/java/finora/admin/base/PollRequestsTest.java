package finora.admin.base;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.Registration;
import finora.admin.MockVaadinExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PollRequestsTest {

    @RegisterExtension
    final MockVaadinExtension ui = new MockVaadinExtension();

    @Test
    void theShortestRequestWins_whateverTheOrder() {
        UI ui = UI.getCurrent();

        Registration list = PollRequests.request(ui, Duration.ofSeconds(5));
        Registration health = PollRequests.request(ui, Duration.ofSeconds(30));

        assertThat(ui.getPollInterval()).isEqualTo(5_000);
        list.remove();
        assertThat(ui.getPollInterval()).isEqualTo(30_000);
        health.remove();
        assertThat(ui.getPollInterval()).isEqualTo(-1);
    }

    @Test
    void equalRequests_areRemovedOneByOne() {
        UI ui = UI.getCurrent();
        Registration first = PollRequests.request(ui, Duration.ofMillis(100));
        PollRequests.request(ui, Duration.ofMillis(100));

        first.remove();

        assertThat(ui.getPollInterval()).isEqualTo(100);
    }
}
