package finora.server.auth;

import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Where a login comes from: the address its attempts are throttled under, and, when a trusted proxy
 * (the admin UI) forwarded the browser's address in {@value #HEADER}, that proxy. The header of
 * anyone else is ignored, so a direct caller cannot pick a fresh address for each attempt.
 *
 * @param address the client's IP address (or "local", "unknown")
 * @param proxy the trusted caller that forwarded {@code address}, if it was forwarded
 */
public record LoginOrigin(String address, Optional<String> proxy) {
    /** The metadata key a trusted proxy puts the end user's IP address in. */
    public static final String HEADER = "x-finora-client-address";

    /** Longest IP literal accepted in {@link #HEADER} (a full IPv6 address with an IPv4 tail is 45). */
    public static final int MAX_HEADER_LENGTH = 45;

    private static final Pattern IP_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");

    /** A login made in this process (the command line, tests). */
    public static LoginOrigin local() {
        return direct("local");
    }

    /** A login from {@code address}, not forwarded. */
    public static LoginOrigin direct(String address) {
        return new LoginOrigin(address, Optional.empty());
    }

    /**
     * The origin of a call: the forwarded address when the caller is trusted (by its address or its
     * verified client certificate) and sent one, else the caller's own address.
     *
     * @param remote the transport's peer address
     * @param tls the call's TLS session, or null on plaintext
     * @param forwarded every value of {@value #HEADER} the call carried
     * @throws FinoraException a trusted caller sent more than one value, or one that is not an IP literal
     */
    static LoginOrigin of(SocketAddress remote, SSLSession tls, List<String> forwarded, TrustedProxies trusted) {
        String peer = addressOf(remote);
        if (forwarded.isEmpty() || !isTrusted(remote, tls, trusted)) {
            return direct(peer);
        }
        if (forwarded.size() > 1) {
            throw new FinoraException(ErrorReason.INVALID_ARGUMENT, HEADER + " must be sent once");
        }
        return new LoginOrigin(parseAddress(forwarded.get(0)).getHostAddress(), Optional.of(peer));
    }

    /**
     * The key of this origin's bucket: the address itself, or for IPv6 its /64 network, which is what
     * one subscriber usually gets (else one client would hold 2^64 buckets).
     */
    String bucketKey() {
        try {
            InetAddress parsed = InetAddress.ofLiteral(address);
            if (parsed instanceof Inet6Address v6) {
                byte[] bytes = v6.getAddress();
                Arrays.fill(bytes, 8, 16, (byte) 0);
                return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
            }
            return parsed.getHostAddress();
        } catch (IllegalArgumentException | UnknownHostException e) {
            return address; // "local", "unknown", an in-process name
        }
    }

    @Override
    public String toString() {
        return proxy.map(p -> address + " via " + p).orElse(address);
    }

    static InetAddress parseAddress(String value) {
        if (value.length() > MAX_HEADER_LENGTH) {
            throw new FinoraException(
                    ErrorReason.FIELD_TOO_LONG, HEADER + " must be at most " + MAX_HEADER_LENGTH + " characters");
        }
        if (!IP_CHARACTERS.matcher(value).matches()) {
            throw new FinoraException(ErrorReason.FIELD_INVALID_CHARACTERS, HEADER + " must be an IP address");
        }
        try {
            return InetAddress.ofLiteral(value);
        } catch (IllegalArgumentException e) {
            throw new FinoraException(ErrorReason.INVALID_ARGUMENT, HEADER + " must be an IP address");
        }
    }

    private static boolean isTrusted(SocketAddress remote, SSLSession tls, TrustedProxies trusted) {
        if (remote instanceof InetSocketAddress inet
                && inet.getAddress() != null
                && trusted.trustsAddress(inet.getAddress())) {
            return true;
        }
        return tls != null
                && !trusted.certificateNames().isEmpty()
                && commonName(tls).filter(trusted::trustsCertificate).isPresent();
    }

    /** The subject CN of the client certificate the TLS handshake verified, if there was one. */
    private static Optional<String> commonName(SSLSession tls) {
        try {
            Certificate[] chain = tls.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return Optional.empty();
            }
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(rdn.getValue().toString());
                }
            }
            return Optional.empty();
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return Optional.empty(); // no client certificate: TLS without mutual authentication
        }
    }

    private static String addressOf(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return remote == null ? "unknown" : remote.toString();
    }
}
