package org.slidebatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.cli.SlidebatchMain;

/** {@code serve} refuses to listen beyond loopback without a token, before it opens anything. */
class ServeCommandTests {

    @TempDir
    Path tmp;

    @Test
    void nonLoopbackBindWithoutTokenIsRefused() {
        assertThatThrownBy(() -> DashboardServer.checkBind("0.0.0.0", null)).hasMessageContaining("not loopback) without a token");
        assertThatThrownBy(() -> DashboardServer.checkBind("0.0.0.0", " ")).hasMessageContaining("without a token");
        assertThatThrownBy(() -> DashboardServer.checkBind("127.0.0.1", "short")).hasMessageContaining("at least 8 characters");
        assertThat(DashboardServer.checkBind("127.0.0.1", null)).isNull();
        assertThat(DashboardServer.checkBind("::1", null)).isNull();
        assertThat(DashboardServer.checkBind("localhost", null)).isNull();
        assertThat(DashboardServer.checkBind("0.0.0.0", "a-long-token")).isEqualTo("a-long-token");
    }

    @Test
    void theCommandExitsWithAUsageErrorAndTouchesNothing() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        int code;
        try {
            code = SlidebatchMain.execute("--workspace", tmp.resolve("ws").toString(), "serve", "--bind", "0.0.0.0", "--port", "0");
        } finally {
            System.setErr(err);
        }
        assertThat(code).isEqualTo(2);
        assertThat(captured.toString()).contains("refusing to serve on 0.0.0.0 (not loopback) without a token");
        assertThat(tmp.resolve("ws")).doesNotExist();
    }
}
