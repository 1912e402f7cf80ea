package finora.server.cost;

import static finora.db.jooq.Tables.PRICE;

import finora.server.cost.PriceBook.Key;
import finora.server.cost.PriceBook.Price;
import java.util.List;
import org.jooq.DSLContext;

/** The {@code price} table (V8), read whole: it holds hundreds of rows. */
final class PriceRepository {
    private PriceRepository() {}

    /** Every version of every price. */
    static List<Price> all(DSLContext dsl) {
        return dsl.selectFrom(PRICE).fetch(r -> {
            Key key = new Key(
                    r.getProvider(),
                    r.getModel(),
                    r.getTokenType(),
                    r.getServiceTier(),
                    r.getContextWindow(),
                    r.getSpeed());
            return new Price(r.getPriceId(), key, r.getUsdPerMillion(), r.getPricingUnit(), r.getEffectiveFrom());
        });
    }
}
