package dev.pingscope.prober;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.recording.RttRecorders;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** How probe --save turns a raw histogram into the samples the contract wants. */
class ResultSaveTest {
    private static Histogram rerecorded(long[] micros) {
        Histogram h = RttRecorders.newHistogram();
        for (long v : micros) {
            h.recordValue(Math.round(v / 1_000.0 * 1_000)); // what the server does with the ms it is sent
        }
        return h;
    }

    @Test
    void up_to_the_limit_the_server_rebuilds_the_very_same_histogram() {
        Histogram h = RttRecorders.newHistogram();
        Random random = new Random(7);
        for (int i = 0; i < 19_000; i++) {
            h.recordValue(200 + (long) (Math.abs(random.nextGaussian()) * 30_000));
        }
        h.recordValue(RttRecorders.HIGHEST_MICROS);
        long[] samples = ResultSave.samples(h);
        assertEquals(h.getTotalCount(), samples.length);
        assertEquals(h, rerecorded(samples));
    }

    @Test
    void above_the_limit_evenly_spaced_quantiles_keep_the_distribution() {
        Histogram h = RttRecorders.newHistogram();
        Random random = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            h.recordValue(1_000 + (long) (random.nextDouble() * 50_000));
        }
        long[] samples = ResultSave.samples(h);
        assertEquals(ResultSave.MAX_SAMPLES, samples.length);
        Histogram back = rerecorded(samples);
        for (double p : new double[] {1, 10, 50, 90, 99}) {
            double want = h.getValueAtPercentile(p);
            double got = back.getValueAtPercentile(p);
            assertTrue(Math.abs(got - want) / want < 0.01, "p" + p + ": " + got + " vs " + want);
        }
    }
}
