package finora.admin.settings;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import finora.admin.base.MainLayout;
import jakarta.annotation.security.PermitAll;

/** Settings of the tenant; for now the API Keys tab, where provider connections are managed. */
@Route(value = "settings", layout = MainLayout.class)
@PageTitle("Settings")
@PermitAll
public class SettingsView extends VerticalLayout {

  public SettingsView() {
    TabSheet tabs = new TabSheet();
    tabs.setWidthFull();
    tabs.add("API Keys", apiKeysTab());
    add(new H2("Settings"), tabs);
  }

  private static VerticalLayout apiKeysTab() {
    // TODO(#6): provider dropdown, Admin API key field and Save; connected providers with Update, Refresh now, remove.
    VerticalLayout tab = new VerticalLayout(
        new H3("API Keys"),
        new Paragraph("Connect an Anthropic organization with an Admin API key (sk-ant-admin01-…). "
            + "Managing connections arrives in a later release."));
    tab.setPadding(false);
    return tab;
  }
}
