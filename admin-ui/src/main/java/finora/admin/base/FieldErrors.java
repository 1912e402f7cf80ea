package finora.admin.base;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.html.Paragraph;
import finora.admin.grpc.FinoraCallException;
import finora.admin.grpc.NotAuthenticatedException;
import finora.admin.grpc.ServerUnreachableException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shows a refusal of the server next to the field it blamed ({@code ErrorInfo} metadata {@code field}),
 * in the server's words; a refusal that names no field shown here goes into a paragraph above the form.
 * Fields are bound by the server's name for them; a server path such as {@code budget.scope.value}
 * or {@code email.recipients[1]} finds the field bound as {@code scope.value} or {@code email.recipients},
 * and one bound as {@code email.smtp} catches {@code email.smtp.*} unless a closer one is bound.
 */
public final class FieldErrors {

    private final Map<String, HasValidation> fields = new LinkedHashMap<>();
    private final Paragraph general;

    /** @param general where refusals that name no bound field go; hidden while there is none */
    public FieldErrors(Paragraph general) {
        this.general = general;
        general.addClassName("error-line");
        general.setVisible(false);
    }

    /** Binds a field to the server's name for it; the field's own validation stops hiding the server's verdict. */
    public FieldErrors bind(String serverField, HasValidation field) {
        field.setManualValidation(true);
        fields.put(serverField, field);
        return this;
    }

    /** Clears every shown error. */
    public void clear() {
        fields.values().forEach(f -> f.setInvalid(false));
        general.setText("");
        general.setVisible(false);
    }

    /** Shows one error next to a bound field, as if the server had blamed it. */
    public void show(String serverField, String message) {
        HasValidation field = find(serverField);
        if (field == null) {
            general.setText(message);
            general.setVisible(true);
            return;
        }
        field.setErrorMessage(message);
        field.setInvalid(true);
    }

    /**
     * Shows the server's refusal next to the field it named, or above the form. An ended session or
     * an unreachable server is no refusal of the form: those go on to the session's error handler.
     */
    public void show(FinoraCallException e) {
        if (e instanceof NotAuthenticatedException || e instanceof ServerUnreachableException) {
            throw e;
        }
        show(e.field(), e.getMessage());
    }

    private HasValidation find(String serverField) {
        if (serverField == null || serverField.isBlank()) {
            return null;
        }
        String path = serverField.replaceAll("\\[\\d+]", "");
        for (String candidate = path; !candidate.isEmpty(); candidate = parent(candidate)) {
            HasValidation field = fields.get(candidate);
            if (field != null) {
                return field;
            }
        }
        // The path may start with the request message's own name (budget.amount).
        int dot = path.indexOf('.');
        return dot < 0 ? null : find(path.substring(dot + 1));
    }

    private static String parent(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "" : path.substring(0, dot);
    }
}
