package finora.admin.base;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;

/**
 * Asks before something is removed and says what removing does and does not delete; the red button
 * ({@code remove-confirm}) removes, Cancel ({@code remove-cancel}) keeps it.
 */
public class ConfirmRemoveDialog extends Dialog {

    /**
     * @param title the question, e.g. "Remove Acme?"
     * @param text what removing deletes and what stays
     * @param confirm the red button's label, e.g. "Remove" or "Delete"
     * @param remove runs after the dialog closed on the red button
     */
    public ConfirmRemoveDialog(String title, String text, String confirm, Runnable remove) {
        setHeaderTitle(title);
        setWidth("32rem");
        Paragraph explanation = new Paragraph(text);
        explanation.setId("remove-text");
        add(explanation);

        Button cancel = new Button("Cancel", e -> close());
        cancel.setId("remove-cancel");
        Button ok = new Button(confirm, e -> {
            close();
            remove.run();
        });
        ok.setId("remove-confirm");
        ok.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
        getFooter().add(cancel, ok);
    }
}
