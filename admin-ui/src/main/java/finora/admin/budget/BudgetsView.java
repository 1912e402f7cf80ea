package finora.admin.budget;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import finora.admin.base.ConfirmRemoveDialog;
import finora.admin.base.MainLayout;
import finora.admin.security.CurrentSession;
import finora.admin.security.FinoraUser;
import finora.admin.security.Role;
import finora.admin.settings.IntegrationClient;
import finora.admin.spend.CostClient;
import finora.admin.spend.CostFilters;
import finora.admin.spend.CostGrouping;
import finora.admin.spend.CostLine;
import finora.admin.spend.CostOrdering;
import finora.admin.spend.CostQuery;
import finora.admin.spend.DateRange;
import jakarta.annotation.security.PermitAll;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * The tenant's budgets: per budget its period and scope, spent of the amount as a bar with the
 * thresholds marked, the forecast at period end and the day each threshold was or will be crossed,
 * and which alerts went out. Admins create, edit and delete budgets; readers see them.
 */
@Route(value = "budgets", layout = MainLayout.class)
@PageTitle("Budgets")
@PermitAll
public class BudgetsView extends VerticalLayout {

    /** How far back the model-family picker looks for families with spend. */
    static final int FAMILY_LOOKBACK_DAYS = 365;

    private final BudgetClient budgets;
    private final CostClient costs;
    private final IntegrationClient integrations;
    private final Clock clock;
    private final String token;
    private final boolean admin;
    private final Div list = new Div();
    private final Paragraph empty = new Paragraph();

    public BudgetsView(
            BudgetClient budgets,
            CostClient costs,
            IntegrationClient integrations,
            CurrentSession session,
            Clock clock) {
        this.budgets = budgets;
        this.costs = costs;
        this.integrations = integrations;
        this.clock = clock;
        this.token = session.token();
        this.admin = session.user().map(FinoraUser::role).orElse(Role.READER) == Role.ADMIN;
        setWidthFull();

        HorizontalLayout title = new HorizontalLayout(new H2("Budgets"));
        title.setAlignItems(FlexComponent.Alignment.BASELINE);
        title.setWidthFull();
        title.addClassName("readable-width");
        if (admin) {
            Button create = new Button("New budget", VaadinIcon.PLUS.create(), e -> openDialog(null));
            create.setId("new-budget");
            create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            Div spacer = new Div();
            title.add(spacer, create);
            title.setFlexGrow(1, spacer);
        }
        Paragraph help = new Paragraph("Spend per calendar month or quarter (UTC) against an amount, counted on closed "
                + "days after every refresh; the forecast adds the mean of the last 7 days for each day left. Each "
                + "threshold alerts your notification channels once per period.");
        help.addClassName("help");
        add(title, help);
        if (!admin) {
            Paragraph note = new Paragraph(
                    "You have read-only access: creating, changing and deleting budgets needs the " + "Admin role.");
            note.setId("budgets-read-only");
            note.addClassName("quiet-line");
            add(note);
        }
        list.setId("budgets");
        list.setWidthFull();
        list.addClassName("budget-list");
        empty.setId("budgets-empty");
        empty.addClassName("quiet");
        add(list, empty);
        reload();
    }

    /** Loads the budgets and their state again. */
    void reload() {
        List<Budget> all = budgets.budgets(token);
        list.removeAll();
        BudgetCard.Actions actions = admin ? new BudgetCard.Actions(this::openDialog, this::confirmDelete) : null;
        all.forEach(b -> list.add(new BudgetCard(b, actions)));
        empty.setText(admin ? "No budgets yet. Create one to be alerted before the money is gone." : "No budgets yet.");
        empty.setVisible(all.isEmpty());
    }

    private void openDialog(Budget existing) {
        new BudgetDialog(
                        existing,
                        scopeOptions(),
                        spec -> existing == null
                                ? budgets.create(token, spec)
                                : budgets.update(token, existing.id(), spec),
                        saved -> {
                            Notification.show(
                                            "Budget \"" + saved.spec().name() + "\" saved.",
                                            4000,
                                            Notification.Position.BOTTOM_CENTER)
                                    .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
                            reload();
                        })
                .open();
    }

    private void confirmDelete(Budget budget) {
        new ConfirmRemoveDialog(
                        "Delete " + budget.spec().name() + "?",
                        "Finora deletes the budget and the record of "
                                + "which thresholds alerted this period. Spend data is not affected.",
                        "Delete",
                        () -> {
                            budgets.delete(token, budget.id());
                            Notification.show(
                                            "Budget \"" + budget.spec().name() + "\" deleted.",
                                            4000,
                                            Notification.Position.BOTTOM_CENTER)
                                    .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
                            reload();
                        })
                .open();
    }

    /** Providers, workspaces and model families with spend in the last year, for the scope pickers. */
    private ScopeOptions scopeOptions() {
        LocalDate yesterday =
                LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1);
        CostQuery families = new CostQuery(
                new DateRange(yesterday.minusDays(FAMILY_LOOKBACK_DAYS - 1), yesterday),
                List.of(CostGrouping.MODEL_FAMILY),
                CostFilters.NONE,
                CostOrdering.AMOUNT_DESC);
        List<String> familyNames = costs.query(token, families, 100, "").rows().stream()
                .map(CostLine::modelFamily)
                .filter(Objects::nonNull)
                .filter(f -> !f.isBlank())
                .distinct()
                .toList();
        return new ScopeOptions(
                integrations.providers(token), costs.tagValues(token, CostClient.WORKSPACE_TAG), familyNames);
    }
}
