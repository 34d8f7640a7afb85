package dev.pingscope.datagram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.pingscope.Browsers;
import dev.pingscope.TestResources;
import dev.pingscope.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The measurement page with "UDP datagrams" ticked, its datagrams through a relay that drops 5 % up and 3 % down
 * (its HTTP and WebSocket go straight to the server: no lossy TCP line can be made here without netem): the
 * summary shows the loss per direction and the verdict says what UDP saw that TCP did not. With
 * {@code -Dpingscope.screenshots=DIR} it also writes DIR/udp-page.png (docs/screenshots).
 */
@ResourceLock(TestResources.SHARED_BROWSERS)
class UdpEchoPageTest {
    private static final Pattern WAYS = Pattern.compile("([0-9.]+) % / ([0-9.]+) %");

    @Test
    void the_page_shows_udp_loss_per_direction_and_says_what_tcp_hid() throws Exception {
        try (LossyUdpRelay relay = new LossyUdpRelay(0.05, 0.03, 3, 3);
                TestServer server = TestServer.start(TestServer.testConfig().with("--udp-port", 0).with("--udp-public-port", relay.port()));
                Playwright playwright = Browsers.playwright();
                Browser browser = Browsers.chromiumWithQuic(playwright);
                BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1000, 1500))) {
            relay.target(server.server.datagrams().port());
            Page page = context.newPage();
            page.navigate(server.uri("/").toString());
            page.waitForFunction("() => window.pingscope");
            page.fill("#duration", "8");
            page.fill("#interval", "20");
            page.check("input[name=probe][value=udp_echo]");
            page.click("#start");
            page.waitForSelector("body[data-state=done]", new Page.WaitForSelectorOptions().setTimeout(90_000));

            String ways = page.textContent("td[data-kind=udp_echo][data-stat=lost_way]");
            String verdict = page.textContent("#udp-verdict");
            System.out.println("udp_echo on the page: lost up / down " + ways + "; " + verdict + "; relay dropped up "
                    + relay.upDropped.get() + ", down " + relay.downDropped.get());
            Matcher m = WAYS.matcher(ways);
            assertTrue(m.matches(), "loss per direction in the summary: " + ways);
            double up = Double.parseDouble(m.group(1));
            double down = Double.parseDouble(m.group(2));
            assertTrue(up > 1 && up < 10, "upstream loss about the relay's 5 %: " + ways);
            assertTrue(down > 0.5 && down < 7, "downstream loss about the relay's 3 %: " + ways);
            assertTrue(page.isVisible("#udp-verdict"), "the UDP verdict is shown");
            assertTrue(verdict.startsWith("UDP datagrams saw " + m.group(1) + " % loss client to server and " + m.group(2)
                    + " % server to client; over TCP the same line"), verdict);
            assertEquals("–", page.textContent("td[data-kind=ws_echo][data-stat=lost_way]"), "TCP kinds have no split");
            page.waitForSelector("#saved:not([data-state=saving])");
            assertEquals("saved", page.getAttribute("#saved", "data-state"), "the run is saved (udp_echo left out): "
                    + page.textContent("#saved"));

            String dir = System.getProperty("pingscope.screenshots");
            if (dir != null && !dir.isEmpty()) {
                Files.createDirectories(Path.of(dir));
                page.waitForTimeout(500);
                page.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(Path.of(dir, "udp-page.png")));
            }
        }
    }
}
