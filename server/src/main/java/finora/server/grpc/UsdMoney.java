package finora.server.grpc;

import com.google.type.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Exact conversion of USD amounts (NUMERIC in the database) to {@code google.type.Money}; budgets use it too. */
public final class UsdMoney {
    private static final BigDecimal BILLION = BigDecimal.valueOf(1_000_000_000L);

    private UsdMoney() {}

    /**
     * USD with up to 9 decimals (Money's nanos), exactly; a null amount is zero. Stored amounts keep
     * whatever scale Anthropic sent; a finer one (more than 7 decimals of a cent) is rounded half-even
     * to the nano here only, and stays exact in the database and in exports.
     */
    public static Money of(BigDecimal usd) {
        BigDecimal amount = usd == null ? BigDecimal.ZERO : usd;
        if (amount.scale() > 9) {
            amount = amount.setScale(9, RoundingMode.HALF_EVEN);
        }
        BigDecimal units = amount.setScale(0, RoundingMode.DOWN);
        int nanos = amount.subtract(units).multiply(BILLION).intValueExact();
        return Money.newBuilder()
                .setCurrencyCode("USD")
                .setUnits(units.longValueExact())
                .setNanos(nanos)
                .build();
    }

    /** Back to a BigDecimal (tests and projections). */
    public static BigDecimal toBigDecimal(Money money) {
        return BigDecimal.valueOf(money.getUnits())
                .add(BigDecimal.valueOf(money.getNanos(), 9))
                .stripTrailingZeros();
    }
}
