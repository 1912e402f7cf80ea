package finora.admin.spend;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Today's spend so far (the "nowcast"): a provisional estimate for the current UTC day from hourly
 * buckets, never part of a total; the closed day replaces it tomorrow.
 *
 * @param label the server's label, "today so far, provisional"
 * @param day the current UTC day
 * @param amount USD of the hours fetched so far
 * @param listAmount the same at list price, or null when no hour states one
 * @param hours the hours fetched so far, oldest first
 * @param throughTime end (exclusive) of the last hour included: the estimate covers 00:00 UTC up to here
 * @param fetchTime when Finora last fetched it, or null
 * @param dataRefreshedTime Anthropic's watermark (data after it is incomplete), or null
 */
public record TodaySoFar(
        String label,
        LocalDate day,
        BigDecimal amount,
        BigDecimal listAmount,
        List<Hour> hours,
        Instant throughTime,
        Instant fetchTime,
        Instant dataRefreshedTime) {

    public TodaySoFar {
        hours = List.copyOf(hours);
    }

    /** One UTC hour of the estimate, from {@code start} for 60 minutes. */
    public record Hour(Instant start, BigDecimal amount) {}

    public Optional<Instant> fetched() {
        return Optional.ofNullable(fetchTime);
    }
}
