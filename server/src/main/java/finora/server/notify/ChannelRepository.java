package finora.server.notify;

import static finora.db.jooq.Tables.NOTIFICATION_CHANNEL;
import static finora.db.jooq.Tables.NOTIFICATION_DELIVERY;
import static finora.db.jooq.Tables.NOTIFICATION_EVENT;

import finora.db.jooq.tables.records.NotificationChannelRecord;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;

/** Channels, alert events and the delivery log in the database; every read is tenant-scoped. */
final class ChannelRepository {

    /** An event with what sending needs. */
    record StoredEvent(UUID id, UUID tenantId, Alert.AlertType type, String summary, String payload) {}

    /** A delivery claimed for sending. */
    record PendingDelivery(UUID id, UUID channelId, StoredEvent event) {}

    void insert(DSLContext tx, Channel c, byte[] secrets, String createdBy) {
        tx.insertInto(NOTIFICATION_CHANNEL)
                .set(NOTIFICATION_CHANNEL.CHANNEL_ID, c.id())
                .set(NOTIFICATION_CHANNEL.TENANT_ID, c.tenantId())
                .set(NOTIFICATION_CHANNEL.NAME, c.name())
                .set(NOTIFICATION_CHANNEL.KIND, c.kind().name())
                .set(
                        NOTIFICATION_CHANNEL.WEBHOOK_FORMAT,
                        c.format() == null ? null : c.format().name())
                .set(NOTIFICATION_CHANNEL.TARGET_HINT, c.targetHint())
                .set(
                        NOTIFICATION_CHANNEL.EMAIL_RECIPIENTS,
                        c.recipients().isEmpty() ? null : String.join(",", c.recipients()))
                .set(
                        NOTIFICATION_CHANNEL.SMTP_HOST,
                        c.smtp().map(Channel.SmtpServer::host).orElse(null))
                .set(
                        NOTIFICATION_CHANNEL.SMTP_PORT,
                        c.smtp().map(Channel.SmtpServer::port).orElse(null))
                .set(
                        NOTIFICATION_CHANNEL.SMTP_USERNAME,
                        c.smtp().map(Channel.SmtpServer::username).orElse(null))
                .set(
                        NOTIFICATION_CHANNEL.SMTP_SECURITY,
                        c.smtp().map(s -> s.security().name()).orElse(null))
                .set(NOTIFICATION_CHANNEL.HAS_SIGNING_SECRET, c.hasSigningSecret())
                .set(NOTIFICATION_CHANNEL.HAS_SMTP_PASSWORD, c.hasSmtpPassword())
                .set(NOTIFICATION_CHANNEL.SECRETS_CIPHERTEXT, secrets)
                .set(NOTIFICATION_CHANNEL.CREATED_AT, c.createdAt())
                .set(NOTIFICATION_CHANNEL.CREATED_BY, createdBy)
                .execute();
    }

    int count(DSLContext dsl, UUID tenantId) {
        return dsl.fetchCount(NOTIFICATION_CHANNEL, NOTIFICATION_CHANNEL.TENANT_ID.eq(tenantId));
    }

    List<Channel> list(DSLContext dsl, UUID tenantId) {
        return dsl.selectFrom(NOTIFICATION_CHANNEL)
                .where(NOTIFICATION_CHANNEL.TENANT_ID.eq(tenantId))
                .orderBy(NOTIFICATION_CHANNEL.CREATED_AT, NOTIFICATION_CHANNEL.CHANNEL_ID)
                .fetch(ChannelRepository::toChannel);
    }

    Optional<Channel> find(DSLContext dsl, UUID tenantId, UUID channelId) {
        return dsl.selectFrom(NOTIFICATION_CHANNEL)
                .where(NOTIFICATION_CHANNEL.TENANT_ID.eq(tenantId))
                .and(NOTIFICATION_CHANNEL.CHANNEL_ID.eq(channelId))
                .fetchOptional(ChannelRepository::toChannel);
    }

    Optional<byte[]> secrets(DSLContext dsl, UUID channelId) {
        return dsl.select(NOTIFICATION_CHANNEL.SECRETS_CIPHERTEXT)
                .from(NOTIFICATION_CHANNEL)
                .where(NOTIFICATION_CHANNEL.CHANNEL_ID.eq(channelId))
                .fetchOptional(NOTIFICATION_CHANNEL.SECRETS_CIPHERTEXT);
    }

    boolean delete(DSLContext tx, UUID tenantId, UUID channelId) {
        return tx.deleteFrom(NOTIFICATION_CHANNEL)
                        .where(NOTIFICATION_CHANNEL.TENANT_ID.eq(tenantId))
                        .and(NOTIFICATION_CHANNEL.CHANNEL_ID.eq(channelId))
                        .execute()
                > 0;
    }

