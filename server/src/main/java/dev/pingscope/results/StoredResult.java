package dev.pingscope.results;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;

/**
 * One saved result as the database holds it.
 *
 * @param probes        by kind's wire name, in the order http_head, ws_echo, ws_ping
 * @param reference     each method against the kernel's RTT, or null (none sent, or saved before it was kept)
 * @param clientAddress the truncated client address, or null
 * @param deleteHash    SHA-256 of the delete token, hex
 */
record StoredResult(
        String id,
        Instant createdAt,
        String instance,
        String site,
        String browser,
        String source,
        ObjectNode settings,
        Map<String, KindResult> probes,
        SavedReference reference,
        String clientAddress,
        String deleteHash) {}
