package finora.sim;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The organizations of the simulator with their workspaces and cost. Original days are generated on
 * demand by {@link CostGenerator}; restated or replaced days are kept here and win over the generated ones.
 */
final class SimData {

    private final CostGenerator generator;
    private final Map<String, Organization> organizations = new ConcurrentHashMap<>();
    /** (organization id + day) → text served instead of the first amount of that day. */
    private final Map<String, String> garbledAmounts = new ConcurrentHashMap<>();

    SimData(SimConfig config) {
        this.generator = new CostGenerator(config);
    }

    /** Registers an organization; its workspaces and cost derive from its id. */
    SimOrganization add(SimOrganization organization) {
        long seed = generator.organizationSeed(organization.id());
        List<SimWorkspace> workspaces = generator.workspaces(seed);
        Organization added = new Organization(organization, seed, workspaces, new SimAttribution(seed, workspaces));
        if (organizations.putIfAbsent(organization.id(), added) != null) {
            throw new IllegalStateException("organization already exists: " + organization.id());
        }
        return organization;
    }

    Optional<SimOrganization> organization(String organizationId) {
        return Optional.ofNullable(organizations.get(organizationId)).map(Organization::organization);
    }

    List<SimOrganization> organizations() {
        return organizations.values().stream()
                .map(Organization::organization)
                .sorted(Comparator.comparing(SimOrganization::name).thenComparing(SimOrganization::id))
                .toList();
    }

    List<SimWorkspace> workspaces(String organizationId) {
        return require(organizationId).workspaces();
    }

    /** Keys, users and who incurred which row, for the analytics endpoints. */
    SimAttribution attribution(String organizationId) {
        return require(organizationId).attribution();
    }

    /** The cost rows of one day at the finest grain. */
    List<CostLineItem> day(String organizationId, LocalDate day) {
        Organization organization = require(organizationId);
        List<CostLineItem> restated = organization.restatedDays().get(day);
        return restated != null ? restated : generator.day(organization.seed(), organization.workspaces(), day, 0);
    }

    /** The cost rows of {@code [start, endExclusive)}, oldest day first. */
    List<CostLineItem> range(String organizationId, LocalDate start, LocalDate endExclusive) {
        List<CostLineItem> result = new ArrayList<>();
        for (LocalDate day = start; day.isBefore(endExclusive); day = day.plusDays(1)) {
            result.addAll(day(organizationId, day));
        }
        return result;
    }

    /** Changes the day's amounts to a new generated version whose total differs from the current one. */
    synchronized Restatement restate(String organizationId, LocalDate day) {
        Organization organization = require(organizationId);
        BigDecimal oldTotal = totalCents(day(organizationId, day));
        int revision = organization.revisions().getOrDefault(day, 0);
        List<CostLineItem> rows;
        do {
            revision++;
            rows = generator.day(organization.seed(), organization.workspaces(), day, revision);
        } while (totalCents(rows).compareTo(oldTotal) == 0);
        organization.revisions().put(day, revision);
        organization.restatedDays().put(day, rows);
        return new Restatement(
                organizationId, day, oldTotal.movePointLeft(2), totalCents(rows).movePointLeft(2));
    }

    /** Serves {@code text} instead of the first amount of the day (null: the real amount again). */
    void garble(String organizationId, LocalDate day, String text) {
        require(organizationId);
        if (text == null) {
            garbledAmounts.remove(organizationId + "/" + day);
        } else {
            garbledAmounts.put(organizationId + "/" + day, text);
        }
    }

    /** The text served instead of the day's first amount, or null. */
    String garbledAmount(String organizationId, LocalDate day) {
        return garbledAmounts.get(organizationId + "/" + day);
    }

    /** Replaces the day's rows; amounts keep the scale they are given (any number of decimals). */
    synchronized Restatement replace(String organizationId, LocalDate day, Collection<CostLineItem> items) {
        Organization organization = require(organizationId);
        BigDecimal oldTotal = totalCents(day(organizationId, day));
        List<CostLineItem> rows = new ArrayList<>();
        for (CostLineItem item : items) {
            if (!item.day().equals(day)) {
                throw new IllegalArgumentException("line item of " + item.day() + " given for " + day);
            }
            rows.add(item);
        }
        rows.sort(CostGenerator.ROW_ORDER);
        organization.restatedDays().put(day, List.copyOf(rows));
        return new Restatement(
                organizationId, day, oldTotal.movePointLeft(2), totalCents(rows).movePointLeft(2));
    }

    /** Forgets every restatement, so all days are back to their generated originals. */
    void clearRestatements() {
        garbledAmounts.clear();
        organizations.values().forEach(organization -> {
            organization.restatedDays().clear();
            organization.revisions().clear();
        });
    }

    private Organization require(String organizationId) {
        Organization organization = organizations.get(organizationId);
        if (organization == null) {
            throw new IllegalArgumentException("unknown organization: " + organizationId);
        }
        return organization;
    }

    private static BigDecimal totalCents(List<CostLineItem> rows) {
        return rows.stream().map(CostLineItem::amountCents).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private record Organization(
            SimOrganization organization,
            long seed,
            List<SimWorkspace> workspaces,
            SimAttribution attribution,
            Map<LocalDate, List<CostLineItem>> restatedDays,
            Map<LocalDate, Integer> revisions) {

        Organization(
                SimOrganization organization, long seed, List<SimWorkspace> workspaces, SimAttribution attribution) {
            this(organization, seed, workspaces, attribution, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        }
    }
}
