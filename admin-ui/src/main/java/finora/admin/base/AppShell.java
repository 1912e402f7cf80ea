package finora.admin.base;

import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.theme.lumo.Lumo;

/**
 * App-wide page settings. Lumo is loaded as a plain stylesheet: Vaadin 25 applies no theme unless asked,
 * and a stylesheet (unlike a theme folder or {@code @CssImport}) keeps the pre-compiled production
 * bundle. Server push lets a long server call (checking a key with the provider) run off the request
 * thread and still update the screen when it ends: the button shows "Checking…" meanwhile instead of a
 * frozen page. Push needs no custom frontend bundle. The app's own styles are a static stylesheet too.
 */
@Push
@StyleSheet(Lumo.STYLESHEET)
@StyleSheet(AppShell.STYLESHEET)
public class AppShell implements AppShellConfigurator {

    /**
     * The app's own styles (src/main/resources/META-INF/resources/styles.css), after Lumo's: components
     * carry class names, the rules live there. A path Vaadin serves without signing in, so the login page has it.
     */
    public static final String STYLESHEET = "styles.css";
}
