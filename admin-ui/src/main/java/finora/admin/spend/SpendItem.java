package finora.admin.spend;

import java.math.BigDecimal;

/**
 * A name and its spend, for top lists.
 *
 * @param key model id, or workspace id ("default" for the Default workspace)
 * @param displayName name for people
 * @param amount USD in the range
 */
public record SpendItem(String key, String displayName, BigDecimal amount) {}
