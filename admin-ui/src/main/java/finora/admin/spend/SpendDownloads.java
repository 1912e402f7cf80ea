package finora.admin.spend;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AttachmentType;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.server.streams.DownloadEvent;
import finora.admin.grpc.FinoraCallException;
import finora.admin.grpc.NotAuthenticatedException;
import finora.admin.security.CurrentSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spend page's downloads: the line items of the range and filters last loaded, as CSV or with FOCUS
 * 1.2 columns, streamed from the server as they arrive.
 */
final class SpendDownloads extends Composite<HorizontalLayout> {

    private static final Logger log = LoggerFactory.getLogger(SpendDownloads.class);

    private final CostClient client;
    private final CurrentSession session;
    private volatile SpendSelection selection;

    SpendDownloads(CostClient client, CurrentSession session) {
        this.client = client;
        this.session = session;
        Anchor csv = new Anchor(event -> export(event, ExportKind.CSV), AttachmentType.DOWNLOAD, "Download CSV");
        csv.setId("download-csv");
        Anchor focus = new Anchor(event -> export(event, ExportKind.FOCUS), AttachmentType.DOWNLOAD, "FOCUS 1.2");
        focus.setId("download-focus");
        focus.setTitle("Line items with FOCUS 1.2 columns, CSV encoded");
        getContent().add(csv, focus);
        getContent().setAlignItems(FlexComponent.Alignment.BASELINE);
    }

    /** What a download exports from now on: the range and filters on screen. */
    void select(SpendSelection shown) {
        selection = shown;
    }

    void export(DownloadEvent event, ExportKind kind) throws IOException {
        SpendSelection chosen = selection;
        if (chosen == null) {
            event.getResponse().sendError(409, "Nothing to export yet");
            return;
        }
        String token = session.token();
        event.setFileName("finora-spend-" + chosen.range().start() + "_"
                + chosen.range().end() + (kind == ExportKind.FOCUS ? "-focus" : "") + ".csv");
        event.setContentType("text/csv; charset=utf-8");
        // Opened on the first chunk, so a server that refuses or is down can still be answered with a status.
        LazyOutput out = new LazyOutput(event);
        try {
            long rows = client.export(token, chosen.range(), chosen.filters(), kind, out);
            out.close();
            log.info("Exported {} cost line items ({}) for {}", rows, kind, chosen.range());
        } catch (UncheckedIOException e) {
            log.info("The browser stopped the download: {}", e.getMessage());
        } catch (FinoraCallException e) {
            log.info("The export failed: {} ({})", e.getMessage(), e.reason());
            if (out.opened()) {
                throw e; // the file is cut short; the browser reports a failed download
            }
            event.getResponse().sendError(e instanceof NotAuthenticatedException ? 401 : 503, e.getMessage());
        }
    }

    /** The download's output stream, opened only when the first bytes arrive. */
    private static final class LazyOutput extends OutputStream {
        private final DownloadEvent event;
        private OutputStream out;

        LazyOutput(DownloadEvent event) {
            this.event = event;
        }

        boolean opened() {
            return out != null;
        }

        private OutputStream out() {
            if (out == null) {
                out = event.getOutputStream();
            }
            return out;
        }

        @Override
        public void write(int b) throws IOException {
            out().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out().flush();
        }

        @Override
        public void close() throws IOException {
            out().close();
        }
    }
}
