package finora.admin;

import static org.assertj.core.api.Assertions.assertThat;

import finora.admin.grpc.FakeFinoraServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The whole app on a random port, with the Finora server replaced by an in-process fake: the login
 * page is served, views need a login, and a login's outcome lands on the right page.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdminApplicationTest {

    @TestConfiguration
    static class FakeServer {
        @Bean(destroyMethod = "close")
        FakeFinoraServer fakeFinoraServer() {
            return new FakeFinoraServer();
        }

        @Bean
        @Primary
        ManagedChannel fakeServerChannel(FakeFinoraServer fakeFinoraServer) {
            return fakeFinoraServer.newChannel();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    FakeFinoraServer server;

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .cookieHandler(new CookieManager())
            .build();

    @Test
    void loginPage_isServedWithoutSigningIn() throws Exception {
        HttpResponse<String> response = get("/login");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("VAADIN/build/");
    }

    @Test
    void appStylesheet_isLinkedAndServedWithoutSigningIn() throws Exception {
        assertThat(get("/login").body()).contains("styles.css");

        HttpResponse<String> css = get("/styles.css");

        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.body()).contains(".badge[data-tone=\"warning\"]", ".quiet-line");
    }

    @Test
    void views_needASignedInUser() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(302);
        assertThat(get("/settings").headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/login"));
    }

    @Test
    void wrongPassword_landsOnLoginError() throws Exception {
        HttpResponse<String> response = login(FakeFinoraServer.EMAIL, "wrong");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/login?error"));
    }

    @Test
    void serverDown_landsOnLoginUnreachable() throws Exception {
        server.failNextCall(
                Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException());

        HttpResponse<String> response = login(FakeFinoraServer.EMAIL, FakeFinoraServer.PASSWORD);

        assertThat(response.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/login?unreachable"));
    }

    @Test
    void rightPassword_opensTheApp() throws Exception {
        HttpResponse<String> response = login(FakeFinoraServer.EMAIL, FakeFinoraServer.PASSWORD);

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).doesNotContain("/login"));
        HttpResponse<String> app = get("/settings");
        assertThat(app.statusCode()).isEqualTo(200);
        assertThat(app.body()).doesNotContain(FakeFinoraServer.TOKEN);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> login(String email, String password) throws IOException, InterruptedException {
        String form = "username=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return http.send(
                HttpRequest.newBuilder(uri("/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
