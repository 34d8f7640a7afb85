package dev.pingscope.cli;

import dev.pingscope.intake.IntakeSettings;
import java.math.BigDecimal;
import java.util.Map;
import picocli.CommandLine.Option;

/** The sample intake's options: {@link IntakeSettings}. */
final class IntakeOptions {
    @Option(names = "--max-batch", paramLabel = "SAMPLES",
            description = "Most samples in one intake batch (1 to 100000).%n  env PINGSCOPE_MAX_BATCH, default ${DEFAULT-VALUE}")
    int maxBatchSamples;

    @Option(names = "--max-body", paramLabel = "BYTES",
            description = "Largest intake request body, in bytes (64 to 16777216).%n  env PINGSCOPE_MAX_BODY, default ${DEFAULT-VALUE}")
    int maxBodyBytes;

    @Option(names = "--intake-rate", paramLabel = "PER_SECOND",
            description = "Sample batches one client address may post per second, on average; more get 429.%n  env PINGSCOPE_INTAKE_RATE, default ${DEFAULT-VALUE}")
    double intakeRate;

    @Option(names = "--intake-burst", paramLabel = "N",
            description = "Sample batches one client address may post at once.%n  env PINGSCOPE_INTAKE_BURST, default ${DEFAULT-VALUE}")
    int intakeBurst;

    IntakeSettings settings() {
        return new IntakeSettings(maxBatchSamples, maxBodyBytes, intakeRate, intakeBurst);
    }

    static void putDefaults(Map<String, String> values) {
        IntakeSettings d = IntakeSettings.defaults();
        values.put("--max-batch", Integer.toString(d.maxBatchSamples()));
        values.put("--max-body", Integer.toString(d.maxBodyBytes()));
        values.put("--intake-rate", BigDecimal.valueOf(d.batchesPerSecond()).stripTrailingZeros().toPlainString());
        values.put("--intake-burst", Integer.toString(d.burst()));
    }
}
