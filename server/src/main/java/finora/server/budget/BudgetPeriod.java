package finora.server.budget;

import java.time.LocalDate;

/** Calendar periods of a budget, in UTC days. */
enum BudgetPeriod {
    /** A calendar month. */
    MONTHLY,
    /** A calendar quarter. */
    QUARTERLY;

    /** First day of the period that holds {@code day}. */
    LocalDate start(LocalDate day) {
        return switch (this) {
            case MONTHLY -> day.withDayOfMonth(1);
            case QUARTERLY -> LocalDate.of(day.getYear(), ((day.getMonthValue() - 1) / 3) * 3 + 1, 1);
        };
    }

    /** Last day of the period that holds {@code day}. */
    LocalDate end(LocalDate day) {
        return start(day).plusMonths(this == MONTHLY ? 1 : 3).minusDays(1);
    }
}
