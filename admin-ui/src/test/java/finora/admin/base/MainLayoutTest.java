package finora.admin.base;

import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.spring.security.AuthenticationContext;
import finora.admin.MockVaadinExtension;
import finora.admin.grpc.FakeFinoraServer;
import finora.admin.grpc.ServerHealthClient;
import finora.admin.security.FinoraAuthentication;
import finora.admin.security.Role;
import finora.admin.security.Session;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.security.core.context.SecurityContextHolder;

class MainLayoutTest {

    @RegisterExtension
    final FakeFinoraServer server = new FakeFinoraServer();

    @RegisterExtension
    final MockVaadinExtension ui = new MockVaadinExtension();

    private final ManagedChannel channel = server.channel();
    private MainLayout layout;

    @BeforeEach
    void setUp() {
        server.setHealth(ServingStatus.SERVING);
        SecurityContextHolder.getContext()
                .setAuthentication(new FinoraAuthentication(new Session(
                        "fin_sess_secret",
                        "Acme Analytics",
                        Role.ADMIN,
                        "ada@example.com",
                        Instant.now().plusSeconds(3600))));
        layout = new MainLayout(new AuthenticationContext(), new ServerHealthClient(channel, Duration.ofSeconds(2)));
        UI.getCurrent().add(layout);
    }

    @Test
    void drawer_hasSpendBudgetsAndSettingsEntries() {
        assertThat(_find(SideNavItem.class))
                .extracting(SideNavItem::getLabel, SideNavItem::getPath)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Spend", "spend"),
                        org.assertj.core.groups.Tuple.tuple("Budgets", "budgets"),
                        org.assertj.core.groups.Tuple.tuple("Settings", "settings"));
    }

    @Test
    void spendEntry_isAlsoTheStartPage() {
        assertThat(_get(SideNavItem.class, spec -> spec.withPredicate(item -> "Spend".equals(item.getLabel())))
                        .getPathAliases())
                .containsExactly("");
    }

    @Test
    void drawer_showsAppTitle() {
        assertThat(_get(H1.class).getText()).isEqualTo("Finora Spend");
    }

    @Test
    void drawer_showsUserAndTenant_butNeverTheToken() {
        assertThat(_find(Span.class)).extracting(Span::getText).contains("ada@example.com", "Acme Analytics · Admin");
        assertThat(layout.getElement().getOuterHTML()).doesNotContain("fin_sess_secret");
    }

    @Test
    void drawer_hasLogoutButton() {
        assertThat(_get(Button.class, spec -> spec.withText("Logout")).isEnabled())
                .isTrue();
    }

    @Test
    void drawer_showsServerHealth() {
        assertThat(layout.serverHealth().text()).isEqualTo("Server online");
    }
}
