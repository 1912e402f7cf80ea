package finora.admin.settings;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Connect a provider: the Provider dropdown, the Admin API Key field with the expected prefix as
 * helper text, and Save; under it which key to paste, and what a connection covers and what the key
 * is used for (in the server's words). The key is checked by the server; its verdict shows under the
 * field, and a success says when the data arrives.
 */
public class ApiKeyForm extends Composite<VerticalLayout> {

    private final Select<ProviderOption> provider = new Select<>();
    private final KeyEntry entry;
    private final Paragraph keyHelp = new Paragraph();
    private final Paragraph coverage = new Paragraph();
    private final Paragraph result = new Paragraph();

    /**
     * @param providers the server's catalog, in display order
     * @param connect starts the server's check of a key for a provider
     * @param onConnected runs after a connection was stored, e.g. to reload the list
     */
    ApiKeyForm(
            List<ProviderOption> providers,
            BiFunction<AiProvider, String, CompletableFuture<ProviderConnection>> connect,
            Consumer<ProviderConnection> onConnected) {
        entry = new KeyEntry(
                "Admin API Key",
                "Save",
                key -> connect.apply(provider.getValue().provider(), key),
                connection -> {
                    result.setText(
                            "Connected " + connection.organizationName() + " (key " + connection.keyHint()
                                    + "). Its spend arrives with the next refresh, which starts now; the list below shows its progress.");
                    result.setVisible(true);
                    onConnected.accept(connection);
                });
        entry.field().setId("admin-api-key");
        entry.save().setId("save-key");
        result.setId("connect-result");
        result.setVisible(false);
        result.addClassName("success-line");
        keyHelp.addClassName("quiet-small-line");
        coverage.setId("key-coverage");
        coverage.addClassName("coverage-callout");

        provider.setId("provider");
        provider.setLabel("Provider");
        provider.setItems(providers);
        provider.setItemLabelGenerator(ProviderOption::displayName);
        provider.setEmptySelectionAllowed(false);
        provider.addValueChangeListener(e -> describe(e.getValue()));
        if (!providers.isEmpty()) {
            provider.setValue(providers.get(0));
        }
        entry.field().addValueChangeListener(e -> {
            if (!e.getValue().isEmpty()) {
                result.setVisible(false);
            }
        });

        HorizontalLayout row = new HorizontalLayout(provider, entry.field(), entry.save());
        row.setWidthFull();
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        row.setFlexGrow(1, entry.field());
        VerticalLayout layout = getContent();
        layout.setPadding(false);
        layout.setSpacing(false);
        layout.add(row, keyHelp, coverage, result);
    }

    private void describe(ProviderOption option) {
        if (option == null) {
            entry.field().setHelperText(null);
            keyHelp.setText("");
            coverage.setVisible(false);
            return;
        }
        entry.field().setHelperText("Starts with " + option.keyPrefix());
        entry.field().setPlaceholder(option.keyPrefix() + "…");
        keyHelp.setText(option.keyHelp());
        coverage.setText(option.coverage());
        coverage.setVisible(!option.coverage().isBlank());
    }

    Select<ProviderOption> provider() {
        return provider;
    }

    KeyEntry entry() {
        return entry;
    }

    Paragraph result() {
        return result;
    }

    Paragraph coverage() {
        return coverage;
    }
}
