package finora.admin.settings;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import finora.admin.base.Badge;
import java.util.List;

/**
 * A connection's recent syncs, newest first: when, which days, the outcome, whether it re-checked
 * final days, and for a failed run what went wrong with Anthropic's request id and message, which
 * Anthropic support asks for.
 */
class SyncHistoryDialog extends Dialog {

    static final String SUPPORT_HINT = "Quote this request id to Anthropic support";

    SyncHistoryDialog(ProviderConnection connection, List<SyncRun> runs) {
        setHeaderTitle("Sync history of " + connection.organizationName());
        setWidth("44rem");
        Div list = new Div();
        list.setId("sync-runs");
        if (runs.isEmpty()) {
            Paragraph none = new Paragraph("No sync has run yet.");
            none.addClassName("no-sync-runs");
            list.add(none);
        }
        runs.forEach(run -> list.add(entry(run)));
        add(list);
        Button close = new Button("Close", e -> close());
        close.setId("sync-history-close");
        getFooter().add(close);
    }

    private static Component entry(SyncRun run) {
        Div entry = new Div();
        entry.addClassName("sync-run");
        Span when = new Span(
                ConnectionsGrid.time(run.startTime()) + " · days " + run.windowStart() + " to " + run.windowEnd());
        when.addClassName("sync-run-when");
        Div headline = new Div(when, outcome(run));
        if (run.reconciliation() != Reconciliation.NONE) {
            Span recheck = new Span(
                    switch (run.reconciliation()) {
                        case DAILY -> " · re-checked the last 35 days";
                        case MONTHLY -> " · re-checked last month";
                        case NONE -> "";
                    });
            recheck.addClassName("quiet");
            headline.add(recheck);
        }
        entry.add(headline);
        if (run.outcome() == SyncRunOutcome.SUCCEEDED) {
            entry.add(line(String.format("%,d cost line items stored", run.rows()), "run-rows", false));
        }
        if (!run.errorDetail().isBlank()) {
            entry.add(line(run.errorDetail(), "run-error", true));
        }
        if (!run.providerRequestId().isBlank()) {
            Span id = new Span(run.providerRequestId());
            id.addClassName("provider-request-id");
            id.addClassName("request-id");
            Div support = new Div(new Span("Anthropic request id: "), id, new Span(" — " + SUPPORT_HINT + "."));
            support.addClassName("run-support");
            support.addClassName("small");
            entry.add(support);
        }
        if (!run.providerErrorMessage().isBlank()) {
            entry.add(line("Anthropic said: " + run.providerErrorMessage(), "provider-error-message", false));
        }
        return entry;
    }

    private static Span outcome(SyncRun run) {
        return switch (run.outcome()) {
            case SUCCEEDED -> Badge.of("Succeeded", Badge.Tone.SUCCESS, "run-outcome");
            case FAILED ->
                Badge.of(
                        run.errorReason().isBlank() ? "Failed" : "Failed: " + run.errorReason(),
                        Badge.Tone.ERROR,
                        "run-outcome");
            case RUNNING -> Badge.of("Running", Badge.Tone.PRIMARY, "run-outcome");
        };
    }

    private static Div line(String text, String className, boolean error) {
        Div line = new Div(text);
        line.addClassName(className);
        line.addClassName(error ? "run-line-error" : "run-line");
        return line;
    }
}
