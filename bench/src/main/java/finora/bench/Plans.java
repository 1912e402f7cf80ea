package finora.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * EXPLAIN ANALYZE of the grouped reads QueryCosts makes for one tenant and range, each over the detail
 * rollup (where every grouping other than time x family read before V11) and over the rollup it reads
 * now (family, or the narrow per-dimension rollup). The SQL has the shape CostRepository renders:
 * rollup left-joined to cost_day (the provisional flag), grouped, with the total and the group count as
 * window aggregates, ordered and paged.
 */
final class Plans {
    private Plans() {}

    private record Case(String name, String groupBy, String select, String narrowDimension) {}

    private static final List<Case> CASES = List.of(
            new Case("day x family", "r.day, r.model_family", "r.day, r.model_family", null),
            new Case("day x workspace", "r.day, r.workspace_id", "r.day, r.workspace_id", "workspace"),
            new Case(
                    "model",
                    "r.model, r.model_family, r.model_version",
                    "r.model, r.model_family, r.model_version",
                    "model"),
            new Case(
                    "month x family",
                    "cast(date_trunc('month', r.day) as date), r.model_family",
                    "cast(date_trunc('month', r.day) as date), r.model_family",
                    null),
            new Case(
                    "week", "cast(date_trunc('week', r.day) as date)", "cast(date_trunc('week', r.day) as date)", null),
            new Case("api key", "r.api_key_id", "r.api_key_id", "api_key"));

    static void print(PrintStream out, Connection c, UUID tenant, LocalDate start, LocalDate end) throws SQLException {
        out.printf("%nEXPLAIN (ANALYZE, BUFFERS), tenant 0, %s to %s, no filter:%n", start, end);
        out.printf("%-16s | %-22s | %12s | %10s | %10s%n", "grouping", "reads", "rows read", "buffers", "exec ms");
        for (Case k : CASES) {
            run(out, c, k, "detail rollup", "cost_rollup_detail r", "", tenant, start, end, false);
            if (k.narrowDimension() == null) {
                run(out, c, k, "family rollup (now)", "cost_rollup_family r", "", tenant, start, end, true);
            } else {
                String sel = k.select()
                        .replace("r.workspace_id", "r.value")
                        .replace("r.api_key_id", "r.value")
                        .replace("r.model,", "r.value,");
                String grp = k.groupBy()
                        .replace("r.workspace_id", "r.value")
                        .replace("r.api_key_id", "r.value")
                        .replace("r.model,", "r.value,");
                run(
                        out,
                        c,
                        new Case(k.name(), grp, sel, k.narrowDimension()),
                        "narrow rollup (now)",
                        "cost_rollup_dim r",
                        " and r.dimension = '" + k.narrowDimension() + "'",
                        tenant,
                        start,
                        end,
                        true);
            }
        }
    }

    private static void run(
            PrintStream out,
            Connection c,
            Case k,
            String label,
            String from,
            String extra,
            UUID tenant,
            LocalDate start,
            LocalDate end,
            boolean full)
            throws SQLException {
        String groupBy = k.groupBy();
        String sql = "EXPLAIN (ANALYZE, BUFFERS) select " + k.select() + ", coalesce(sum(r.amount_usd), 0) as amount, "
                + "bool_or(d.status is distinct from 'FINAL') as provisional, "
                + "sum(coalesce(sum(r.amount_usd), 0)) over () as total, count(*) over () as total_rows "
                + "from " + from + " left join cost_day d on d.ledger_id = r.ledger_id and d.day = r.day "
                + "where r.tenant_id = ? and r.day between ? and ?" + extra
                + " group by " + groupBy + " order by amount desc offset 0 rows fetch next 100 rows only";
        List<String> plan = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, tenant);
            st.setObject(2, start);
            st.setObject(3, end);
            st.executeQuery().close(); // warm
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    plan.add(rs.getString(1));
                }
            }
        }
        long rowsRead = 0;
        String buffers = "";
        String exec = "";
        for (String line : plan) {
            if ((line.contains("Scan on cost_rollup") || line.contains("Scan using cost_rollup"))
                    && !line.contains("Bitmap Index Scan")) { // its rows are the heap scan's above it
                var m = java.util.regex.Pattern.compile("actual time=[^ ]+ rows=(\\d+)")
                        .matcher(line);
                if (m.find()) {
                    rowsRead += Long.parseLong(m.group(1));
                }
            }
            if (buffers.isEmpty() && line.trim().startsWith("Buffers:")) {
                buffers = line.trim().substring("Buffers: ".length());
            }
            if (line.startsWith("Execution Time")) {
                exec = line.substring("Execution Time: ".length()).replace(" ms", "");
            }
        }
        out.printf(
                "%-16s | %-22s | %,12d | %10s | %10s%n",
                k.name(),
                label,
                rowsRead,
                buffers.replace("shared hit=", "hit ").split(" read")[0],
                exec);
        if (full) {
            plan.forEach(l -> out.println("    " + l));
        }
    }
}
