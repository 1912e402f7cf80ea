package finora.sim;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One cost row of one UTC day at the finest grain OpenAI's costs endpoint offers
 * ({@code group_by=project_id,line_item}).
 *
 * @param day the UTC day
 * @param projectId {@code proj_…}, or null for cost without a project
 * @param lineItem e.g. {@code gpt-4o-2024-08-06, input}, or {@code Web search tool calls} (no model)
 * @param amountUsd dollars, exact; 10 to 18 decimals in generated data
 * @param quantity how much was used (in {@code quantityUnit}s)
 * @param quantityUnit e.g. {@code tokens}, {@code images}, {@code characters}
 * @param servedAsString true when the API writes this amount as a JSON string ({@code "12.50"}), as
 *     the live API has been seen to, instead of a JSON number
 */
public record OpenAiCostRow(
        LocalDate day,
        String projectId,
        String lineItem,
        BigDecimal amountUsd,
        long quantity,
        String quantityUnit,
        boolean servedAsString) {

    /** Checks the components. */
    public OpenAiCostRow {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(lineItem, "lineItem");
        Objects.requireNonNull(amountUsd, "amountUsd");
    }
}
