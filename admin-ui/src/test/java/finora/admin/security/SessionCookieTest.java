package finora.admin.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.NestedTestConfiguration;

/**
 * The session cookie as Tomcat sends it (the whole app on a random port): HttpOnly and SameSite
 * always, Secure whenever the request came over HTTPS, here through a TLS-terminating proxy's
 * {@code X-Forwarded-Proto}, or on every request when configured so.
 */
class SessionCookieTest {

    /** The JSESSIONID Set-Cookie header of a first visit, which the login redirect starts a session for. */
    private static String sessionCookie(int port, String forwardedProto) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/"))
                .GET();
        if (forwardedProto != null) {
            request.header("X-Forwarded-Proto", forwardedProto);
        }
        HttpResponse<Void> response = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .build()
                .send(request.build(), HttpResponse.BodyHandlers.discarding());
        List<String> cookies = response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID="))
                .toList();
        assertThat(cookies).hasSize(1);
        return cookies.get(0);
    }

    @Nested
    @NestedTestConfiguration(NestedTestConfiguration.EnclosingConfiguration.OVERRIDE)
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    class ByDefault {

        @LocalServerPort
        int port;

        @Test
        void overPlainHttp_isHttpOnlyAndSameSiteLax_butNotSecure() throws Exception {
            String cookie = sessionCookie(port, null);

            assertThat(cookie).contains("HttpOnly", "SameSite=Lax").doesNotContain("Secure");
        }

        @Test
        void forwardedHeaders_areNotTrusted_unlessConfigured() throws Exception {
            assertThat(sessionCookie(port, "https")).doesNotContain("Secure");
        }
    }

    @Nested
    @NestedTestConfiguration(NestedTestConfiguration.EnclosingConfiguration.OVERRIDE)
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "FINORA_UI_FORWARD_HEADERS=native")
    class BehindATlsTerminatingProxy {

        @LocalServerPort
        int port;

        @Test
        void requestTheProxyReceivedOverHttps_getsASecureCookie() throws Exception {
            assertThat(sessionCookie(port, "https")).contains("Secure", "HttpOnly", "SameSite=Lax");
        }

        @Test
        void requestTheProxyReceivedOverHttp_getsNoSecureFlag() throws Exception {
            assertThat(sessionCookie(port, "http")).doesNotContain("Secure");
        }
    }

    @Nested
    @NestedTestConfiguration(NestedTestConfiguration.EnclosingConfiguration.OVERRIDE)
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"FINORA_UI_COOKIE_SECURE=true", "FINORA_UI_COOKIE_SAME_SITE=strict"})
    class ConfiguredSecureAndStrict {

        @LocalServerPort
        int port;

        @Test
        void everyRequest_getsASecureStrictCookie() throws Exception {
            assertThat(sessionCookie(port, null)).contains("Secure", "HttpOnly", "SameSite=Strict");
        }
    }
}
