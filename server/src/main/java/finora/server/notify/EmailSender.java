package finora.server.notify;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/** Sends alert mails over SMTP (Jakarta Mail, Eclipse Angus implementation), with short timeouts. */
final class EmailSender {
    private static final String TIMEOUT_MS = "10000";
    private final Clock clock;

    /** Everything needed to reach one SMTP server. The password is never printed. */
    record Server(
            String host, int port, NotifyConfig.Security security, String username, String password, String from) {
        @Override
        public String toString() {
            return "Server[" + host + ":" + port + ", " + security + "]";
        }
    }

    EmailSender(Clock clock) {
        this.clock = clock;
    }

    /** One attempt; never throws for a server's failure. */
    Attempt send(Server server, List<String> to, String subject, String body, UUID eventId) {
        Properties p = new Properties();
        p.put("mail.smtp.host", server.host());
        p.put("mail.smtp.port", Integer.toString(server.port()));
        p.put("mail.smtp.connectiontimeout", TIMEOUT_MS);
        p.put("mail.smtp.timeout", TIMEOUT_MS);
        p.put("mail.smtp.writetimeout", TIMEOUT_MS);
        boolean auth = !server.username().isEmpty();
        p.put("mail.smtp.auth", Boolean.toString(auth));
        switch (server.security()) {
            case STARTTLS -> {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case SSL -> {
                p.put("mail.smtp.ssl.enable", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case NONE -> {}
        }
        Session session = Session.getInstance(p);
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(server.from()));
            message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(String.join(",", to), true));
            message.setSubject(subject, StandardCharsets.UTF_8.name());
            message.setText(body, StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(clock.instant()));
            message.setHeader("X-Finora-Event-Id", eventId.toString());
            if (auth) {
                Transport.send(message, server.username(), server.password());
            } else {
                Transport.send(message);
            }
            return new Attempt.Delivered(0);
        } catch (AuthenticationFailedException e) {
            return new Attempt.Refused(0, "The SMTP server " + server.host() + " refused the user name or password");
        } catch (SendFailedException e) {
            return new Attempt.Refused(0, "The SMTP server " + server.host() + " refused a recipient or the sender");
        } catch (MessagingException e) {
            return new Attempt.Retryable(
                    0,
                    "Could not send through " + server.host() + ":" + server.port() + " ("
                            + e.getClass().getSimpleName() + ")");
        }
    }
}
