package finora.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.RetryInfo;
import finora.api.v1.LoginRequest;
import finora.api.v1.LogoutRequest;
import finora.api.v1.WhoAmIRequest;
import finora.server.audit.AuditLog;
import finora.server.testing.GrpcErrors;
import finora.server.testing.MutableClock;
import finora.server.testing.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Login throttling, equal time for unknown e-mails, failed-login accounting, token caches. */
class LoginSecurityTest {
    private static TestServer server;
    private static TestServer.Tenant acme;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        acme = server.tenant("acme", Plan.SCALE);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static StatusRuntimeException login(String email, String password) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> server.auth(null)
                .login(LoginRequest.newBuilder().setEmail(email).setPassword(password).build()));
    }

    @Test
    void thirtyWrongPasswordsInARow_areThrottledWithARetryDelay_thenTheRightOneWorksLater() {
        server.app().accounts().createUser(acme.id(), "target@acme.test", "ADMIN", "the right password", "test");
        List<Status.Code> codes = new ArrayList<>();
        StatusRuntimeException last = null;
        for (int k = 0; k < 30; k++) {
            last = login("target@acme.test", "guess number " + k);
            codes.add(last.getStatus().getCode());
        }
        assertThat(codes.subList(0, 10)).containsOnly(Status.Code.UNAUTHENTICATED);
        assertThat(codes.subList(10, 30)).containsOnly(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(GrpcErrors.reason(last)).isEqualTo("LOGIN_THROTTLED");
        RetryInfo retry = StatusProto.fromThrowable(last).getDetailsList().stream()
                .filter(a -> a.is(RetryInfo.class)).findFirst().map(a -> {
                    try {
                        return a.unpack(RetryInfo.class);
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                }).orElseThrow();
        assertThat(retry.getRetryDelay().getSeconds()).isBetween(1L, 600L);
        // even the right password waits: a guesser cannot tell it found it
        assertThat(login("target@acme.test", "the right password").getStatus().getCode())
                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        server.clock().advance(Duration.ofSeconds(retry.getRetryDelay().getSeconds()));
        assertThat(server.auth(null).login(LoginRequest.newBuilder().setEmail("target@acme.test")
                .setPassword("the right password").build()).getSessionToken()).isNotBlank();
    }

    @Test
    void failedLogins_areCountedAndAuditedForKnownUsers() {
        server.app().accounts().createUser(acme.id(), "audited@acme.test", "VIEWER", "the right password", "test");
        login("audited@acme.test", "wrong password");
        login("nobody@acme.test", "wrong password");
        assertThat(server.app().dsl().fetchCount(finora.db.jooq.Tables.AUDIT_EVENT,
                finora.db.jooq.Tables.AUDIT_EVENT.ACTION.eq("login.failed")
                        .and(finora.db.jooq.Tables.AUDIT_EVENT.ACTOR.eq("audited@acme.test")))).isEqualTo(1);
        assertThat(failures(server.app().metrics(), "wrong_password")).isGreaterThanOrEqualTo(1);
        assertThat(failures(server.app().metrics(), "unknown_email")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void throttle_perClientAddress_coversManyEmails_andRefills() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Limits(10, 100, Duration.ofMinutes(10)), clock);
        for (int k = 0; k < 100; k++) {
            assertThat(throttle.tryAcquire("user" + k + "@x.test", "203.0.113.7")).isEmpty();
        }
        assertThat(throttle.tryAcquire("fresh@x.test", "203.0.113.7")).hasValueSatisfying(
                d -> assertThat(d).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(10)));
        assertThat(throttle.tryAcquire("fresh@x.test", "198.51.100.1")).isEmpty();
        clock.advance(Duration.ofMinutes(10));
        assertThat(throttle.tryAcquire("fresh@x.test", "203.0.113.7")).isEmpty();
    }

    @Test
    void unknownEmail_takesAsLongAsAWrongPassword() {
        var db = server.database();
        var accounts = new Accounts(db.dsl(), new AccountRepository(), new PasswordHasher(10),
                new AuditLog(server.clock()), server.clock(),
                new LoginThrottle(new LoginThrottle.Limits(1000, 1000, Duration.ofMinutes(1)), server.clock()),
                new AuthMetrics(new PrometheusRegistry()));
        accounts.createUser(acme.id(), "timed@acme.test", "ADMIN", "the right password", "test");
        long known = medianNanos(() -> accounts.login("timed@acme.test", "wrong password"));
        long unknown = medianNanos(() -> accounts.login("missing@acme.test", "wrong password"));
        System.out.printf("login: wrong password %d ms, unknown e-mail %d ms (median of 7)%n",
                known / 1_000_000, unknown / 1_000_000);
        assertThat((double) unknown).isGreaterThan(known * 0.3); // without the decoy hash it is ~1 % of it
    }

    @Test
    void unknownTokens_areRememberedBriefly_soAFloodCostsNoQueries() {
        var db = server.database();
        AtomicInteger queries = new AtomicInteger();
        var counting = DSL.using(db.dsl().configuration().derive(new DefaultExecuteListenerProvider(
                new ExecuteListener() {
                    @Override
                    public void executeStart(ExecuteContext ctx) {
                        queries.incrementAndGet();
                    }
                })));
        var accounts = new Accounts(counting, new AccountRepository(), new PasswordHasher(4),
                new AuditLog(server.clock()), server.clock(),
                new LoginThrottle(LoginThrottle.Limits.defaults(), server.clock()),
                new AuthMetrics(new PrometheusRegistry()));
        assertThat(accounts.authenticate("fin_random-token-1")).isEmpty();
        int afterFirst = queries.get();
        for (int k = 0; k < 100; k++) {
            assertThat(accounts.authenticate("fin_random-token-1")).isEmpty();
        }
        assertThat(queries.get()).isEqualTo(afterFirst);
    }

    @Test
    void logout_revokesBeforeItForgets_soAConcurrentLookupCannotCacheTheTokenAgain() throws Exception {
        for (int round = 0; round < 40; round++) {
            var issued = server.app().accounts().createToken(acme.id(), Role.READER, "race " + round, "test");
            assertThat(server.app().accounts().authenticate(issued.token())).isPresent();
            AtomicBoolean stop = new AtomicBoolean();
            Thread hammer = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    server.app().accounts().authenticate(issued.token());
                }
            });
            try {
                assertThat(server.app().accounts().revokeToken(acme.id(), issued.id(), "test")).isTrue();
                Thread.sleep(5);
                assertThat(server.app().accounts().authenticate(issued.token())).as("round " + round).isEmpty();
            } finally {
                stop.set(true);
                hammer.join();
            }
        }
    }

    @Test
    void logoutThroughGrpc_endsTheSessionAtOnce() {
        server.app().accounts().createUser(acme.id(), "leaver@acme.test", "VIEWER", "the right password", "test");
        String token = server.auth(null).login(LoginRequest.newBuilder().setEmail("leaver@acme.test")
                .setPassword("the right password").build()).getSessionToken();
        server.auth(token).whoAmI(WhoAmIRequest.getDefaultInstance());
        server.auth(token).logout(LogoutRequest.getDefaultInstance());
        var e = catchThrowableOfType(StatusRuntimeException.class,
                () -> server.auth(token).whoAmI(WhoAmIRequest.getDefaultInstance()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    private static long medianNanos(Runnable failingLogin) {
        List<Long> times = new ArrayList<>();
        for (int k = 0; k < 7; k++) {
            long start = System.nanoTime();
            try {
                failingLogin.run();
            } catch (RuntimeException expected) {
                // LOGIN_FAILED
            }
            times.add(System.nanoTime() - start);
        }
        Collections.sort(times);
        return times.get(3);
    }

    private static double failures(PrometheusRegistry registry, String reason) {
        return registry.scrape().stream()
                .filter(s -> s.getMetadata().getPrometheusName().equals("finora_login_failures"))
                .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
                .filter(d -> reason.equals(d.getLabels().get("reason")))
                .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
    }
}
