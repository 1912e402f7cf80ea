package finora.admin.settings;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import finora.admin.grpc.ProviderConnection;

/** Asks before a connection is removed, and says what removing does and does not delete. */
class RemoveConnectionDialog extends Dialog {

  RemoveConnectionDialog(ProviderConnection connection, Runnable remove) {
    setHeaderTitle("Remove " + connection.organizationName() + "?");
    setWidth("32rem");
    Paragraph text = new Paragraph("Finora deletes the stored credential (" + connection.keyHint()
        + ") and stops refreshing this organization's spend. Its spend history stays in your charts and exports.");
    text.setId("remove-text");
    add(text);

    Button cancel = new Button("Cancel", e -> close());
    cancel.setId("remove-cancel");
    Button confirm = new Button("Remove", e -> {
      close();
      remove.run();
    });
    confirm.setId("remove-confirm");
    confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
    getFooter().add(cancel, confirm);
  }
}
