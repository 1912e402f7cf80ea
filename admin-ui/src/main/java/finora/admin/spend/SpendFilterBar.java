package finora.admin.spend;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.select.Select;
import finora.admin.security.CurrentSession;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The Spend page's filter bar: a range (a preset or two UTC days, at most two years, ending yesterday
 * at the latest) and filters by model family, model, workspace, API key, user and product. The last
 * three show only where the data has values for them. Every change that leaves a valid selection calls
 * the page back to load it.
 */
final class SpendFilterBar extends Composite<FlexLayout> {

    static final int MAX_RANGE_DAYS = 731;

    private final CostClient client;
    private final CurrentSession session;
    private final Supplier<LocalDate> yesterday;
    private final Runnable changed;

    private final Select<RangePreset> preset = new Select<>();
    private final DatePicker from = new DatePicker("From");
    private final DatePicker to = new DatePicker("To");
    private final MultiSelectComboBox<String> families = new MultiSelectComboBox<>("Model family");
    private final MultiSelectComboBox<String> models = new MultiSelectComboBox<>("Model");
    private final MultiSelectComboBox<TagOption> workspaces = new MultiSelectComboBox<>("Workspace");
    private final MultiSelectComboBox<TagOption> apiKeys = new MultiSelectComboBox<>("API key");
    private final MultiSelectComboBox<TagOption> actors = new MultiSelectComboBox<>("User");
    private final MultiSelectComboBox<TagOption> products = new MultiSelectComboBox<>("Product");
    private final MultiSelectComboBox<finora.admin.settings.AiProvider> providers =
            new MultiSelectComboBox<>("Provider");
    private boolean updating;

    /**
     * @param yesterday the last day a range may end on (the last closed UTC day)
     * @param changed loads the page for the selection now on screen
     * @param trailing shown at the end of the bar (the downloads)
     */
    SpendFilterBar(
            CostClient client,
            CurrentSession session,
            Supplier<LocalDate> yesterday,
            Runnable changed,
            Component trailing) {
        this.client = client;
        this.session = session;
        this.yesterday = yesterday;
        this.changed = changed;

        preset.setId("range-preset");
        preset.setLabel("Range");
        preset.setItems(RangePreset.values());
        preset.setItemLabelGenerator(RangePreset::label);
        preset.addValueChangeListener(e -> {
            if (!updating && e.getValue() != null && e.getValue() != RangePreset.CUSTOM) {
                choose(e.getValue());
            }
        });
        DatePicker.DatePickerI18n i18n =
                new DatePicker.DatePickerI18n().setDateFormat("yyyy-MM-dd").setFirstDayOfWeek(1);
        for (DatePicker picker : List.of(from, to)) {
            picker.setI18n(i18n);
            picker.setMax(yesterday.get());
            picker.addClassName("range-day");
            picker.setHelperText("UTC");
            picker.addValueChangeListener(e -> {
                if (!updating && e.isFromClient()) {
                    customRangeChanged();
                }
            });
        }
        from.setId("range-from");
        to.setId("range-to");

        families.setId("filter-family");
        models.setId("filter-model");
        workspaces.setId("filter-workspace");
        workspaces.setItemLabelGenerator(TagOption::displayName);
        workspaces.setItems(client.tagValues(session.token(), CostClient.WORKSPACE_TAG));
        analyticsFilter(apiKeys, "filter-api-key", CostClient.API_KEY_TAG);
        analyticsFilter(actors, "filter-user", CostClient.ACTOR_TAG);
        analyticsFilter(products, "filter-product", CostClient.PRODUCT_TAG);
        providers.setId("filter-provider");
        providers.setItemLabelGenerator(finora.admin.settings.AiProvider::displayName);
        providers.setItems(finora.admin.settings.AiProvider.values());
        for (MultiSelectComboBox<?> filter :
                List.of(providers, families, models, workspaces, apiKeys, actors, products)) {
            filter.setClearButtonVisible(true);
            filter.addClassName("spend-filter");
            filter.addValueChangeListener(e -> {
                if (!updating) {
                    changed.run();
                }
            });
        }

        FlexLayout bar = getContent();
        bar.add(preset, from, to, providers, families, models, workspaces, apiKeys, actors, products, trailing);
        bar.addClassName("spend-filter-bar");
        bar.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        bar.setAlignItems(FlexComponent.Alignment.BASELINE);
        bar.setWidthFull();
    }

