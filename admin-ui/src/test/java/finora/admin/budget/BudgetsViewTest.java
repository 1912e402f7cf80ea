package finora.admin.budget;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.BigDecimalField;
import com.vaadin.flow.component.textfield.TextField;
import finora.admin.MockVaadinExtension;
import finora.admin.grpc.FakeBudgetService;
import finora.admin.grpc.FakeCostService;
import finora.admin.grpc.FakeFinoraServer;
import finora.admin.security.CurrentSession;
import finora.admin.security.Role;
import finora.admin.settings.IntegrationClient;
import finora.admin.spend.CostClient;
import finora.admin.spend.ScopeKind;
import finora.admin.spend.TagOption;
import finora.api.v1.Budget;
import finora.api.v1.BudgetPeriod;
import finora.api.v1.Scope;
import io.grpc.ManagedChannel;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BudgetsViewTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

    @RegisterExtension
    final FakeFinoraServer server = new FakeFinoraServer();

    @RegisterExtension
    final MockVaadinExtension ui = new MockVaadinExtension();

    private final ManagedChannel channel = server.channel();
    private final BudgetClient budgets = new BudgetClient(channel, Duration.ofSeconds(5));
    private final CostClient costs = new CostClient(channel, Duration.ofSeconds(5), Duration.ofSeconds(30));
    private final IntegrationClient integrations =
            new IntegrationClient(channel, Duration.ofSeconds(5), Duration.ofSeconds(5));

    private BudgetsView open(Role role) {
        ui.signIn(role, FakeFinoraServer.EMAIL);
        BudgetsView view = new BudgetsView(budgets, costs, integrations, new CurrentSession(), CLOCK);
        UI.getCurrent().add(view);
        return view;
    }

    private String addTenantBudget(String name, long usd) {
        return server.budgets()
                .addBudget(Budget.newBuilder()
                        .setName(name)
                        .setPeriod(BudgetPeriod.BUDGET_PERIOD_MONTHLY)
                        .setAmount(com.google.type.Money.newBuilder()
                                .setCurrencyCode("USD")
                                .setUnits(usd))
                        .setScope(Scope.newBuilder().setKind(finora.api.v1.ScopeKind.SCOPE_KIND_TENANT))
                        .build());
    }

    private static Div card() {
        return _get(Div.class, spec -> spec.withClasses("budget"));
    }

    @Test
    void budget_showsSpentOfAmount_aBarWithThresholdTicks_theForecastAndWhenEachThresholdIsCrossed() {
        addTenantBudget("AI total", 1000);
        open(Role.READER);

        assertThat(_get(card(), Span.class, spec -> spec.withClasses("budget-spent"))
                        .getText())
                .isEqualTo("$850.12 of $1,000.00 spent (85.0 %)");
        assertThat(_get(card(), Span.class, spec -> spec.withClasses("budget-through"))
                        .getText())
                .isEqualTo(" · Nov 1 – Nov 30, 2026, through Nov 24");
        Div fill = _get(card(), Div.class, spec -> spec.withClasses("budget-bar-fill"));
        assertThat(fill.getStyle().get("width")).isEqualTo("85.00%");
        Div bar = _get(card(), Div.class, spec -> spec.withClasses("budget-bar"));
        assertThat(bar.getElement().getAttribute("aria-valuenow")).isEqualTo("85.0");
        assertThat(_find(card(), Span.class, spec -> spec.withClasses("budget-tick-label")))
                .extracting(Span::getText)
                .containsExactly("50 % ✓", "80 % ✓", "100 %");
        assertThat(_get(card(), Div.class, spec -> spec.withClasses("budget-forecast"))
                        .getElement()
                        .getTextRecursively())
                .isEqualTo(
                        "Forecast at period end (Nov 30): $1,062.64 (106.3 %), at $35.42 a day (mean of the last 7 closed days)");
        assertThat(_find(card(), Span.class, spec -> spec.withClasses("budget-threshold")))
                .extracting(s -> s.getElement().getTextRecursively())
                .containsExactly(
                        "50 % ($500.00): crossed Nov 14alert sent",
                        "80 % ($800.00): crossed Nov 22alert sent", "100 % ($1,000.00): forecast Nov 29");
        assertThat(_get(card(), Span.class, spec -> spec.withClasses("budget-scope"))
                        .getText())
                .isEqualTo("All spend");
        assertThat(_get(card(), Span.class, spec -> spec.withClasses("budget-period"))
                        .getText())
                .isEqualTo("Monthly");
    }

    @Test
    void reader_seesBudgetsReadOnly() {
        addTenantBudget("AI total", 1000);
        open(Role.READER);

        assertThat(_find(Button.class, spec -> spec.withId("new-budget"))).isEmpty();
        assertThat(_find(Button.class, spec -> spec.withClasses("edit-budget"))).isEmpty();
        assertThat(_find(Button.class, spec -> spec.withClasses("delete-budget")))
                .isEmpty();
        assertThat(_get(Paragraph.class, spec -> spec.withId("budgets-read-only"))
                        .getText())
                .contains("Admin role");
    }

    @Test
    void noBudgets_saysSo() {
        open(Role.ADMIN);

        assertThat(_get(Paragraph.class, spec -> spec.withId("budgets-empty")).getText())
                .startsWith("No budgets yet");
    }

    @Test
    @SuppressWarnings("unchecked")
    void admin_createsAWorkspaceBudget_pickedFromTheTenantsWorkspaces() {
        open(Role.ADMIN);
        _click(_get(Button.class, spec -> spec.withId("new-budget")));

        _setValue(_get(TextField.class, spec -> spec.withId("budget-name")), "Research");
        _setValue(_get(BigDecimalField.class, spec -> spec.withId("budget-amount")), new BigDecimal("2500"));
        _setValue(_get(Select.class, spec -> spec.withId("budget-scope-kind")), ScopeKind.WORKSPACE);
        ComboBox<TagOption> workspace = _get(ComboBox.class, spec -> spec.withId("budget-workspace"));
        TagOption research = workspace
                .getListDataView()
                .getItems()
                .filter(w -> w.value().equals(FakeCostService.RESEARCH_ID))
                .findFirst()
                .orElseThrow();
        _setValue(workspace, research);
        _setValue(_get(TextField.class, spec -> spec.withId("budget-thresholds")), "75, 90");
        _click(_get(Button.class, spec -> spec.withId("budget-save")));

        assertThat(server.budgets().budgets()).singleElement().satisfies(b -> {
            assertThat(b.getName()).isEqualTo("Research");
            assertThat(b.getAmount().getUnits()).isEqualTo(2500);
            assertThat(b.getScope().getKind()).isEqualTo(finora.api.v1.ScopeKind.SCOPE_KIND_WORKSPACE);
            assertThat(b.getScope().getValue()).isEqualTo(FakeCostService.RESEARCH_ID);
            assertThat(b.getThresholdsPercentList()).containsExactly(75, 90);
        });
        assertThat(_find(TextField.class, spec -> spec.withId("budget-name"))).isEmpty();
        assertThat(_get(card(), Span.class, spec -> spec.withClasses("budget-spent"))
                        .getText())
                .isEqualTo("$850.12 of $2,500.00 spent (34.0 %)");
    }

    @Test
    void serverRefusal_showsNextToTheFieldItNames_inTheServersWords() {
        open(Role.ADMIN);
        _click(_get(Button.class, spec -> spec.withId("new-budget")));
        _setValue(_get(TextField.class, spec -> spec.withId("budget-name")), "Zero");
        _setValue(_get(BigDecimalField.class, spec -> spec.withId("budget-amount")), BigDecimal.ZERO);

        _click(_get(Button.class, spec -> spec.withId("budget-save")));

        BigDecimalField amount = _get(BigDecimalField.class, spec -> spec.withId("budget-amount"));
        assertThat(amount.isInvalid()).isTrue();
        assertThat(amount.getErrorMessage()).isEqualTo(FakeBudgetService.AMOUNT_MESSAGE);
        assertThat(server.budgets().budgets()).isEmpty();

        _setValue(_get(TextField.class, spec -> spec.withId("budget-name")), " ");
        _click(_get(Button.class, spec -> spec.withId("budget-save")));
        TextField name = _get(TextField.class, spec -> spec.withId("budget-name"));
        assertThat(name.isInvalid()).isTrue();
        assertThat(name.getErrorMessage()).isEqualTo(FakeBudgetService.NAME_MESSAGE);
        assertThat(amount.isInvalid()).isFalse();
    }

    @Test
    void admin_editsAndDeletesABudget() {
        String id = addTenantBudget("AI total", 1000);
        open(Role.ADMIN);

        _click(_get(Button.class, spec -> spec.withClasses("edit-budget")));
        TextField name = _get(TextField.class, spec -> spec.withId("budget-name"));
        assertThat(name.getValue()).isEqualTo("AI total");
        assertThat(_get(TextField.class, spec -> spec.withId("budget-thresholds"))
                        .getValue())
                .isEqualTo("50, 80, 100");
        _setValue(name, "AI total 2027");
        _click(_get(Button.class, spec -> spec.withId("budget-save")));
        assertThat(server.budgets().budgets()).singleElement().satisfies(b -> {
            assertThat(b.getBudgetId()).isEqualTo(id);
            assertThat(b.getName()).isEqualTo("AI total 2027");
        });

        _click(_get(Button.class, spec -> spec.withClasses("delete-budget")));
        assertThat(_get(Paragraph.class, spec -> spec.withId("remove-text")).getText())
                .contains("Spend data is not affected");
        _click(_get(Button.class, spec -> spec.withId("remove-confirm")));
        assertThat(server.budgets().budgets()).isEmpty();
        assertThat(_find(Div.class, spec -> spec.withClasses("budget"))).isEmpty();
    }
}
