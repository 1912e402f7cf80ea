package finora.admin.base;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Footer;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Header;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.Scroller;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.AfterNavigationEvent;
import com.vaadin.flow.router.AfterNavigationObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.spring.security.AuthenticationContext;
import finora.admin.grpc.ServerHealthClient;
import finora.admin.security.FinoraUser;
import finora.admin.security.Role;
import jakarta.annotation.security.PermitAll;
import java.util.Set;

/**
 * The frame around every signed-in view: a drawer with the app title, the navigation (Spend,
 * Budgets, Settings), the signed-in user and tenant, the server's health and a Logout button.
 *
 * <p>Since Vaadin 25 a layout needs an access annotation of its own: without one, every view inside it
 * is denied.
 */
@PermitAll
public class MainLayout extends AppLayout implements AfterNavigationObserver {

    private final H2 viewTitle = new H2();
    private final ServerHealthIndicator serverHealth;

    public MainLayout(AuthenticationContext authentication, ServerHealthClient serverHealthClient) {
        this.serverHealth = new ServerHealthIndicator(serverHealthClient);
        setPrimarySection(Section.DRAWER);

        viewTitle.addClassName("view-title");
        addToNavbar(true, new DrawerToggle(), viewTitle);

        H1 appName = new H1("Finora Spend");
        appName.addClassName("app-name");
        addToDrawer(new Header(appName), new Scroller(navigation()), footer(authentication));
    }

    private static SideNav navigation() {
        SideNav nav = new SideNav();
        SideNavItem spend = new SideNavItem("Spend", "spend", VaadinIcon.CHART.create());
        spend.setPathAliases(Set.of("")); // the start page after sign-in
        nav.addItem(spend);
        nav.addItem(new SideNavItem("Budgets", "budgets", VaadinIcon.PIGGY_BANK.create()));
        nav.addItem(new SideNavItem("Settings", "settings", VaadinIcon.COG.create()));
        return nav;
    }

    private Footer footer(AuthenticationContext authentication) {
        VerticalLayout box = new VerticalLayout();
        box.setSpacing(false);
        box.setPadding(true);
        box.setAlignItems(FlexComponent.Alignment.START);
        authentication.getAuthenticatedUser(FinoraUser.class).ifPresent(user -> {
            Span email = new Span(user.email());
            email.addClassName("strong");
            Span tenant = new Span(user.tenantName() + " · " + (user.role() == Role.ADMIN ? "Admin" : "Reader"));
            tenant.addClassName("quiet-small");
            box.add(new Div(email), new Div(tenant));
        });
        Button logout = new Button("Logout", VaadinIcon.SIGN_OUT.create(), click -> authentication.logout());
        logout.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        box.add(serverHealth, logout);
        return new Footer(box);
    }

    /** The health indicator in the drawer. */
    public ServerHealthIndicator serverHealth() {
        return serverHealth;
    }

    @Override
    public void afterNavigation(AfterNavigationEvent event) {
        viewTitle.setText(titleOf(getContent()));
    }

    private static String titleOf(Component view) {
        if (view == null) {
            return "";
        }
        PageTitle title = view.getClass().getAnnotation(PageTitle.class);
        return title == null ? "" : title.value();
    }
}
