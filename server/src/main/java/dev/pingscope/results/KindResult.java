package dev.pingscope.results;

/** One probe kind of a saved result: its protocol, idle, and loaded where it was measured (else null). */
record KindResult(String protocol, Condition idle, Condition loaded) {}