    /** Stores an event unless its dedupe key is known for the tenant; true when it was new. */
    boolean insertEvent(DSLContext tx, StoredEvent event, String dedupeKey, OffsetDateTime now) {
        return tx.insertInto(NOTIFICATION_EVENT)
                        .set(NOTIFICATION_EVENT.EVENT_ID, event.id())
                        .set(NOTIFICATION_EVENT.TENANT_ID, event.tenantId())
                        .set(NOTIFICATION_EVENT.DEDUPE_KEY, dedupeKey)
                        .set(NOTIFICATION_EVENT.TYPE, event.type().name())
                        .set(NOTIFICATION_EVENT.SUMMARY, event.summary())
                        .set(NOTIFICATION_EVENT.PAYLOAD, event.payload())
                        .set(NOTIFICATION_EVENT.OCCURRED_AT, now)
                        .onConflictDoNothing()
                        .execute()
                > 0;
    }

    List<UUID> channelIds(DSLContext tx, UUID tenantId) {
        return tx.select(NOTIFICATION_CHANNEL.CHANNEL_ID)
                .from(NOTIFICATION_CHANNEL)
                .where(NOTIFICATION_CHANNEL.TENANT_ID.eq(tenantId))
                .orderBy(NOTIFICATION_CHANNEL.CREATED_AT)
                .fetch(NOTIFICATION_CHANNEL.CHANNEL_ID);
    }

    void insertDelivery(
            DSLContext tx, UUID deliveryId, UUID eventId, UUID channelId, UUID tenantId, OffsetDateTime now) {
        tx.insertInto(NOTIFICATION_DELIVERY)
                .set(NOTIFICATION_DELIVERY.DELIVERY_ID, deliveryId)
                .set(NOTIFICATION_DELIVERY.EVENT_ID, eventId)
                .set(NOTIFICATION_DELIVERY.CHANNEL_ID, channelId)
                .set(NOTIFICATION_DELIVERY.TENANT_ID, tenantId)
                .set(NOTIFICATION_DELIVERY.STATUS, Delivery.Status.PENDING.name())
                .set(NOTIFICATION_DELIVERY.ATTEMPTS, 0)
                .set(NOTIFICATION_DELIVERY.CREATED_AT, now)
                .set(NOTIFICATION_DELIVERY.UPDATED_AT, now)
                .execute();
    }

    /** Records one attempt's outcome. */
    void recordAttempt(
            DSLContext dsl,
            UUID deliveryId,
            Delivery.Status status,
            int attempts,
            Integer httpStatus,
            String error,
            OffsetDateTime now) {
        dsl.update(NOTIFICATION_DELIVERY)
                .set(NOTIFICATION_DELIVERY.STATUS, status.name())
                .set(NOTIFICATION_DELIVERY.ATTEMPTS, attempts)
                .set(NOTIFICATION_DELIVERY.LAST_HTTP_STATUS, httpStatus)
                .set(NOTIFICATION_DELIVERY.LAST_ERROR, error)
                .set(NOTIFICATION_DELIVERY.UPDATED_AT, now)
                .set(NOTIFICATION_DELIVERY.DELIVERED_AT, status == Delivery.Status.DELIVERED ? now : null)
                .where(NOTIFICATION_DELIVERY.DELIVERY_ID.eq(deliveryId))
                .execute();
    }

    /**
     * Claims PENDING deliveries nobody touched since {@code staleBefore} (their sender died with its
     * replica): touching them makes other replicas skip them.
     */
    List<PendingDelivery> claimAbandoned(DSLContext tx, OffsetDateTime staleBefore, OffsetDateTime now, int max) {
        List<UUID> ids = tx.select(NOTIFICATION_DELIVERY.DELIVERY_ID)
                .from(NOTIFICATION_DELIVERY)
                .where(NOTIFICATION_DELIVERY.STATUS.eq(Delivery.Status.PENDING.name()))
                .and(NOTIFICATION_DELIVERY.UPDATED_AT.lt(staleBefore))
                .limit(max)
                .forUpdate()
                .skipLocked()
                .fetch(NOTIFICATION_DELIVERY.DELIVERY_ID);
        if (ids.isEmpty()) {
            return List.of();
        }
        tx.update(NOTIFICATION_DELIVERY)
                .set(NOTIFICATION_DELIVERY.UPDATED_AT, now)
                .where(NOTIFICATION_DELIVERY.DELIVERY_ID.in(ids))
                .execute();
        return tx.select(
                        NOTIFICATION_DELIVERY.DELIVERY_ID,
                        NOTIFICATION_DELIVERY.CHANNEL_ID,
                        NOTIFICATION_EVENT.EVENT_ID,
                        NOTIFICATION_EVENT.TENANT_ID,
                        NOTIFICATION_EVENT.TYPE,
                        NOTIFICATION_EVENT.SUMMARY,
                        NOTIFICATION_EVENT.PAYLOAD)
                .from(NOTIFICATION_DELIVERY)
                .join(NOTIFICATION_EVENT)
                .on(NOTIFICATION_EVENT.EVENT_ID.eq(NOTIFICATION_DELIVERY.EVENT_ID))
                .where(NOTIFICATION_DELIVERY.DELIVERY_ID.in(ids))
                .fetch(r -> new PendingDelivery(
                        r.get(NOTIFICATION_DELIVERY.DELIVERY_ID),
                        r.get(NOTIFICATION_DELIVERY.CHANNEL_ID),
                        new StoredEvent(
                                r.get(NOTIFICATION_EVENT.EVENT_ID),
                                r.get(NOTIFICATION_EVENT.TENANT_ID),
                                Alert.AlertType.valueOf(r.get(NOTIFICATION_EVENT.TYPE)),
                                r.get(NOTIFICATION_EVENT.SUMMARY),
                                r.get(NOTIFICATION_EVENT.PAYLOAD))));
    }

