package finora.server.grpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import java.util.List;
import java.util.Map;

/**
 * Bounds every request before a handler sees it: each string at most {@value #MAX_STRING_LENGTH}
 * characters (or its field's own documented limit), no NUL or other control character but tab and line
 * breaks, each repeated field at most {@value #MAX_REPEATED} values. A request over a limit answers
 * INVALID_ARGUMENT with reason FIELD_TOO_LONG or FIELD_INVALID_CHARACTERS and the field's path in
 * {@code ErrorInfo.metadata["field"]}, never reaching the database (PostgreSQL refuses NUL in text,
 * which used to surface as INTERNAL).
 *
 * <p>Wrap each service with {@link #guard}: it also parses requests inside the call instead of in
 * the transport, so a message that does not parse (random bytes, a string that is not UTF-8)
 * reaches {@link StatusMappingInterceptor} as INVALID_ARGUMENT instead of gRPC's UNKNOWN.
 */
public final class RequestLimitsInterceptor implements ServerInterceptor {
    /** Longest string any request field may hold, in UTF-16 characters. */
    public static final int MAX_STRING_LENGTH = 512;
    /** Most values a repeated field may hold. */
    public static final int MAX_REPEATED = 100;
    /**
     * Fields with their own documented limit: mostly tighter, a few looser (a webhook URL may be
     * 2,048 characters, an SMTP password 1,024). The services check the same limits again.
     */
    private static final Map<String, Integer> FIELD_LIMITS = Map.ofEntries(
            Map.entry("finora.v1.LoginRequest.email", 254), // RFC 5321's longest address
            Map.entry("finora.v1.LoginRequest.password", 128), // bcrypt reads 72 bytes; longer ones never match
            Map.entry("finora.v1.ConnectProviderRequest.admin_api_key", 256),
            Map.entry("finora.v1.UpdateCredentialRequest.admin_api_key", 256),
            Map.entry("finora.v1.Budget.name", 200),
            Map.entry("finora.v1.Scope.value", 200),
            Map.entry("finora.v1.CreateNotificationChannelRequest.name", 200),
            Map.entry("finora.v1.WebhookTarget.url", 2048),
            Map.entry("finora.v1.WebhookTarget.signing_secret", 256),
            Map.entry("finora.v1.EmailTarget.recipients", 254), // each address
            Map.entry("finora.v1.SmtpServer.host", 253),
            Map.entry("finora.v1.SmtpServer.username", 320),
            Map.entry("finora.v1.SmtpServer.password", 1024));

    private static final int MAX_DEPTH = 16;

    /** The service with its requests parsed inside the call and checked against the limits. */
    public static ServerServiceDefinition guard(BindableService service) {
        return ServerInterceptors.useInputStreamMessages(
                ServerInterceptors.intercept(service, new RequestLimitsInterceptor()));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private boolean rejected;

            @Override
            public void onMessage(Q message) {
                if (message instanceof Message m) {
                    try {
                        check(m, "", 0);
                    } catch (FinoraException e) {
                        rejected = true; // the status-mapping interceptor closes the call with it
                        throw e;
                    }
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!rejected) {
                    super.onHalfClose();
                }
            }
        };
    }

    /** Throws {@link FinoraException} for the first value of {@code message} over a limit. */
    public static void check(Message message, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new FinoraException(
                    ErrorReason.INVALID_ARGUMENT, "The request nests too deeply", Map.of("field", path), null);
        }
        for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            FieldDescriptor field = e.getKey();
            String name = path.isEmpty() ? field.getName() : path + "." + field.getName();
            if (field.isRepeated()) {
                List<?> values = (List<?>) e.getValue();
                if (values.size() > MAX_REPEATED) {
                    throw new FinoraException(
                            ErrorReason.FIELD_TOO_LONG,
                            name + " holds " + values.size() + " values; at most " + MAX_REPEATED,
                            Map.of("field", name),
                            null);
                }
                for (int k = 0; k < values.size(); k++) {
                    checkValue(field, values.get(k), name + "[" + k + "]", depth);
                }
            } else {
                checkValue(field, e.getValue(), name, depth);
            }
        }
    }

    private static void checkValue(FieldDescriptor field, Object value, String name, int depth) {
        if (value instanceof String s) {
            int limit = FIELD_LIMITS.getOrDefault(field.getFullName(), MAX_STRING_LENGTH);
            if (s.length() > limit) {
                throw new FinoraException(
                        ErrorReason.FIELD_TOO_LONG,
                        name + " is " + s.length() + " characters long; at most " + limit,
                        Map.of("field", name),
                        null);
            }
            for (int k = 0; k < s.length(); k++) {
                char c = s.charAt(k);
                if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                    throw new FinoraException(
                            ErrorReason.FIELD_INVALID_CHARACTERS,
                            name + " contains a NUL or another control character",
                            Map.of("field", name),
                            null);
                }
            }
        } else if (value instanceof Message m) {
            check(m, name, depth + 1);
        }
    }
}
