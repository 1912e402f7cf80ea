package finora.admin;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.page.ExtendedClientDetails;
import finora.admin.grpc.FakeFinoraServer;
import finora.admin.security.FinoraAuthentication;
import finora.admin.security.Role;
import finora.admin.security.Session;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * A mocked Vaadin UI for each test (Karibu-Testing's MockVaadin), and the user signed in to it. Register
 * it as a field: {@code @RegisterExtension final MockVaadinExtension ui = new MockVaadinExtension();}
 */
public final class MockVaadinExtension implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        MockVaadin.setup();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        SecurityContextHolder.clearContext();
        MockVaadin.tearDown();
    }

    /** Signs in with the fake server's token, as {@code email} with {@code role}, for the next hour. */
    public void signIn(Role role, String email) {
        SecurityContextHolder.getContext()
                .setAuthentication(new FinoraAuthentication(new Session(
                        FakeFinoraServer.TOKEN,
                        FakeFinoraServer.TENANT,
                        role,
                        email,
                        Instant.now().plusSeconds(3600))));
    }

    /** The browser tells the UI its time zone, as a real one does on loading the page. */
    public void browserTimeZone(ZoneId zone) {
        browserTimeZone(zone.getId());
    }

    /** As {@link #browserTimeZone(ZoneId)}, with any id the browser may send. */
    public void browserTimeZone(String zoneId) {
        ExtendedClientDetails.updateFromValues(UI.getCurrent(), key -> "v-tzid".equals(key) ? zoneId : null);
    }
}
