package finora.admin.security;

import static com.vaadin.flow.spring.security.VaadinSecurityConfigurer.vaadin;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Form login at {@code /login} against the server's AuthService (see
 * {@link FinoraAuthenticationProvider}); every view needs a signed-in user unless it says otherwise;
 * logout also revokes the session on the server.
 *
 * <p>Spring Security 7 style: a {@link SecurityFilterChain} bean composed with Vaadin's
 * {@code VaadinSecurityConfigurer} (the {@code VaadinWebSecurity} base class is gone in Vaadin 25).
 */
@EnableWebSecurity
@Configuration
public class SecurityConfig {

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, AuthClient authClient) throws Exception {
        http.with(
                vaadin(),
                vaadin -> vaadin.loginView(LoginView.class, "/login")
                        .addLogoutHandler(new FinoraLogoutHandler(authClient)));
        // After Vaadin's configurer: configurers initialise in the order they were added, and Vaadin's must
        // mark /login as a custom page first, or Spring Security serves its own generated login page.
        // Our handler replaces the default "/login?error" for every failure.
        http.formLogin(form -> form.failureHandler(new LoginFailureHandler()));
        return http.build();
    }
}
