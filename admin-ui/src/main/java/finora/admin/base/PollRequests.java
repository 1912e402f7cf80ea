package finora.admin.base;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.ComponentUtil;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.Registration;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The components of one UI that want it to poll, e.g. the drawer's health indicator every 30 s and
 * the connections list every 5 s. A UI has a single poll interval: it polls at the shortest one
 * asked for, and stops when nobody asks any more. Kept on the UI itself, so nothing is shared.
 */
public final class PollRequests implements Serializable {

    private final UI ui;
    private final List<Request> requests = new ArrayList<>();

    /** One component's wish; compared by identity, so equal intervals stay separate requests. */
    private static final class Request implements Serializable {
        private final int millis;

        Request(int millis) {
            this.millis = millis;
        }
    }

    private PollRequests(UI ui) {
        this.ui = ui;
    }

    /**
     * Asks {@code ui} to poll at least every {@code interval} until the returned registration is removed.
     */
    public static Registration request(UI ui, Duration interval) {
        PollRequests requests = ComponentUtil.getData(ui, PollRequests.class);
        if (requests == null) {
            requests = new PollRequests(ui);
            ComponentUtil.setData(ui, PollRequests.class, requests);
        }
        return requests.add((int) interval.toMillis());
    }

    /**
     * While {@code component} is attached, asks its UI to poll at least every {@code interval} and runs
     * {@code onPoll} at each poll; on detach both stop.
     */
    public static void whileAttached(Component component, Duration interval, Runnable onPoll) {
        component.addAttachListener(attach -> {
            UI ui = attach.getUI();
            Registration request = request(ui, interval);
            Registration listener = ui.addPollListener(poll -> onPoll.run());
            Registration[] detach = new Registration[1];
            detach[0] = component.addDetachListener(d -> {
                listener.remove();
                request.remove();
                detach[0].remove();
            });
        });
    }

    private Registration add(int millis) {
        Request request = new Request(millis);
        requests.add(request);
        apply();
        return () -> {
            requests.removeIf(r -> r == request);
            apply();
        };
    }

    private void apply() {
        ui.setPollInterval(requests.stream().mapToInt(r -> r.millis).min().orElse(-1));
    }
}
