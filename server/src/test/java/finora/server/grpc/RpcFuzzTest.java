package finora.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import finora.api.v1.WhoAmIRequest;
import finora.server.auth.Plan;
import finora.server.auth.Role;
import finora.server.testing.TestServer;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sends thousands of random and malformed requests to every finora.v1 RPC through the real
 * server wiring: random strings (NUL and control characters, unpaired surrogates, huge ones),
 * extreme numbers and dates, unknown enum values, huge repeated fields, and raw byte mutations of
 * valid messages. No answer may be INTERNAL or UNKNOWN, and the server must still serve afterwards.
 */
class RpcFuzzTest {
    private static final int ROUNDS_PER_RPC = 200;
    private static final long SEED = Long.getLong("fuzz.seed", 20261203L);

    private static TestServer server;
    private static String adminToken;
    private static String readerToken;
    private static TestServer.Tenant tenant;

    @BeforeAll
    static void start() throws Exception {
        // Connection refused at once: a key that passes the format check fails fast as PROVIDER_UNAVAILABLE.
        server = TestServer.start(Map.of("FINORA_ANTHROPIC_BASE_URL", "http://127.0.0.1:9"));
        tenant = server.tenant("fuzz", Plan.ENTERPRISE);
        adminToken = server.token(tenant, Role.ADMIN);
        readerToken = server.token(tenant, Role.READER);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void randomAndMalformedRequests_neverAnswerInternalOrUnknown() {
        Random random = new Random(SEED);
        Map<Status.Code, Integer> codes = new EnumMap<>(Status.Code.class);
        Map<String, String> failures = new TreeMap<>();
        int calls = 0;
        long started = System.nanoTime();
        for (ServerServiceDefinition service : server.server().services()) {
            for (ServerMethodDefinition<?, ?> definition : service.getMethods()) {
                MethodDescriptor<?, ?> method = definition.getMethodDescriptor();
                if (!method.getServiceName().startsWith("finora.")
                        || !(method.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier proto)) {
                    continue;
                }
                Descriptor input = proto.getMethodDescriptor().getInputType();
                MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
                        .setType(method.getType())
                        .setFullMethodName(method.getFullMethodName())
                        .setRequestMarshaller(new BytesMarshaller())
                        .setResponseMarshaller(new BytesMarshaller())
                        .build();
                for (int round = 0; round < ROUNDS_PER_RPC; round++) {
                    byte[] request = randomMessage(random, input, 0).toByteArray();
                    if (random.nextInt(4) == 0) {
                        request = mutate(random, request);
                    }
                    String token = switch (random.nextInt(10)) {
                        case 0 -> null;
                        case 1 -> readerToken;
                        case 2 -> randomString(random);
                        default -> adminToken;
                    };
                    if (token == adminToken && method.getFullMethodName().equals("finora.v1.AuthService/Logout")) {
                        token = server.token(tenant, Role.READER); // Logout revokes the token it is called with
                    }
                    Status.Code code = call(raw, request, token);
                    calls++;
                    codes.merge(code, 1, Integer::sum);
                    if (code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN) {
                        failures.putIfAbsent(
                                method.getFullMethodName() + " " + code,
                                java.util.HexFormat.of().formatHex(request, 0, Math.min(request.length, 200)));
                    }
                }
            }
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("Fuzz: %d calls in %d ms, codes %s%n", calls, millis, codes);
        assertThat(calls).isGreaterThanOrEqualTo(3000);
        assertThat(failures)
                .as("requests that answered INTERNAL or UNKNOWN (first 200 bytes, hex)")
                .isEmpty();

        var health = HealthGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(server.auth(adminToken)
                        .whoAmI(WhoAmIRequest.getDefaultInstance())
                        .getTenantName())
                .isEqualTo("fuzz");
    }

    @Test
    void nulInLoginEmail_isInvalidArgumentWithAReason() {
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(
                StatusRuntimeException.class,
                () -> server.auth(null)
                        .login(finora.api.v1.LoginRequest.newBuilder()
                                .setEmail("admin@demo.finora.local\u0000")
                                .setPassword("whatever-password")
                                .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(finora.server.testing.GrpcErrors.reason(e)).isEqualTo("FIELD_INVALID_CHARACTERS");
        assertThat(e.getStatus().getDescription()).contains("email");
    }

    @Test
    void oversizedIdsAndFilters_areInvalidArgumentWithAReason() {
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(
                StatusRuntimeException.class,
                () -> server.integrations(adminToken)
                        .getConnection(finora.api.v1.GetConnectionRequest.newBuilder()
                                .setConnectionId("7".repeat(10_000))
                                .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(finora.server.testing.GrpcErrors.reason(e)).isEqualTo("FIELD_TOO_LONG");
        var filter = finora.api.v1.CostFilter.newBuilder();
        for (int k = 0; k < 1000; k++) {
            filter.addModels("m" + k);
        }
        var f = org.assertj.core.api.Assertions.catchThrowableOfType(
                StatusRuntimeException.class,
                () -> server.costs(readerToken)
                        .queryCosts(finora.api.v1.QueryCostsRequest.newBuilder()
                                .setFilter(filter)
                                .build()));
        assertThat(f.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(finora.server.testing.GrpcErrors.reason(f)).isEqualTo("FIELD_TOO_LONG");
    }

    private static Status.Code call(MethodDescriptor<byte[], byte[]> method, byte[] request, String token) {
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
        if (token != null) {
            options = options.withCallCredentials(TestServer.bearer(token.replaceAll("[^ -~]", "x")));
        }
        try {
            if (method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
                var answers = ClientCalls.blockingServerStreamingCall(server.channel(), method, options, request);
                while (answers.hasNext()) {
                    answers.next();
                }
            } else {
                ClientCalls.blockingUnaryCall(server.channel(), method, options, request);
            }
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private static DynamicMessage randomMessage(Random random, Descriptor type, int depth) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        for (FieldDescriptor field : type.getFields()) {
            if (random.nextInt(10) < 3) {
                continue;
            }
            if (field.isRepeated()) {
                int count = switch (random.nextInt(8)) {
                    case 0 -> 150 + random.nextInt(2000); // over the limit
                    case 1 -> 0;
                    default -> 1 + random.nextInt(4);
                };
                for (int k = 0; k < count; k++) {
                    // long lists get short values, so one request stays a few megabytes at most
                    b.addRepeatedField(
                            field,
                            count > 10 && field.getJavaType() == FieldDescriptor.JavaType.STRING
                                    ? Integer.toString(k)
                                    : randomValue(random, field, depth + 1));
                }
            } else {
                b.setField(field, randomValue(random, field, depth));
            }
        }
        return b.build();
    }

    private static Object randomValue(Random random, FieldDescriptor field, int depth) {
        return switch (field.getJavaType()) {
            case STRING -> randomString(random);
            case INT -> extremeLong(random) == 0 ? 0 : (int) extremeLong(random);
            case LONG -> extremeLong(random);
            case BOOLEAN -> random.nextBoolean();
            case FLOAT -> (float) random.nextGaussian() * 1e30f;
            case DOUBLE -> random.nextBoolean() ? Double.NaN : random.nextGaussian() * 1e300;
            case BYTE_STRING -> ByteString.copyFrom(randomBytes(random, random.nextInt(64)));
            case ENUM ->
                field.getEnumType()
                        .findValueByNumberCreatingIfUnknown(
                                switch (random.nextInt(4)) {
                                    case 0 -> -1 - random.nextInt(1000);
                                    case 1 -> 50 + random.nextInt(1000);
                                    default ->
                                        field.getEnumType()
                                                .getValues()
                                                .get(random.nextInt(field.getEnumType()
                                                        .getValues()
                                                        .size()))
                                                .getNumber();
                                });
            case MESSAGE ->
                field.getMessageType().getFullName().equals("google.type.Date")
                        ? randomDate(random, field.getMessageType())
                        : depth > 3
                                ? DynamicMessage.getDefaultInstance(field.getMessageType())
                                : randomMessage(random, field.getMessageType(), depth + 1);
        };
    }

    private static DynamicMessage randomDate(Random random, Descriptor date) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(date);
        int kind = random.nextInt(4);
        int year =
                kind == 0 ? (int) extremeLong(random) : kind == 1 ? random.nextInt(10_000) : 2024 + random.nextInt(4);
        int month = kind == 0 ? (int) extremeLong(random) : random.nextInt(14);
        int day = kind == 0 ? (int) extremeLong(random) : random.nextInt(33);
        b.setField(date.findFieldByName("year"), year);
        b.setField(date.findFieldByName("month"), month);
        b.setField(date.findFieldByName("day"), day);
        return b.build();
    }

    private static long extremeLong(Random random) {
        long[] extremes = {
            0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, 100, 1000, 1_000_000
        };
        return random.nextBoolean() ? extremes[random.nextInt(extremes.length)] : random.nextLong();
    }

    private static String randomString(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> "";
            case 1 -> "a\u0000b";
            case 2 -> "x".repeat(500 + random.nextInt(random.nextInt(10) == 0 ? 200_000 : 2_000));
            case 3 ->
                "sk-ant-admin01-" + UUID.randomUUID().toString().replace("-", "")
                        + (random.nextBoolean() ? "\u0000" : "");
            case 4 -> UUID.randomUUID().toString();
            case 5 -> "'; DROP TABLE tenant; --\uD800\uDFFF\uFFFF";
            case 6 -> "admin@demo.finora.local" + (random.nextBoolean() ? "\u0000" : "");
            case 7 -> "workspace";
            default -> {
                StringBuilder sb = new StringBuilder();
                int n = random.nextInt(40);
                for (int k = 0; k < n; k++) {
                    sb.append((char) random.nextInt(random.nextBoolean() ? 0x80 : 0x10000));
                }
                yield sb.toString();
            }
        };
    }

    private static byte[] mutate(Random random, byte[] valid) {
        List<Byte> bytes = new ArrayList<>();
        for (byte v : valid) {
            bytes.add(v);
        }
        int edits = 1 + random.nextInt(6);
        for (int k = 0; k < edits; k++) {
            switch (random.nextInt(4)) {
                case 0 -> {
                    if (!bytes.isEmpty()) {
                        bytes.set(random.nextInt(bytes.size()), (byte) random.nextInt(256));
                    }
                }
                case 1 -> {
                    if (!bytes.isEmpty()) {
                        bytes.subList(random.nextInt(bytes.size()), bytes.size())
                                .clear();
                    }
                }
                case 2 -> bytes.add(random.nextInt(bytes.size() + 1), (byte) random.nextInt(256));
                default -> {
                    for (byte v : randomBytes(random, 1 + random.nextInt(16))) {
                        bytes.add(v);
                    }
                }
            }
        }
        byte[] out = new byte[bytes.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = bytes.get(k);
        }
        return out;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
