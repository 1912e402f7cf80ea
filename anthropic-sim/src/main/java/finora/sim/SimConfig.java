package finora.sim;

import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Knobs of the generated data. The same configuration always yields the same workspaces and amounts.
 *
 * @param seed               seed of all generated data; every organization derives its own stream from it
 * @param workspaces         workspaces per organization besides the Default workspace, archived ones included
 * @param archivedWorkspaces how many of them are archived
 * @param models             models that carry token cost
 * @param rowsPerDay         cost rows per non-empty day at the finest grain (capped by the distinct combinations)
 * @param emptyDayPercent    share of days, 0–100, with no cost at all
 * @param clock              "now" of the simulator: request timestamps and the default {@code ending_at}
 */
public record SimConfig(
        long seed,
        int workspaces,
        int archivedWorkspaces,
        List<SimModel> models,
        int rowsPerDay,
        int emptyDayPercent,
        Clock clock) {

    /** Seed of {@link #defaults()}. */
    public static final long DEFAULT_SEED = 20261101L;

    /** Checks the components; see the record description. */
    public SimConfig {
        if (workspaces < 0 || archivedWorkspaces < 0 || archivedWorkspaces > workspaces) {
            throw new IllegalArgumentException("need 0 <= archivedWorkspaces <= workspaces");
        }
        if (workspaces > 1000) {
            throw new IllegalArgumentException("at most 1000 workspaces");
        }
        models = List.copyOf(models);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("at least one model");
        }
        if (rowsPerDay < 1) {
            throw new IllegalArgumentException("rowsPerDay must be at least 1");
        }
        if (emptyDayPercent < 0 || emptyDayPercent > 100) {
            throw new IllegalArgumentException("emptyDayPercent must be within 0..100");
        }
        Objects.requireNonNull(clock, "clock");
    }

    /** Six workspaces (two archived), {@link SimModel#DEFAULTS}, 40 rows a day, 5 % empty days, system UTC clock. */
    public static SimConfig defaults() {
        return new SimConfig(DEFAULT_SEED, 6, 2, SimModel.DEFAULTS, 40, 5, Clock.systemUTC());
    }

    /** This configuration with another seed. */
    public SimConfig withSeed(long newSeed) {
        return new SimConfig(newSeed, workspaces, archivedWorkspaces, models, rowsPerDay, emptyDayPercent, clock);
    }

    /** This configuration with {@code total} workspaces per organization, {@code archived} of them archived. */
    public SimConfig withWorkspaces(int total, int archived) {
        return new SimConfig(seed, total, archived, models, rowsPerDay, emptyDayPercent, clock);
    }

    /** This configuration with other models. */
    public SimConfig withModels(List<SimModel> newModels) {
        return new SimConfig(seed, workspaces, archivedWorkspaces, newModels, rowsPerDay, emptyDayPercent, clock);
    }

    /** This configuration with another number of rows per non-empty day. */
    public SimConfig withRowsPerDay(int rows) {
        return new SimConfig(seed, workspaces, archivedWorkspaces, models, rows, emptyDayPercent, clock);
    }

    /** This configuration with another share of empty days. */
    public SimConfig withEmptyDayPercent(int percent) {
        return new SimConfig(seed, workspaces, archivedWorkspaces, models, rowsPerDay, percent, clock);
    }

    /** This configuration with another clock. */
    public SimConfig withClock(Clock newClock) {
        return new SimConfig(seed, workspaces, archivedWorkspaces, models, rowsPerDay, emptyDayPercent, newClock);
    }
}
