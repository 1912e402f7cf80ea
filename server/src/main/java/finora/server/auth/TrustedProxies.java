package finora.server.auth;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Callers whose {@code x-finora-client-address} header is believed on Login (the admin UI, or a
 * reverse proxy in front of the gRPC port): networks their connection comes from, and names of
 * verified mutual-TLS client certificates. Nobody else can choose the address its logins are
 * throttled under.
 *
 * @param networks addresses or CIDR blocks a trusted caller connects from
 * @param certificateNames subject CNs of client certificates (verified by the server's client CA) that
 *     are trusted wherever they connect from
 */
public record TrustedProxies(List<Network> networks, Set<String> certificateNames) {
    /** Trusts no one: the header is always ignored. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of(), Set.of());

    /** Loopback only (127.0.0.0/8 and ::1): an admin UI on the same machine, as {@code ./run.sh} starts it. */
    public static final TrustedProxies LOOPBACK = parse("127.0.0.0/8,::1");

    public TrustedProxies {
        networks = List.copyOf(networks);
        certificateNames = Set.copyOf(certificateNames);
    }

    /** An address block: its first address and how many leading bits must match. */
    public record Network(InetAddress base, int prefixLength) {
        boolean contains(InetAddress address) {
            byte[] a = base.getAddress();
            byte[] b = address.getAddress();
            if (a.length != b.length) {
                return false;
            }
            int bits = prefixLength;
            for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
                int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
                if ((a[i] & mask) != (b[i] & mask)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return base.getHostAddress() + "/" + prefixLength;
        }
    }

    /**
     * Parses a comma-separated list of IP addresses, CIDR blocks ({@code 10.0.0.0/8},
     * {@code fd00::/8}) and {@code cert:<CN>} entries; {@code none} trusts no one. Only IP literals:
     * no host name is ever looked up.
     *
     * @throws IllegalArgumentException naming the entry that is not one of these
     */
    public static TrustedProxies parse(String raw) {
        if (raw.trim().equalsIgnoreCase("none")) {
            return NONE;
        }
        List<Network> networks = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (String part : raw.split(",")) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.toLowerCase(Locale.ROOT).startsWith("cert:")) {
                String name = entry.substring("cert:".length()).trim();
                if (name.isEmpty() || name.length() > 64) {
                    throw new IllegalArgumentException("'" + entry + "' needs a certificate CN of 1 to 64 characters");
                }
                names.add(name);
                continue;
            }
            networks.add(network(entry));
        }
        if (networks.isEmpty() && names.isEmpty()) {
            throw new IllegalArgumentException("'" + raw + "' lists no address, CIDR block or cert:<CN>");
        }
        return new TrustedProxies(networks, names);
    }

    private static Network network(String entry) {
        int slash = entry.indexOf('/');
        InetAddress base;
        int prefix;
        try {
            base = InetAddress.ofLiteral(slash < 0 ? entry : entry.substring(0, slash));
            int max = base.getAddress().length * 8;
            prefix = slash < 0 ? max : Integer.parseInt(entry.substring(slash + 1));
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("prefix out of range");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + entry + "' is not an IP address, a CIDR block or cert:<CN>");
        }
        return new Network(base, prefix);
    }

    /** Whether a caller connecting from {@code address} is trusted. */
    public boolean trustsAddress(InetAddress address) {
        return networks.stream().anyMatch(n -> n.contains(address));
    }

    /** Whether a caller presenting a verified client certificate with this subject CN is trusted. */
    public boolean trustsCertificate(String commonName) {
        return certificateNames.contains(commonName);
    }

    /** Whether anyone is trusted at all. */
    public boolean isEmpty() {
        return networks.isEmpty() && certificateNames.isEmpty();
    }

    @Override
    public String toString() {
        List<String> entries = new ArrayList<>();
        networks.forEach(n -> entries.add(n.toString()));
        certificateNames.forEach(n -> entries.add("cert:" + n));
        return entries.isEmpty() ? "none" : String.join(",", entries);
    }
}
