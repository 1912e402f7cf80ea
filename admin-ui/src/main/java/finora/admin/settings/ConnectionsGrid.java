package finora.admin.settings;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import finora.admin.base.Badge;
import finora.admin.base.BrowserTime;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The connected providers: provider, organization, key hint, status (with the fix when it needs
 * attention; under it how fine the data is: by API key and user, or by workspace only, and why),
 * last and next refresh with the sync history, a running backfill's progress, and for
 * admins the row actions Update, Refresh now and remove. When the last sync failed, what went wrong
 * shows under the row, across the grid's width.
 */
class ConnectionsGrid extends Composite<Grid<ProviderConnection>> {

    /** What the row buttons do; null for a read-only grid. */
    record Actions(
            Consumer<ProviderConnection> update,
            Consumer<ProviderConnection> refresh,
            Consumer<ProviderConnection> remove) {}

    private final Actions actions;
    private final Consumer<ProviderConnection> showHistory;

    /**
     * @param actions the admins' row buttons, or null for a read-only grid
     * @param showHistory opens a connection's sync history (everyone may read it)
     */
    ConnectionsGrid(Actions actions, Consumer<ProviderConnection> showHistory) {
        this.actions = actions;
        this.showHistory = showHistory;
        Grid<ProviderConnection> grid = getContent();
        grid.setId("connections");
        grid.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT, GridVariant.LUMO_ROW_STRIPES);
        grid.addClassName("small");
        grid.setAllRowsVisible(true);
        grid.addColumn(c -> c.provider().displayName())
                .setKey("provider")
                .setHeader("Provider")
                .setWidth("6.5rem")
                .setFlexGrow(0);
        grid.addColumn(ProviderConnection::organizationName)
                .setKey("organization")
                .setHeader("Organization")
                .setWidth("8rem")
                .setFlexGrow(1);
        grid.addColumn(ProviderConnection::keyHint)
                .setKey("key")
                .setHeader("Key")
                .setWidth("11.5rem")
                .setFlexGrow(0);
        grid.addComponentColumn(c -> new Div(status(c), dataLevel(c)))
                .setKey("status")
                .setHeader("Status")
                .setWidth("10rem")
                .setFlexGrow(2);
        grid.addComponentColumn(this::refreshTimes)
                .setKey("refresh")
                .setHeader("Refresh")
                .setWidth("12.5rem")
                .setFlexGrow(0);
        grid.addComponentColumn(ConnectionsGrid::progress)
                .setKey("data")
                .setHeader("Data")
                .setWidth("8.5rem")
                .setFlexGrow(0);
        if (actions != null) {
            // Fixed widths: auto-width would be measured on the empty grid of a first visit and cut the buttons.
            grid.addComponentColumn(this::rowActions)
                    .setKey("actions")
                    .setHeader("Actions")
                    .setWidth("14.5rem")
                    .setFlexGrow(0)
                    .setTextAlign(ColumnTextAlign.END);
        }
        grid.setItemDetailsRenderer(new ComponentRenderer<>(ConnectionsGrid::failure));
        grid.setDetailsVisibleOnClick(false);
    }

    void show(List<ProviderConnection> connections) {
        Grid<ProviderConnection> grid = getContent();
        grid.setItems(connections);
        connections.forEach(c -> grid.setDetailsVisible(c, failed(c)));
    }

    /** A failed last sync of a connection that still syncs; NEEDS_ATTENTION says the fix in its status. */
    private static boolean failed(ProviderConnection c) {
        return c.state() != ConnectionState.NEEDS_ATTENTION
                && c.lastSyncFailure().isPresent();
    }

    /** The row details: what went wrong in the last sync. */
    static Component failure(ProviderConnection c) {
        Div failure = new Div();
        failure.addClassName("last-sync-error");
        failure.addClassName("connection-failure");
        c.lastSyncFailure()
                .ifPresent(
                        detail -> failure.setText(
                                "Last sync failed: " + detail
                                        + (detail.matches(".*[.!?]$") ? "" : ".")
                                        + " Sync history shows each run and, where Anthropic answered, its request id for Anthropic support."));
        return failure;
    }

    Grid<ProviderConnection> grid() {
        return getContent();
    }

    /** Last and next refresh, one above the other, and the way to the sync history. */
    private Component refreshTimes(ProviderConnection c) {
        Div last = new Div("Last: " + lastRefresh(c));
        last.addClassName("last-refresh");
        Div next = new Div("Next: " + (c.nextSyncTime() == null ? "stopped" : time(c.nextSyncTime())));
        next.addClassName("next-refresh");
        next.addClassName("quiet");
        Button history = new Button("Sync history", e -> showHistory.accept(c));
        history.addClassName("sync-history");
        history.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY_INLINE);
        history.setAriaLabel("Sync history of " + c.organizationName());
        return new Div(last, next, history);
    }

    /** A time of a sync or check, in the browser's zone with UTC beside it: the server syncs UTC days. */
    static String time(Instant time) {
        return BrowserTime.format(time, BrowserTime.SHORT);
    }

    static String lastRefresh(ProviderConnection c) {
        if (c.lastSyncTime() == null) {
            return "Not yet";
        }
        String when = time(c.lastSyncTime());
        return c.lastSyncResult() == SyncResult.FAILED ? when + " (failed)" : when;
    }

    static Component status(ProviderConnection c) {
        Div box = new Div();
        if (c.state() == ConnectionState.NEEDS_ATTENTION) {
            box.add(badge("Needs attention", Badge.Tone.ERROR));
            if (!c.statusDetail().isBlank()) {
                Div detail = new Div(c.statusDetail());
                detail.addClassName("status-detail");
                box.add(detail);
            }
            return box; // the fix above covers why the last sync failed
        }
        box.add(c.progress() != null ? badge("Syncing", Badge.Tone.PRIMARY) : badge("Active", Badge.Tone.SUCCESS));
        if (failed(c)) {
            Span failedBadge = badge("Sync failed", Badge.Tone.ERROR);
            failedBadge.addClassName("space-above");
            box.add(new Div(failedBadge)); // the detail is under the row
        }
        return box;
    }

    static Component progress(ProviderConnection c) {
        if (c.progress() != null) {
            ProgressBar bar = new ProgressBar(0, 1, c.progress().fraction());
            bar.setWidth("8rem");
            Span text = new Span(c.progress().daysDone() + " of " + c.progress().daysTotal() + " days");
            text.addClassName("sync-progress");
            text.addClassName("small");
            Div box = new Div(bar, text);
            return box;
        }
        Span through = new Span(c.completeThrough() == null ? "No days stored yet" : "Through " + c.completeThrough());
        through.addClassName("complete-through");
        return through;
    }

    /**
     * How fine the connection's data is: by API key and user (Anthropic's Cost Analytics API answers),
     * by workspace (only the legacy cost report; with the server's reason) or not checked yet; and when
     * it was checked.
     */
    static Component dataLevel(ProviderConnection c) {
        Div box = new Div();
        box.addClassName("data-level");
        box.addClassName("space-above");
        Span level = switch (c.dataLevel()) {
            case API_KEY_AND_USER -> Badge.of("By API key and user", Badge.Tone.SUCCESS, "data-level-badge");
            case WORKSPACE -> Badge.of("By workspace", Badge.Tone.WARNING, "data-level-badge");
            case NOT_CHECKED -> {
                Span unchecked = new Span("Data level not checked yet");
                unchecked.addClassName("data-level-badge");
                unchecked.addClassName("quiet");
                yield unchecked;
            }
        };
        level.getElement()
                .setAttribute(
                        "title",
                        switch (c.dataLevel()) {
                            case API_KEY_AND_USER ->
                                "Anthropic's Cost Analytics API answers: spend by API key, user and product, "
                                        + "list prices and today so far";
                            case WORKSPACE ->
                                "Only Anthropic's legacy cost report answers: spend by workspace and model";
                            case NOT_CHECKED -> "Checked at the next sync";
                        });
        box.add(level);
        if (c.dataLevel() == DataLevel.WORKSPACE && !c.dataLevelDetail().isBlank()) {
            Div detail = new Div(c.dataLevelDetail());
            detail.addClassName("data-level-detail");
            detail.addClassName("quiet-tiny");
            box.add(detail);
        }
        if (c.dataLevelCheckTime() != null) {
            Div checked = new Div("Checked " + time(c.dataLevelCheckTime()));
            checked.addClassName("data-level-checked");
            checked.addClassName("quiet-tiny");
            box.add(checked);
        }
        return box;
    }

    private Component rowActions(ProviderConnection c) {
        Button update = new Button("Update", e -> actions.update().accept(c));
        update.addClassName("update-key");
        Button refresh = new Button("Refresh now", e -> actions.refresh().accept(c));
        refresh.addClassName("refresh-now");
        Button remove =
                new Button(VaadinIcon.TRASH.create(), e -> actions.remove().accept(c));
        remove.addClassName("remove-connection");
        remove.addThemeVariants(ButtonVariant.LUMO_ERROR);
        remove.setAriaLabel("Remove " + c.organizationName());
        remove.setTooltipText("Remove");
        for (Button b : List.of(update, refresh, remove)) {
            b.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        }
        HorizontalLayout row = new HorizontalLayout(update, refresh, remove);
        row.setSpacing(false);
        return row;
    }

    static Span badge(String text, Badge.Tone tone) {
        return Badge.of(text, tone, "status-badge");
    }
}
