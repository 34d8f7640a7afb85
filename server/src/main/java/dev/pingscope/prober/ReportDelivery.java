package dev.pingscope.prober;

/**
 * What became of the samples sent to --report-to.
 *
 * @param sent            samples the server accepted
 * @param droppedWaiting  dropped because more than the bound were waiting (the oldest go first)
 * @param refused         in batches the server refused for good (4xx other than 429: sending again would not help)
 * @param leftAtEnd       still waiting when the run ended, the server being unreachable
 * @param failedAttempts  batch posts that failed and were kept to be retried
 * @param lastError       why the last post failed, or null
 */
public record ReportDelivery(long sent, long droppedWaiting, long refused, long leftAtEnd, long failedAttempts, String lastError) {
    public long notDelivered() {
        return droppedWaiting + refused + leftAtEnd;
    }
}
