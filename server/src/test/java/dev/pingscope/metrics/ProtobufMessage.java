package dev.pingscope.metrics;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A protobuf message read from the wire format alone (varints, fixed64, length-delimited fields), with no
 * generated classes: fields are looked up by the numbers a published .proto gives them. Enough to check what
 * a server puts on the wire without trusting the library that wrote it to also read it.
 */
final class ProtobufMessage {
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    /** Per field number, in order: Long for varint and fixed-width values, byte[] for length-delimited ones. */
    private final Map<Integer, List<Object>> fields = new LinkedHashMap<>();

    private ProtobufMessage() {}

    /** Messages each preceded by their length as a varint, as Prometheus' "encoding=delimited" sends them. */
    static List<ProtobufMessage> readDelimited(byte[] stream) {
        ByteArrayInputStream in = new ByteArrayInputStream(stream);
        List<ProtobufMessage> messages = new ArrayList<>();
        while (in.available() > 0) {
            messages.add(parse(readBytes(in, (int) readVarint(in))));
        }
        return messages;
    }

    static ProtobufMessage parse(byte[] bytes) {
        ProtobufMessage message = new ProtobufMessage();
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        while (in.available() > 0) {
            long key = readVarint(in);
            int field = (int) (key >>> 3);
            Object value = switch ((int) (key & 7)) {
                case VARINT -> readVarint(in);
                case FIXED64 -> readFixed(in, 8);
                case LENGTH_DELIMITED -> readBytes(in, (int) readVarint(in));
                case FIXED32 -> readFixed(in, 4);
                default -> throw new IllegalArgumentException("unsupported wire type in key " + key);
            };
            message.fields.computeIfAbsent(field, f -> new ArrayList<>()).add(value);
        }
        return message;
    }

    boolean has(int field) {
        return fields.containsKey(field);
    }

    String string(int field) {
        return new String((byte[]) last(field), StandardCharsets.UTF_8);
    }

    /** An int32, int64, uint32, uint64 or enum field; 0 when absent, as protobuf defines. */
    long unsigned(int field) {
        return has(field) ? (Long) last(field) : 0;
    }

    /** A sint32 or sint64 field (zigzag encoded). */
    long signed(int field) {
        return has(field) ? zigzag((Long) last(field)) : 0;
    }

    double doubleValue(int field) {
        return has(field) ? Double.longBitsToDouble((Long) last(field)) : 0;
    }

    List<ProtobufMessage> messages(int field) {
        List<ProtobufMessage> messages = new ArrayList<>();
        for (Object value : fields.getOrDefault(field, List.of())) {
            messages.add(parse((byte[]) value));
        }
        return messages;
    }

    /** A repeated sint64 field, packed or not (a reader must accept both). */
    List<Long> signedList(int field) {
        List<Long> values = new ArrayList<>();
        for (Object value : fields.getOrDefault(field, List.of())) {
            if (value instanceof byte[] packed) {
                ByteArrayInputStream in = new ByteArrayInputStream(packed);
                while (in.available() > 0) {
                    values.add(zigzag(readVarint(in)));
                }
            } else {
                values.add(zigzag((Long) value));
            }
        }
        return values;
    }

    private Object last(int field) {
        List<Object> values = fields.get(field);
        if (values == null) {
            throw new IllegalArgumentException("no field " + field + " in message with fields " + fields.keySet());
        }
        return values.get(values.size() - 1);
    }

    private static long zigzag(long n) {
        return (n >>> 1) ^ -(n & 1);
    }

    private static long readVarint(ByteArrayInputStream in) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new IllegalArgumentException("message ends inside a varint");
            }
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }

    private static long readFixed(ByteArrayInputStream in, int size) {
        byte[] bytes = readBytes(in, size);
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = value << 8 | (bytes[i] & 0xFF); // little-endian
        }
        return value;
    }

    private static byte[] readBytes(ByteArrayInputStream in, int length) {
        try {
            byte[] bytes = in.readNBytes(length);
            if (bytes.length != length) {
                throw new IllegalArgumentException("message ends " + (length - bytes.length) + " bytes early");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
