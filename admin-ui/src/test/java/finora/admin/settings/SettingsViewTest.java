package finora.admin.settings;

import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.tabs.Tab;
import com.vaadin.flow.component.tabs.TabSheet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SettingsViewTest {

  @BeforeEach
  void setUp() {
    MockVaadin.setup();
    UI.getCurrent().add(new SettingsView());
  }

  @AfterEach
  void tearDown() {
    MockVaadin.tearDown();
  }

  @Test
  void settings_opensOnTheApiKeysTab() {
    TabSheet tabs = _get(TabSheet.class);

    Tab selected = tabs.getSelectedTab();
    assertThat(selected.getLabel()).isEqualTo("API Keys");
    assertThat(_get(H3.class).getText()).isEqualTo("API Keys");
  }
}
