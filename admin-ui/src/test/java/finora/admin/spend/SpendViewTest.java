package finora.admin.spend;

import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.H2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SpendViewTest {

  @BeforeEach
  void setUp() {
    MockVaadin.setup();
    UI.getCurrent().add(new SpendView());
  }

  @AfterEach
  void tearDown() {
    MockVaadin.tearDown();
  }

  @Test
  void spend_showsItsHeading() {
    assertThat(_get(H2.class).getText()).isEqualTo("Spend");
  }
}