    /** The delivery log of a tenant (optionally one channel), newest first. */
    List<Delivery> deliveries(DSLContext dsl, UUID tenantId, Optional<UUID> channelId, int limit) {
        Condition c = NOTIFICATION_DELIVERY.TENANT_ID.eq(tenantId);
        if (channelId.isPresent()) {
            c = c.and(NOTIFICATION_DELIVERY.CHANNEL_ID.eq(channelId.get()));
        }
        return dsl.select(NOTIFICATION_DELIVERY.fields())
                .select(NOTIFICATION_EVENT.TYPE, NOTIFICATION_EVENT.SUMMARY)
                .from(NOTIFICATION_DELIVERY)
                .join(NOTIFICATION_EVENT)
                .on(NOTIFICATION_EVENT.EVENT_ID.eq(NOTIFICATION_DELIVERY.EVENT_ID))
                .where(c)
                .orderBy(NOTIFICATION_DELIVERY.CREATED_AT.desc(), NOTIFICATION_DELIVERY.DELIVERY_ID)
                .limit(limit)
                .fetch(ChannelRepository::toDelivery);
    }

    Optional<Delivery> delivery(DSLContext dsl, UUID deliveryId) {
        return dsl.select(NOTIFICATION_DELIVERY.fields())
                .select(NOTIFICATION_EVENT.TYPE, NOTIFICATION_EVENT.SUMMARY)
                .from(NOTIFICATION_DELIVERY)
                .join(NOTIFICATION_EVENT)
                .on(NOTIFICATION_EVENT.EVENT_ID.eq(NOTIFICATION_DELIVERY.EVENT_ID))
                .where(NOTIFICATION_DELIVERY.DELIVERY_ID.eq(deliveryId))
                .fetchOptional(ChannelRepository::toDelivery);
    }

    private static Delivery toDelivery(Record r) {
        Integer http = r.get(NOTIFICATION_DELIVERY.LAST_HTTP_STATUS);
        return new Delivery(
                r.get(NOTIFICATION_DELIVERY.DELIVERY_ID),
                r.get(NOTIFICATION_DELIVERY.CHANNEL_ID),
                r.get(NOTIFICATION_DELIVERY.EVENT_ID),
                Alert.AlertType.valueOf(r.get(NOTIFICATION_EVENT.TYPE)),
                r.get(NOTIFICATION_EVENT.SUMMARY),
                Delivery.Status.valueOf(r.get(NOTIFICATION_DELIVERY.STATUS)),
                r.get(NOTIFICATION_DELIVERY.ATTEMPTS),
                http == null ? 0 : http,
                r.get(NOTIFICATION_DELIVERY.LAST_ERROR),
                r.get(NOTIFICATION_DELIVERY.CREATED_AT),
                r.get(NOTIFICATION_DELIVERY.DELIVERED_AT));
    }

    private static Channel toChannel(NotificationChannelRecord r) {
        Optional<Channel.SmtpServer> smtp = r.getSmtpHost() == null
                ? Optional.empty()
                : Optional.of(new Channel.SmtpServer(
                        r.getSmtpHost(),
                        r.getSmtpPort(),
                        r.getSmtpUsername(),
                        NotifyConfig.Security.valueOf(r.getSmtpSecurity())));
        List<String> recipients = r.getEmailRecipients() == null
                ? List.of()
                : Arrays.asList(r.getEmailRecipients().split(","));
        return new Channel(
                r.getChannelId(),
                r.getTenantId(),
                r.getName(),
                Channel.Kind.valueOf(r.getKind()),
                r.getWebhookFormat() == null ? null : Channel.Format.valueOf(r.getWebhookFormat()),
                r.getTargetHint(),
                List.copyOf(recipients),
                smtp,
                r.getHasSigningSecret(),
                r.getHasSmtpPassword(),
                r.getCreatedAt());
    }
}
