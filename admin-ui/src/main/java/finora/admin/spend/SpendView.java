package finora.admin.spend;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteAlias;
import finora.admin.base.MainLayout;
import jakarta.annotation.security.PermitAll;

/** The spend dashboard; the start page after sign-in. */
@Route(value = "spend", layout = MainLayout.class)
@RouteAlias(value = "", layout = MainLayout.class)
@PageTitle("Spend")
@PermitAll
public class SpendView extends VerticalLayout {

  public SpendView() {
    // TODO(#6): date range, filters, totals, daily chart by model family, grids and CSV export.
    add(new H2("Spend"),
        new Paragraph("Spend dashboards arrive with the cost queries: totals, a daily chart by model family "
            + "and breakdowns by model and workspace."));
  }
}
