package dev.pingscope.results;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The share cards drawn so far, bounded in bytes, least recently used first out. A saved result never
 * changes, so its card is drawn once and kept; requests for a card being drawn wait for that one drawing
 * (single flight) instead of drawing it again. Callers look the result up first, so a deleted or purged
 * result is never served from here; {@link #forget} frees a deleted result's card at once.
 */
final class CardCache {
    /** About 300 cards of 50 KiB. */
    static final long DEFAULT_MAX_BYTES = 16L << 20;

    private final long maxBytes;
    /** Access order; guarded by this, as is bytes. */
    private final LinkedHashMap<String, byte[]> cards = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private final ConcurrentHashMap<String, CompletableFuture<byte[]>> drawing = new ConcurrentHashMap<>();

    CardCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The card of this result: kept, or drawn now (once, however many ask at the same time). */
    byte[] card(StoredResult result) {
        String id = result.id();
        byte[] kept = kept(id);
        if (kept != null) {
            return kept;
        }
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> other = drawing.putIfAbsent(id, mine);
        if (other != null) {
            try {
                return other.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            byte[] png = kept(id); // drawn and kept between the first look and now
            if (png == null) {
                png = ResultCard.png(result);
                keep(id, png);
            }
            mine.complete(png);
            return png;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            drawing.remove(id, mine);
        }
    }

    /** Drops a result's card (it was deleted). */
    synchronized void forget(String id) {
        byte[] png = cards.remove(id);
        if (png != null) {
            bytes -= png.length;
        }
    }

    private synchronized byte[] kept(String id) {
        return cards.get(id);
    }

    private synchronized void keep(String id, byte[] png) {
        if (png.length > maxBytes) {
            return;
        }
        byte[] previous = cards.put(id, png);
        bytes += png.length - (previous == null ? 0 : previous.length);
        for (Iterator<Map.Entry<String, byte[]>> eldest = cards.entrySet().iterator(); bytes > maxBytes; ) {
            bytes -= eldest.next().getValue().length;
            eldest.remove();
        }
    }

    /** Bytes kept now. */
    synchronized long bytes() {
        return bytes;
    }
}
