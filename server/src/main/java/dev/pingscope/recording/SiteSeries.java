package dev.pingscope.recording;

import dev.pingscope.sample.Load;
import dev.pingscope.sample.ProbeKind;
import dev.pingscope.sample.Site;
import dev.pingscope.sample.Sites;
import dev.pingscope.sample.Source;

import java.util.ArrayList;
import java.util.List;

/**
 * A series as recorded and exported to Prometheus: a probe kind, its source, the site it was measured on
 * and the load condition it was measured under. Only combinations that can occur are recorded: the kinds
 * each source measures ({@link Source#measures}), and a page site only for browser samples (other sources
 * have {@link Site#NONE}); every one of them under each of the four {@link Load} conditions.
 */
public record SiteSeries(ProbeKind kind, Source source, Site site, Load load) {

    /** The kind, source and load, without the site: the unit of /api/stats. */
    public Series series() {
        return new Series(kind, source, load);
    }

    /** Every series that can be recorded with these sites, by kind, then source, then site, then load. */
    public static List<SiteSeries> all(Sites sites) {
        List<SiteSeries> all = new ArrayList<>();
        for (ProbeKind kind : ProbeKind.values()) {
            for (Source source : Source.values()) {
                if (!source.measures(kind)) {
                    continue;
                }
                List<Site> sitesOfSource = source == Source.BROWSER ? sites.pageSites() : List.of(Site.NONE);
                for (Site site : sitesOfSource) {
                    for (Load load : Load.values()) {
                        all.add(new SiteSeries(kind, source, site, load));
                    }
                }
            }
        }
        return List.copyOf(all);
    }
}