    /** A filter by a tag only the Cost Analytics API fills; hidden while the data has no value for it. */
    private void analyticsFilter(MultiSelectComboBox<TagOption> box, String id, String tagKey) {
        box.setId(id);
        box.setItemLabelGenerator(TagOption::displayName);
        List<TagOption> options = client.tagValues(session.token(), tagKey);
        box.setItems(options);
        box.setVisible(!options.isEmpty());
    }

    /** Picks a preset: its range goes into the pickers and the page loads. */
    void choose(RangePreset choice) {
        DateRange range = choice.range(yesterday.get());
        updating = true;
        try {
            preset.setValue(choice);
            from.setValue(range.start());
            to.setValue(range.end());
            from.setInvalid(false);
            to.setInvalid(false);
        } finally {
            updating = false;
        }
        rangeChanged();
    }

    /** Sets a custom range, as a user picking both days would. */
    void chooseCustom(LocalDate start, LocalDate end) {
        updating = true;
        try {
            from.setValue(start);
            to.setValue(end);
        } finally {
            updating = false;
        }
        customRangeChanged();
    }

    private void customRangeChanged() {
        updating = true;
        try {
            preset.setValue(RangePreset.CUSTOM);
        } finally {
            updating = false;
        }
        LocalDate start = from.getValue();
        LocalDate end = to.getValue();
        from.setInvalid(false);
        to.setInvalid(false);
        if (start == null || end == null) {
            return;
        }
        if (end.isBefore(start)) {
            to.setErrorMessage("Pick a day on or after " + start);
            to.setInvalid(true);
            return;
        }
        if (new DateRange(start, end).days() > MAX_RANGE_DAYS) {
            to.setErrorMessage("At most " + MAX_RANGE_DAYS + " days (2 years)");
            to.setInvalid(true);
            return;
        }
        rangeChanged();
    }

    private void rangeChanged() {
        loadFilterOptions();
        changed.run();
    }

    /** The range on screen, or null while the custom range is incomplete or invalid. */
    DateRange range() {
        LocalDate start = from.getValue();
        LocalDate end = to.getValue();
        return start == null || end == null || end.isBefore(start) ? null : new DateRange(start, end);
    }

    CostFilters filters() {
        return new CostFilters(
                List.copyOf(families.getSelectedItems()),
                List.copyOf(models.getSelectedItems()),
                values(workspaces),
                values(apiKeys),
                values(actors),
                values(products),
                List.copyOf(providers.getSelectedItems()));
    }

    private static List<String> values(MultiSelectComboBox<TagOption> tag) {
        return tag.getSelectedItems().stream().map(TagOption::value).toList();
    }

    /** Model families and models that have spend in the range, for the filter lists. */
    private void loadFilterOptions() {
        DateRange range = range();
        if (range == null) {
            return;
        }
        CostQuery query = new CostQuery(
                range,
                List.of(CostGrouping.MODEL_FAMILY, CostGrouping.MODEL),
                CostFilters.NONE,
                CostOrdering.AMOUNT_DESC);
        Set<String> familyOptions = new TreeSet<>();
        Set<String> modelOptions = new LinkedHashSet<>();
        for (CostLine line : client.queryAll(session.token(), query)) {
            if (!line.modelFamily().isEmpty()) {
                familyOptions.add(line.modelFamily());
            }
            if (!line.model().isEmpty()) {
                modelOptions.add(line.model());
            }
        }
        updating = true;
        try {
            keepSelected(families, familyOptions);
            keepSelected(models, modelOptions);
        } finally {
            updating = false;
        }
    }

    private static void keepSelected(MultiSelectComboBox<String> box, Set<String> options) {
        Set<String> selected = new LinkedHashSet<>(box.getSelectedItems());
        Set<String> items = new LinkedHashSet<>(options);
        items.addAll(selected); // a chosen value stays choosable even if the new range has no spend for it
        box.setItems(items);
        box.select(selected);
    }
}
