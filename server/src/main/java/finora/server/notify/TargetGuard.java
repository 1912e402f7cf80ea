package finora.server.notify;

import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;

/**
 * Keeps alert deliveries from becoming a way into the server's own network (SSRF): a webhook URL
 * must be http(s) without user info, and every address its host resolves to must be public. Loopback,
 * unspecified, link-local (cloud metadata at 169.254.169.254), private (10/8, 172.16/12, 192.168/16,
 * fc00::/7), carrier-grade NAT (100.64/10), multicast and IPv4-mapped forms of these are refused
 * unless {@code allowPrivate} ({@code FINORA_NOTIFY_ALLOW_PRIVATE_TARGETS=true}, which tests use
 * for their loopback receivers).
 *
 * <p>Targets are checked when a channel is saved and again before every attempt (a host may
 * resolve elsewhere later); redirects are never followed.
 */
final class TargetGuard {
    static final int MAX_URL_LENGTH = 2048;
    private final boolean allowPrivate;

    TargetGuard(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** Parses and checks a webhook URL. */
    URI webhook(String raw) {
        String trimmed = raw == null ? "" : raw.trim();
        if (trimmed.isEmpty() || trimmed.length() > MAX_URL_LENGTH) {
            throw refused("webhook.url", "The webhook URL must be 1 to " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw refused("webhook.url", "The webhook URL is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw refused("webhook.url", "The webhook URL must start with https:// (or http://)");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw refused("webhook.url", "The webhook URL needs a host and must not carry user info or a fragment");
        }
        host("webhook.url", uri.getHost());
        return uri;
    }

    /** Checks that {@code host} resolves only to allowed addresses; returns it trimmed. */
    String host(String field, String rawHost) {
        String host = rawHost == null ? "" : rawHost.trim();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || host.length() > 253) {
            throw refused(field, "The host must be 1 to 253 characters");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException | SecurityException e) {
            throw refused(field, "The host " + host + " cannot be resolved");
        }
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                if (internal(address)) {
                    throw refused(
                            field,
                            "The host " + host + " resolves to an internal address (" + address.getHostAddress()
                                    + "); alerts go to public addresses only");
                }
            }
        }
        return host;
    }

    /** True for every address that is not plainly public. */
    static boolean internal(InetAddress address) {
        if (address.isLoopbackAddress()
                || address.isAnyLocalAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 // "this network"
                    || (first == 100 && second >= 64 && second <= 127) // carrier-grade NAT
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    || first >= 240; // reserved and broadcast
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // unique local fc00::/7
            }
            boolean mapped = true; // ::ffff:a.b.c.d and ::a.b.c.d carry an IPv4 address
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
                try {
                    return internal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    private static FinoraException refused(String field, String description) {
        return new FinoraException(ErrorReason.TARGET_NOT_ALLOWED, description, Map.of("field", field), null);
    }
}
