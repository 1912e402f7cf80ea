package finora.admin.spend;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.util.Locale;

/** How the dashboard writes US dollars: "$1,234.57", rounded half up to the cent. */
public final class Usd {

    private Usd() {}

    public static String format(BigDecimal amount) {
        NumberFormat format = NumberFormat.getCurrencyInstance(Locale.US);
        format.setRoundingMode(RoundingMode.HALF_UP);
        return format.format(amount == null ? BigDecimal.ZERO : amount.setScale(2, RoundingMode.HALF_UP));
    }

    /**
     * A change with its sign, "+$12.34" or "−$14.68" (a true minus sign); a change smaller than half a
     * cent keeps its exact digits ("+$0.0042"), so a real correction never reads as "$0.00".
     */
    public static String signed(BigDecimal change) {
        String sign = change.signum() < 0 ? "\u2212" : "+";
        BigDecimal magnitude = change.abs();
        if (magnitude.signum() != 0
                && magnitude.setScale(2, RoundingMode.HALF_UP).signum() == 0) {
            return sign + "$" + magnitude.stripTrailingZeros().toPlainString();
        }
        return sign + format(magnitude);
    }
}
