package dev.pingscope.results;

import java.time.Instant;

/** Which results the operators' endpoints cover: one site or all (null), saved from (inclusive) to (exclusive). */
record ResultFilter(String site, Instant from, Instant to) {}
