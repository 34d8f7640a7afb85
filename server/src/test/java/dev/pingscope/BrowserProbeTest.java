package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/** A real Chromium on the served page measures one HEAD RTT and one WebSocket echo RTT. */
@ResourceLock(TestResources.SHARED_BROWSERS) // a Chromium of its own
class BrowserProbeTest {
    static TestServer ts;
    static Playwright playwright;
    static Browser browser;

    @BeforeAll
    static void start() {
        ts = TestServer.start();
        playwright = Browsers.playwright();
        browser = Browsers.chromium(playwright);
    }

    @AfterAll
    static void stop() {
        browser.close();
        playwright.close();
        ts.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_served_page_measures_a_head_rtt_and_a_websocket_echo_rtt() {
        Page page = browser.newPage();
        List<String> errors = new ArrayList<>();
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) errors.add(m.text());
        });
        page.onPageError(errors::add);
        page.navigate(ts.uri("/").toString());
        Map<String, Object> result = (Map<String, Object>) page.evaluate("""
                async () => {
                  const url = '/ping?probe=' + crypto.randomUUID();
                  const t0 = performance.now();
                  const response = await fetch(url, { method: 'HEAD', cache: 'no-store' });
                  const head = performance.now() - t0;
                  const ws = new WebSocket(`ws://${location.host}/ws`);
                  const messages = [];
                  let wake = null;
                  ws.onmessage = (e) => { messages.push(e.data); if (wake) wake(); };
                  const nextMessage = async (test) => {
                    for (;;) {
                      const i = messages.findIndex(test);
                      if (i >= 0) return messages.splice(i, 1)[0];
                      await new Promise((r) => { wake = r; });
                    }
                  };
                  const hello = JSON.parse(await nextMessage((m) => m.startsWith('{"type":"hello"')));
                  const t1 = performance.now();
                  ws.send('e1');
                  await nextMessage((m) => m === 'e1');
                  const echo = performance.now() - t1;
                  ws.close();
                  return { status: response.status, instance: response.headers.get('X-Pingscope-Instance'),
                           head, echo, helloInstance: hello.instance, isolated: crossOriginIsolated };
                }
                """);
        assertEquals(204, ((Number) result.get("status")).intValue());
        assertEquals(ts.server.config().http().instance(), result.get("instance"));
        assertEquals(ts.server.config().http().instance(), result.get("helloInstance"));
        double head = ((Number) result.get("head")).doubleValue();
        double echo = ((Number) result.get("echo")).doubleValue();
        assertTrue(head > 0 && head < 2_000, "HEAD RTT in ms: " + head);
        assertTrue(echo > 0 && echo < 2_000, "echo RTT in ms: " + echo);
        assertEquals(true, result.get("isolated"), "the page is cross-origin isolated, so timers are precise");
        assertEquals(List.of(), errors, "no console errors");
        System.out.printf("browser RTT on loopback: HEAD %.2f ms, WebSocket echo %.2f ms%n", head, echo);
        page.close();
    }
}
