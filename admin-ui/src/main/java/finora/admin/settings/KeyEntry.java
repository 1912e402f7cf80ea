package finora.admin.settings;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.data.value.ValueChangeMode;
import finora.admin.grpc.FinoraCallException;
import finora.admin.grpc.NotAuthenticatedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A password field for an Admin API key and its Save button, shared by the connect form and the
 * Update dialog. Save is disabled while the field is empty; while the server checks the key it is
 * disabled and reads "Checking…"; the server's error appears under the field in its own words. Once
 * the server has answered, the field is empty again: a refused key does not linger in the browser.
 */
final class KeyEntry {

    static final String CHECKING = "Checking…";
    static final String UNEXPECTED =
            "The key could not be checked. Try again; if it persists, check the admin UI's log.";

    private static final Logger log = LoggerFactory.getLogger(KeyEntry.class);

    private final PasswordField field;
    private final Button save;
    private final String saveText;
    private final Function<String, CompletableFuture<ProviderConnection>> check;
    private final Consumer<ProviderConnection> onSaved;
    private boolean busy;

    /**
     * @param check starts the server's check of a key; called on the request thread
     * @param onSaved runs on the UI after the server stored the key
     */
    KeyEntry(
            String label,
            String saveText,
            Function<String, CompletableFuture<ProviderConnection>> check,
            Consumer<ProviderConnection> onSaved) {
        this.field = new PasswordField(label);
        this.save = new Button(saveText);
        this.saveText = saveText;
        this.check = check;
        this.onSaved = onSaved;

        field.setWidthFull();
        field.setValueChangeMode(ValueChangeMode.EAGER);
        // The server decides what a good key is; the field shows its verdict and nothing of its own.
        field.setManualValidation(true);
        field.setAutocomplete(com.vaadin.flow.component.textfield.Autocomplete.OFF);
        field.addValueChangeListener(e -> {
            field.setInvalid(false);
            updateSaveState();
        });
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickListener(e -> submit());
        updateSaveState();
    }

    PasswordField field() {
        return field;
    }

    Button save() {
        return save;
    }

    boolean isBusy() {
        return busy;
    }

    private void submit() {
        String key = field.getValue();
        if (busy || key == null || key.isBlank()) {
            return;
        }
        setBusy(true);
        UI ui = UI.getCurrent();
        CompletableFuture<ProviderConnection> pending;
        try {
            pending = check.apply(key);
        } catch (RuntimeException e) {
            setBusy(false);
            throw e;
        }
        pending.whenComplete((connection, failure) -> ui.access(() -> finish(connection, failure)));
    }

    private void finish(ProviderConnection connection, Throwable failure) {
        setBusy(false);
        // Saved or refused, the secret leaves the page: a refused key is pasted again, not kept in the browser.
        field.clear();
        if (failure == null) {
            onSaved.accept(connection);
            return;
        }
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof NotAuthenticatedException rejected) {
            throw rejected; // the session's error handler sends the user to sign in again
        }
        if (cause instanceof FinoraCallException call) {
            showError(call.getMessage());
        } else {
            log.error("Unexpected failure while checking a key", cause);
            showError(UNEXPECTED);
        }
    }

    void showError(String message) {
        field.setErrorMessage(message);
        field.setInvalid(true);
    }

    private void setBusy(boolean busy) {
        this.busy = busy;
        field.setReadOnly(busy);
        save.setText(busy ? CHECKING : saveText);
        updateSaveState();
    }

    private void updateSaveState() {
        String value = field.getValue();
        save.setEnabled(!busy && value != null && !value.isBlank());
    }
}
