package dev.pingscope.intake;

import dev.pingscope.config.Check;
import dev.pingscope.config.InvalidConfigException;

/**
 * The sample intake, POST /api/samples (docs/protocol.md): how large a batch may be, and how often one client
 * address may post.
 *
 * @param maxBatchSamples  most samples in one batch (--max-batch)
 * @param maxBodyBytes     largest request body (--max-body)
 * @param batchesPerSecond batches one client address may post per second, on average (more: 429) (--intake-rate)
 * @param burst            batches one client address may post at once (--intake-burst)
 */
public record IntakeSettings(int maxBatchSamples, int maxBodyBytes, double batchesPerSecond, int burst) {
    public IntakeSettings {
        Check.range("--max-batch", maxBatchSamples, 1, 100_000);
        Check.range("--max-body", maxBodyBytes, 64, 16 << 20);
        if (!(batchesPerSecond >= 0.01 && batchesPerSecond <= 100_000)) {
            throw new InvalidConfigException("--intake-rate", batchesPerSecond + " is outside 0.01 to 100000");
        }
        Check.range("--intake-burst", burst, 1, 100_000);
    }

    public static IntakeSettings defaults() {
        return new IntakeSettings(1000, 64 * 1024, 20, 50);
    }
}
