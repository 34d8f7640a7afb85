package dev.pingscope.http;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Request;

/**
 * The CORS and Timing-Allow-Origin headers that let a page on an allowed origin read a probe's answer and
 * its Resource Timing, for the Jetty core handlers in front of Javalin (/ping, the load endpoints). Every
 * field is encoded once at start; adding them to an answer allocates nothing.
 */
public final class TimingCors {
    private static final HttpField VARY_ORIGIN = new PreEncodedHttpField(HttpHeader.VARY, "Origin");

    private final OriginPolicy origins;
    /** Per allowed origin, its Access-Control-Allow-Origin and Timing-Allow-Origin fields (and Vary). */
    private final Map<String, HttpField[]> originFields = new HashMap<>();
    private final HttpField[] anyOriginFields = {
        new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        new PreEncodedHttpField("Timing-Allow-Origin", "*")
    };

    public TimingCors(OriginPolicy origins) {
        this.origins = origins;
        for (String origin : origins.listedOrigins()) {
            originFields.put(origin, new HttpField[] {
                new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin),
                new PreEncodedHttpField("Timing-Allow-Origin", origin),
                VARY_ORIGIN
            });
        }
    }

    /**
     * Adds the fields for this request's origin, if it is allowed.
     *
     * @return whether any were added (a refused origin gets none, so the browser hides the answer)
     */
    public boolean addTo(Request request, HttpFields.Mutable headers) {
        HttpField[] fields;
        if (origins.allowsAnyOrigin()) {
            fields = anyOriginFields;
        } else {
            String origin = request.getHeaders().get(HttpHeader.ORIGIN);
            fields = origin == null ? null : originFields.get(origin);
        }
        if (fields == null) {
            return false;
        }
        for (HttpField field : fields) {
            headers.add(field);
        }
        return true;
    }
}
