package dev.pingscope.load;

/**
 * The load endpoints' part of the configuration (docs/load.md, docs/operations.md).
 *
 * @param enabled        whether /load/download, /load/upload and /.well-known/nq are served at all
 * @param maxBytes       the largest download and upload body, bytes; also the size of a download that names none
 * @param maxStreams     most concurrent load streams on this instance (more: 503)
 * @param maxPerAddress  most concurrent load streams from one client address (more: 429)
 */
public record LoadSettings(boolean enabled, long maxBytes, int maxStreams, int maxPerAddress) {}
