package finora.admin.settings;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Rotate a connection's key: paste a new Admin API key of the same organization. The server checks
 * it first; until it is saved the old key keeps working, and a refused key leaves everything as it
 * was, with the server's words under the field.
 */
class UpdateKeyDialog extends Dialog {

    private final KeyEntry entry;

    /**
     * @param update starts the server's check and swap for (connection id, new key)
     * @param onUpdated runs after the new key was stored
     */
    UpdateKeyDialog(
            ProviderConnection connection,
            String keyPrefix,
            BiFunction<String, String, CompletableFuture<ProviderConnection>> update,
            Consumer<ProviderConnection> onUpdated) {
        setHeaderTitle("Update the key of " + connection.organizationName());
        setWidth("36rem");
        entry = new KeyEntry("New Admin API Key", "Save", key -> update.apply(connection.id(), key), updated -> {
            close();
            onUpdated.accept(updated);
        });
        entry.field().setId("new-admin-api-key");
        entry.field().setHelperText("Starts with " + keyPrefix + "; must belong to " + connection.organizationName());
        entry.save().setId("update-save");
        Paragraph explanation = new Paragraph("The current key (" + connection.keyHint() + ") keeps working until "
                + "the new one is checked and saved.");
        explanation.addClassName("no-top-margin");
        add(explanation, entry.field());

        Button cancel = new Button("Cancel", e -> close());
        cancel.setId("update-cancel");
        getFooter().add(cancel, entry.save());
    }

    KeyEntry entry() {
        return entry;
    }
}
