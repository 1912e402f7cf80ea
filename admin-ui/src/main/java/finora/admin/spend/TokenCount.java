package finora.admin.spend;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Token counts for people: 950, 12.3 K, 4.56 M, 1.2 B. */
final class TokenCount {
    private TokenCount() {}

    static String format(long tokens) {
        if (tokens < 1_000) {
            return Long.toString(tokens);
        }
        String[] units = {"K", "M", "B", "T"};
        BigDecimal value = BigDecimal.valueOf(tokens);
        int unit = -1;
        while (value.compareTo(BigDecimal.valueOf(1_000)) >= 0 && unit < units.length - 1) {
            value = value.movePointLeft(3);
            unit++;
        }
        int scale = value.compareTo(BigDecimal.TEN) < 0 ? 2 : value.compareTo(BigDecimal.valueOf(100)) < 0 ? 1 : 0;
        return value.setScale(scale, RoundingMode.HALF_EVEN)
                        .stripTrailingZeros()
                        .toPlainString() + " " + units[unit];
    }
}
