package finora.admin.spend;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.util.Locale;

/** How the dashboard writes US dollars: "$1,234.57", rounded half up to the cent. */
final class Usd {

  private Usd() {}

  static String format(BigDecimal amount) {
    NumberFormat format = NumberFormat.getCurrencyInstance(Locale.US);
    format.setRoundingMode(RoundingMode.HALF_UP);
    return format.format(amount == null ? BigDecimal.ZERO : amount.setScale(2, RoundingMode.HALF_UP));
  }
}
