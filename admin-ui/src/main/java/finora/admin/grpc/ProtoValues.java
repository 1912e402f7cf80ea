package finora.admin.grpc;

import com.google.protobuf.Timestamp;
import com.google.type.Date;
import com.google.type.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;

/** Proto value types to and from the plain Java values the views use. */
public final class ProtoValues {

    private ProtoValues() {}

    public static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    public static LocalDate date(Date d) {
        return LocalDate.of(d.getYear(), d.getMonth(), d.getDay());
    }

    public static Date date(LocalDate d) {
        return Date.newBuilder()
                .setYear(d.getYear())
                .setMonth(d.getMonthValue())
                .setDay(d.getDayOfMonth())
                .build();
    }

    /** USD exactly: units plus nanos, never through a double. */
    public static BigDecimal usd(Money money) {
        return BigDecimal.valueOf(money.getUnits())
                .add(BigDecimal.valueOf(money.getNanos(), 9))
                .stripTrailingZeros();
    }

    /** USD as Money: whole dollars in units, the rest in nanos (same sign), at most 9 decimals. */
    public static Money money(BigDecimal amount) {
        BigDecimal scaled = amount.setScale(9, RoundingMode.HALF_UP);
        BigDecimal units = scaled.setScale(0, RoundingMode.DOWN);
        return Money.newBuilder()
                .setCurrencyCode("USD")
                .setUnits(units.longValueExact())
                .setNanos(scaled.subtract(units).movePointRight(9).intValueExact())
                .build();
    }
}
