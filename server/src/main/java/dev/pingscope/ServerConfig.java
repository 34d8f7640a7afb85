package dev.pingscope;

import dev.pingscope.config.InvalidConfigException;
import dev.pingscope.datagram.DatagramSettings;
import dev.pingscope.http.AdminSettings;
import dev.pingscope.http.HttpSettings;
import dev.pingscope.http.OriginSettings;
import dev.pingscope.intake.IntakeSettings;
import dev.pingscope.load.LoadSettings;
import dev.pingscope.recording.RecordingSettings;
import dev.pingscope.results.ResultsSettings;
import dev.pingscope.servers.RegionSettings;
import dev.pingscope.tls.HttpsSettings;
import dev.pingscope.websocket.WebSocketSettings;
import java.util.Objects;

/**
 * Everything a pingscope server is configured with: one settings record per area, each in the package of the
 * code it configures and each checking its own values (a value that cannot work throws an
 * {@link InvalidConfigException} naming its option). Only the rules that span areas are here. Built by the
 * command line ({@code cli.ServeCommand}, one options mixin per area) or by a program; {@link #defaults()}
 * composes each area's documented defaults.
 *
 * @param http      the main listener: address, port, instance name, trusted proxies, request-head deadline
 * @param origins   which pages may probe and report, and which get a site label
 * @param https     the certificate for HTTPS on the main port, and the redirecting plain-HTTP port
 * @param admin     the admin port, and how long a graceful shutdown may take
 * @param webSocket the /ws endpoint: PINGs, timeouts and limits
 * @param intake    the sample intake: batch size and rate per client address
 * @param recording the report interval and the durable histogram logs
 * @param load      the load endpoints and their caps
 * @param results   saved results: storage, retention and limits
 * @param regions   this instance's region and the servers it lists
 * @param datagram  the udp_echo listener (WebTransport datagrams): its UDP port and limits
 */
public record ServerConfig(
        HttpSettings http,
        OriginSettings origins,
        HttpsSettings https,
        AdminSettings admin,
        WebSocketSettings webSocket,
        IntakeSettings intake,
        RecordingSettings recording,
        LoadSettings load,
        ResultsSettings results,
        RegionSettings regions,
        DatagramSettings datagram) {

    public ServerConfig {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(origins, "origins");
        Objects.requireNonNull(https, "https");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(webSocket, "webSocket");
        Objects.requireNonNull(intake, "intake");
        Objects.requireNonNull(recording, "recording");
        Objects.requireNonNull(load, "load");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(regions, "regions");
        Objects.requireNonNull(datagram, "datagram");
        int redirect = https.redirectPort();
        if (redirect != 0 && (redirect == http.port() || redirect == admin.port())) {
            throw new InvalidConfigException("--redirect-port", redirect + " is already --port or --admin-port");
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig(HttpSettings.defaults(), OriginSettings.defaults(), HttpsSettings.NONE, AdminSettings.defaults(),
                WebSocketSettings.defaults(), IntakeSettings.defaults(), RecordingSettings.defaults(), LoadSettings.defaults(),
                ResultsSettings.defaults(), RegionSettings.defaults(),
                DatagramSettings.defaults());
    }

    public ServerConfig withHttp(HttpSettings value) {
        return new ServerConfig(value, origins, https, admin, webSocket, intake, recording, load, results, regions, datagram);
    }

    public ServerConfig withOrigins(OriginSettings value) {
        return new ServerConfig(http, value, https, admin, webSocket, intake, recording, load, results, regions, datagram);
    }

    public ServerConfig withHttps(HttpsSettings value) {
        return new ServerConfig(http, origins, value, admin, webSocket, intake, recording, load, results, regions, datagram);
    }

    public ServerConfig withAdmin(AdminSettings value) {
        return new ServerConfig(http, origins, https, value, webSocket, intake, recording, load, results, regions, datagram);
    }

    public ServerConfig withWebSocket(WebSocketSettings value) {
        return new ServerConfig(http, origins, https, admin, value, intake, recording, load, results, regions, datagram);
    }

    public ServerConfig withIntake(IntakeSettings value) {
        return new ServerConfig(http, origins, https, admin, webSocket, value, recording, load, results, regions, datagram);
    }

    public ServerConfig withRecording(RecordingSettings value) {
        return new ServerConfig(http, origins, https, admin, webSocket, intake, value, load, results, regions, datagram);
    }

    public ServerConfig withLoad(LoadSettings value) {
        return new ServerConfig(http, origins, https, admin, webSocket, intake, recording, value, results, regions, datagram);
    }

    public ServerConfig withResults(ResultsSettings value) {
        return new ServerConfig(http, origins, https, admin, webSocket, intake, recording, load, value, regions, datagram);
    }

    public ServerConfig withDatagram(DatagramSettings value) {
        return new ServerConfig(http, origins, https, admin, webSocket, intake, recording, load, results, regions, value);
    }

    public ServerConfig withRegions(RegionSettings value) {
        return new ServerConfig(http, origins, https, admin, webSocket, intake, recording, load, results, value, datagram);
    }
}
