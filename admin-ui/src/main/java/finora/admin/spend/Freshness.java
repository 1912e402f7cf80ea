package finora.admin.spend;

import java.time.LocalDate;
import java.util.Optional;

/**
 * How recent the stored costs are.
 *
 * @param completeThrough last UTC day stored for every connection, or null when nothing is stored
 * @param finalThrough last UTC day that is final for every connection, or null
 */
public record Freshness(LocalDate completeThrough, LocalDate finalThrough) {

    public Optional<LocalDate> complete() {
        return Optional.ofNullable(completeThrough);
    }

    public Optional<LocalDate> finalDay() {
        return Optional.ofNullable(finalThrough);
    }
}
