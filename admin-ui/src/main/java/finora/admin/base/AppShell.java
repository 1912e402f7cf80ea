package finora.admin.base;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;

/**
 * App-wide page settings. Server push lets a long server call (checking a key with the provider)
 * run off the request thread and still update the screen when it ends: the button shows
 * "Checking…" meanwhile instead of a frozen page. Push needs no custom frontend bundle.
 */
@Push
public class AppShell implements AppShellConfigurator {}
