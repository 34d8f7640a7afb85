package dev.pingscope.prober;

import java.util.ArrayList;
import java.util.List;

/**
 * The draft's test for a stage that has settled (draft-ietf-ippm-responsiveness, "Final Algorithm"): each
 * interval gives a value; the moving average at interval p is the mean of the values of p and the MAD - 1
 * intervals before it; the stage is stable when the standard deviation of the last MAD moving averages is
 * less than SDT of the latest one. MAD = 4 intervals and SDT = 5 %, the draft's defaults.
 *
 * <pre>{@code
 * Stability goodput = new Stability();
 * goodput.add(mbpsOfThisInterval);
 * if (goodput.stable()) { ... }
 * }</pre>
 */
final class Stability {
    static final int MAD = 4;
    static final double SDT = 0.05;

    private final List<Double> values = new ArrayList<>();
    private final List<Double> movingAverages = new ArrayList<>();

    void add(double value) {
        values.add(value);
        if (values.size() >= MAD) {
            movingAverages.add(mean(values.subList(values.size() - MAD, values.size())));
        }
    }

    /** Intervals seen so far. */
    int intervals() {
        return values.size();
    }

    /** The latest moving average, or NaN before MAD intervals. */
    double latestAverage() {
        return movingAverages.isEmpty() ? Double.NaN : movingAverages.get(movingAverages.size() - 1);
    }

    boolean stable() {
        if (movingAverages.size() < MAD) {
            return false;
        }
        List<Double> last = movingAverages.subList(movingAverages.size() - MAD, movingAverages.size());
        double mean = mean(last);
        double variance = 0;
        for (double v : last) {
            variance += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(variance / last.size());
        return sd < SDT * latestAverage();
    }

    /**
     * The draft's confidence in a stage's result: "Low" when it could not run MAD intervals, "Medium" when it
     * ran them but did not become stable, "High" when it became stable.
     */
    String confidence(boolean becameStable) {
        if (becameStable) {
            return "high";
        }
        return values.size() < MAD ? "low" : "medium";
    }

    /** The lower of two confidences. */
    static String lower(String a, String b) {
        List<String> order = List.of("low", "medium", "high");
        return order.indexOf(a) <= order.indexOf(b) ? a : b;
    }

    private static double mean(List<Double> list) {
        double sum = 0;
        for (double v : list) {
            sum += v;
        }
        return sum / list.size();
    }
}
