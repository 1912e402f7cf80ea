package finora.admin.spend;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * An inclusive range of UTC calendar days.
 *
 * @param start first day
 * @param end last day, not before {@code start}
 */
public record DateRange(LocalDate start, LocalDate end) {

    public DateRange {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("end " + end + " is before start " + start);
        }
    }

    /** Number of days, both ends included. */
    public long days() {
        return ChronoUnit.DAYS.between(start, end) + 1;
    }
}
