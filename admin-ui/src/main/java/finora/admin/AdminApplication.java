package finora.admin;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** The Finora admin UI: a Vaadin Flow app that talks to the Finora server over gRPC only. */
@SpringBootApplication
public class AdminApplication {

    public static void main(String[] args) {
        SpringApplication.run(AdminApplication.class, args);
    }

    /** "Today" and "yesterday" of the date presets are UTC days, as the server stores them. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
