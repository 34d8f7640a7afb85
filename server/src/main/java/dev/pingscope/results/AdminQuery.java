package dev.pingscope.results;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * The query of the operators' endpoints: {@code site}, {@code from} and {@code to} (ISO 8601 instants, or
 * dates meaning their midnight UTC), {@code limit} (1 to 1000, default 100) and the opaque {@code cursor}
 * of the previous page.
 */
record AdminQuery(ResultFilter filter, int limit, ResultStore.Cursor cursor) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** @throws IllegalArgumentException naming the parameter that is wrong */
    static AdminQuery of(String site, String from, String to, String limit, String cursor) {
        int n = DEFAULT_LIMIT;
        if (limit != null && !limit.isBlank()) {
            try {
                n = Integer.parseInt(limit.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
            }
        }
        Instant start = instant("from", from);
        Instant end = instant("to", to);
        return new AdminQuery(new ResultFilter(site == null || site.isBlank() ? null : site.trim(), start, end), n,
                decodeCursor(cursor));
    }

    private static Instant instant(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            Instant t = text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
            // The store compares epoch milliseconds: a time beyond them (year 292278994 and on) is no time it can ask for.
            return Instant.ofEpochMilli(t.toEpochMilli());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException(name + " must be an ISO 8601 time (2026-11-29T12:00:00Z) or date (2026-11-29)", e);
        }
    }

    static String encodeCursor(ResultStore.Cursor c) {
        return c == null ? null : Base64.getUrlEncoder().withoutPadding()
                .encodeToString((c.createdAtMillis() + ":" + c.id()).getBytes(StandardCharsets.US_ASCII));
    }

    private static ResultStore.Cursor decodeCursor(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text.trim()), StandardCharsets.US_ASCII);
            int colon = plain.indexOf(':');
            String id = plain.substring(colon + 1);
            if (colon < 1 || !ResultId.isWellFormed(id)) {
                throw new IllegalArgumentException("bad cursor");
            }
            return new ResultStore.Cursor(Long.parseLong(plain.substring(0, colon)), id);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("cursor is not one this server gave (next_cursor)", e);
        }
    }
}
