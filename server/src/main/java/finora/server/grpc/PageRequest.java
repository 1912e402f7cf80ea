package finora.server.grpc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * One page of a paged RPC: where it starts and how many rows it holds, decoded from the request's
 * {@code page_token} and {@code page_size}. The one page-token codec of the server: a token is
 * {@code base64url("v1:" + scope + ":" + offset)}, where the scope is a short hash of everything the
 * list depends on (tenant, filters, parent id; never the paging fields), so a token given for one
 * query is refused (INVALID_RANGE) for any other.
 *
 * @param scope what the token is bound to
 * @param offset rows before this page
 * @param size most rows on this page
 */
public record PageRequest(String scope, int offset, int size) {

    /**
     * Decodes a page request: {@code pageSize} 0 means {@code defaultSize}, else it must be 1 to
     * {@code maxSize} (INVALID_ARGUMENT); an empty token is the first page, a token of another scope
     * or a malformed one is INVALID_RANGE.
     *
     * @param scopeParts what the list depends on; their {@code toString()} forms are hashed
     */
    public static PageRequest of(String pageToken, int pageSize, int defaultSize, int maxSize, Object... scopeParts) {
        int size = size(pageSize, defaultSize, maxSize);
        String scope = scope(scopeParts);
        return new PageRequest(scope, decode(pageToken, scope), size);
    }

    /** The page size asked for: 0 means {@code defaultSize}; otherwise 1 to {@code maxSize} (INVALID_ARGUMENT). */
    public static int size(int pageSize, int defaultSize, int maxSize) {
        int size = pageSize == 0 ? defaultSize : pageSize;
        if (size < 1 || size > maxSize) {
            throw FinoraException.invalidField("page_size", "page_size must be 1 to " + maxSize);
        }
        return size;
    }

    /**
     * The token of the page after this one, given how many rows this page returned and whether more
     * follow; "" when none do (the proto's "no next page").
     */
    public String next(int returned, boolean more) {
        return more ? encode(scope, offset + returned) : "";
    }

    private static String scope(Object... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Object part : parts) {
                sha.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String scope, int offset) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("v1:" + scope + ":" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decode(String token, String scope) {
        if (token.isEmpty()) {
            return 0;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
            if (parts.length == 3 && parts[0].equals("v1") && parts[1].equals(scope)) {
                int offset = Integer.parseInt(parts[2]);
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (RuntimeException e) {
            // fall through
        }
        throw new FinoraException(
                ErrorReason.INVALID_RANGE, "page_token does not belong to this list; start again without it");
    }
}
