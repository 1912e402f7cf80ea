package finora.admin.budget;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.BigDecimalField;
import com.vaadin.flow.component.textfield.TextField;
import finora.admin.base.FieldErrors;
import finora.admin.grpc.FinoraCallException;
import finora.admin.settings.ProviderOption;
import finora.admin.spend.ScopeKind;
import finora.admin.spend.SpendScope;
import finora.admin.spend.TagOption;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Creates or edits a budget: name, monthly or quarterly, the amount in USD, the scope (all spend, a
 * provider, a workspace or a model family, picked from the tenant's own values) and the thresholds in
 * percent. The server checks everything; its refusal shows next to the field it names, in its words.
 */
class BudgetDialog extends Dialog {

    static final String DEFAULT_THRESHOLDS = "50, 80, 100";

    private final TextField name = new TextField("Name");
    private final Select<BudgetPeriod> period = new Select<>();
    private final BigDecimalField amount = new BigDecimalField("Amount (USD)");
    private final Select<ScopeKind> scopeKind = new Select<>();
    private final Select<ProviderOption> provider = new Select<>();
    private final ComboBox<TagOption> workspace = new ComboBox<>("Workspace");
    private final ComboBox<String> family = new ComboBox<>("Model family");
    private final TextField thresholds = new TextField("Thresholds (%)");
    private final Paragraph error = new Paragraph();
    private final FieldErrors errors = new FieldErrors(error);
    private final Button save;
    private final Function<BudgetSpec, Budget> store;
    private final Consumer<Budget> onSaved;

    /**
     * @param existing the budget to edit, or null for a new one
     * @param options what the scope pickers offer
     * @param store sends the budget to the server; throws {@link FinoraCallException} when it refuses
     * @param onSaved runs after the server stored it
     */
    BudgetDialog(Budget existing, ScopeOptions options, Function<BudgetSpec, Budget> store, Consumer<Budget> onSaved) {
        this.store = store;
        this.onSaved = onSaved;
        setHeaderTitle(
                existing == null ? "New budget" : "Edit " + existing.spec().name());
        setWidth("40rem");

        name.setId("budget-name");
        name.setRequiredIndicatorVisible(true);
        name.setMaxLength(200);
        period.setId("budget-period");
        period.setLabel("Period");
        period.setItems(BudgetPeriod.values());
        period.setItemLabelGenerator(
                p -> p.label() + (p == BudgetPeriod.MONTHLY ? " (calendar month, UTC)" : " (calendar quarter, UTC)"));
        period.setValue(BudgetPeriod.MONTHLY);
        amount.setId("budget-amount");
        amount.setPrefixComponent(new Div("$"));
        amount.setRequiredIndicatorVisible(true);
        scopeKind.setId("budget-scope-kind");
        scopeKind.setLabel("Scope");
        scopeKind.setItems(ScopeKind.values());
        scopeKind.setItemLabelGenerator(ScopeKind::label);
        scopeKind.setValue(ScopeKind.TENANT);
        provider.setId("budget-provider");
        provider.setLabel("Provider");
        provider.setItems(options.providers());
        provider.setItemLabelGenerator(ProviderOption::displayName);
        if (!options.providers().isEmpty()) {
            provider.setValue(options.providers().get(0));
        }
        workspace.setId("budget-workspace");
        workspace.setItems(options.workspaces());
        workspace.setItemLabelGenerator(TagOption::displayName);
        family.setId("budget-family");
        family.setItems(options.modelFamilies());
        family.setAllowCustomValue(true);
        family.addCustomValueSetListener(e -> family.setValue(e.getDetail()));
        family.setHelperText("A family with spend, or type another");
        thresholds.setId("budget-thresholds");
        thresholds.setValue(DEFAULT_THRESHOLDS);
        thresholds.setHelperText("Alerts at these percents of the amount, each once per period");
        error.setId("budget-error");

        errors.bind("name", name)
                .bind("period", period)
                .bind("amount", amount)
                .bind("scope", scopeKind)
                .bind("scope.provider", provider)
                .bind("scope.value", workspace)
                .bind("thresholds_percent", thresholds);
        scopeKind.addValueChangeListener(e -> showScopeValue());

        if (existing != null) {
            fill(existing, options);
        }
        showScopeValue();

        FormLayout form = new FormLayout(name, period, amount, scopeKind, provider, workspace, family, thresholds);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("30rem", 2));
        form.setColspan(name, 2);
        form.setColspan(thresholds, 2);
        add(error, form);

        Button cancel = new Button("Cancel", e -> close());
        cancel.setId("budget-cancel");
        save = new Button(existing == null ? "Create" : "Save", e -> submit());
        save.setId("budget-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        getFooter().add(cancel, save);
    }

    private void fill(Budget existing, ScopeOptions options) {
        BudgetSpec spec = existing.spec();
        name.setValue(spec.name());
        period.setValue(spec.period());
        amount.setValue(spec.amount());
        scopeKind.setValue(spec.scope().kind());
        thresholds.setValue(
                spec.thresholdsPercent().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        switch (spec.scope().kind()) {
            case PROVIDER ->
                options.providers().stream()
                        .filter(p -> p.provider() == spec.scope().provider())
                        .findFirst()
                        .ifPresent(provider::setValue);
            case WORKSPACE -> {
                TagOption current = options.workspaces().stream()
                        .filter(w -> w.value().equals(spec.scope().value()))
                        .findFirst()
                        .orElseGet(() ->
                                new TagOption(spec.scope().value(), spec.scope().displayName()));
                if (!options.workspaces().contains(current)) {
                    List<TagOption> items = new ArrayList<>(options.workspaces());
                    items.add(current); // a workspace without spend lately stays choosable
                    workspace.setItems(items);
                }
                workspace.setValue(current);
            }
            case MODEL_FAMILY -> {
                if (!options.modelFamilies().contains(spec.scope().value())) {
                    List<String> items = new ArrayList<>(options.modelFamilies());
                    items.add(spec.scope().value());
                    family.setItems(items);
                }
                family.setValue(spec.scope().value());
            }
            case TENANT -> {}
        }
    }

    /** Only the picker of the chosen scope shows, and the server's "scope.value" goes next to it. */
    private void showScopeValue() {
        ScopeKind kind = scopeKind.getValue();
        provider.setVisible(kind == ScopeKind.PROVIDER);
        workspace.setVisible(kind == ScopeKind.WORKSPACE);
        family.setVisible(kind == ScopeKind.MODEL_FAMILY);
        errors.bind("scope.value", kind == ScopeKind.MODEL_FAMILY ? family : workspace);
    }

    private void submit() {
        errors.clear();
        BudgetSpec spec = spec();
        if (spec == null) {
            return;
        }
        Budget saved;
        try {
            saved = store.apply(spec);
        } catch (FinoraCallException e) {
            errors.show(e);
            return;
        }
        close();
        onSaved.accept(saved);
    }

    /** The budget on screen, or null after showing what is missing (the server checks the rest). */
    private BudgetSpec spec() {
        BigDecimal usd = amount.getValue();
        if (usd == null) {
            errors.show("amount", "Enter the amount in USD, e.g. 1000");
            return null;
        }
        List<Integer> percents;
        try {
            percents = thresholds.getValue().isBlank()
                    ? List.of()
                    : Arrays.stream(thresholds.getValue().split("[,;\\s]+"))
                            .filter(s -> !s.isBlank())
                            .map(s -> Integer.parseInt(s.replace("%", "").strip()))
                            .toList();
        } catch (NumberFormatException e) {
            errors.show("thresholds_percent", "Whole percents separated by commas, e.g. " + DEFAULT_THRESHOLDS);
            return null;
        }
        ScopeKind kind = scopeKind.getValue() == null ? ScopeKind.TENANT : scopeKind.getValue();
        SpendScope scope = switch (kind) {
            case TENANT -> SpendScope.TENANT;
            case PROVIDER ->
                new SpendScope(
                        kind,
                        provider.getValue() == null ? null : provider.getValue().provider(),
                        "",
                        "");
            case WORKSPACE ->
                new SpendScope(
                        kind,
                        null,
                        workspace.getValue() == null ? "" : workspace.getValue().value(),
                        "");
            case MODEL_FAMILY ->
                new SpendScope(
                        kind,
                        null,
                        family.getValue() == null ? "" : family.getValue().strip(),
                        "");
        };
        if (kind == ScopeKind.WORKSPACE && workspace.getValue() == null) {
            errors.show("scope.value", "Choose a workspace");
            return null;
        }
        if (kind == ScopeKind.MODEL_FAMILY && scope.value().isEmpty()) {
            errors.show("scope.value", "Choose or type a model family");
            return null;
        }
        return new BudgetSpec(name.getValue().strip(), period.getValue(), usd, scope, percents);
    }

    TextField name() {
        return name;
    }

    BigDecimalField amount() {
        return amount;
    }

    Select<ScopeKind> scopeKind() {
        return scopeKind;
    }

    ComboBox<TagOption> workspace() {
        return workspace;
    }

    ComboBox<String> family() {
        return family;
    }

    TextField thresholds() {
        return thresholds;
    }

    Paragraph error() {
        return error;
    }

    Button save() {
        return save;
    }
}
