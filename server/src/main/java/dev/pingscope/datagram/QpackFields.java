package dev.pingscope.datagram;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.compression.EncodingException;
import org.eclipse.jetty.http.compression.HuffmanDecoder;

/**
 * QPACK field sections (RFC 9204, 4.5) without a dynamic table, which the server's SETTINGS forbid
 * (capacity 0): decoding takes the static table and literals (Huffman-coded or not, decoded by Jetty's
 * HPACK Huffman decoder, the same code), and refuses anything that names the dynamic table. Encoding writes
 * a response as literals with static names, which every decoder reads.
 */
final class QpackFields {
    private QpackFields() {}

    /** Most field lines in one section: a CONNECT has about ten. */
    static final int MAX_FIELDS = 64;

    /** One field line. */
    record Field(String name, String value) {}

    /** A field section QPACK cannot decode here: QPACK_DECOMPRESSION_FAILED. */
    static final class DecodingException extends Exception {
        private static final long serialVersionUID = 1L;

        DecodingException(String message) {
            super(message);
        }
    }

    static List<Field> decode(byte[] section) throws DecodingException {
        ByteBuffer in = ByteBuffer.wrap(section);
        if (integer(in, 8) != 0) {
            throw new DecodingException("the field section refers to a dynamic table, which this server does not keep");
        }
        integer(in, 7); // delta base: meaningless without a dynamic table
        List<Field> fields = new ArrayList<>();
        while (in.hasRemaining()) {
            if (fields.size() == MAX_FIELDS) {
                throw new DecodingException("more than " + MAX_FIELDS + " field lines");
            }
            int first = in.get(in.position()) & 0xff;
            if ((first & 0x80) != 0) { // indexed field line: 1 T index(6)
                boolean isStatic = (first & 0x40) != 0;
                int index = (int) integer(in, 6);
                fields.add(new Field(staticName(isStatic, index), QpackStaticTable.value(index)));
            } else if ((first & 0x40) != 0) { // literal with name reference: 01 N T index(4)
                boolean isStatic = (first & 0x10) != 0;
                int index = (int) integer(in, 4);
                fields.add(new Field(staticName(isStatic, index), string(in, 7)));
            } else if ((first & 0x20) != 0) { // literal with literal name: 001 N H length(3)
                String name = string(in, 3);
                fields.add(new Field(name, string(in, 7)));
            } else { // post-base forms (0001, 0000): the dynamic table
                throw new DecodingException("a field line refers to a dynamic table, which this server does not keep");
            }
        }
        return fields;
    }

    private static String staticName(boolean isStatic, int index) throws DecodingException {
        if (!isStatic) {
            throw new DecodingException("a field line refers to a dynamic table, which this server does not keep");
        }
        if (index >= QpackStaticTable.SIZE) {
            throw new DecodingException("static table index " + index + " is past its " + QpackStaticTable.SIZE + " entries");
        }
        return QpackStaticTable.name(index);
    }

    /** An integer with an N-bit prefix (RFC 7541, 5.1), consuming the prefix's byte; values above 2^30 are refused. */
    private static long integer(ByteBuffer in, int prefixBits) throws DecodingException {
        if (!in.hasRemaining()) {
            throw new DecodingException("the field section ends inside an integer");
        }
        int mask = (1 << prefixBits) - 1;
        long value = in.get() & mask;
        if (value < mask) {
            return value;
        }
        for (int shift = 0; ; shift += 7) {
            if (!in.hasRemaining()) {
                throw new DecodingException("the field section ends inside an integer");
            }
            if (shift > 28) {
                throw new DecodingException("an integer over 2^30");
            }
            int next = in.get() & 0xff;
            value += (long) (next & 0x7f) << shift;
            if ((next & 0x80) == 0) {
                return value;
            }
        }
    }

    /** A string literal whose length has an N-bit prefix and whose Huffman flag is the bit above it. */
    private static String string(ByteBuffer in, int prefixBits) throws DecodingException {
        if (!in.hasRemaining()) {
            throw new DecodingException("the field section ends before a string");
        }
        boolean huffman = (in.get(in.position()) & (1 << prefixBits)) != 0;
        long length = integer(in, prefixBits);
        if (length > in.remaining()) {
            throw new DecodingException("a string of " + length + " bytes runs past the field section");
        }
        ByteBuffer bytes = in.slice();
        bytes.limit((int) length);
        in.position(in.position() + (int) length);
        if (!huffman) {
            return StandardCharsets.ISO_8859_1.decode(bytes).toString();
        }
        HuffmanDecoder decoder = new HuffmanDecoder();
        decoder.setLength((int) length);
        try {
            String text = decoder.decode(bytes);
            if (text == null) {
                throw new DecodingException("a Huffman-coded string is cut short");
            }
            return text;
        } catch (EncodingException e) {
            throw new DecodingException("a Huffman-coded string is malformed: " + e.getMessage());
        }
    }

    /** A response's field section: {@code :status} and the given fields, as literals without Huffman coding. */
    static byte[] encodeResponse(int status, List<Field> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0); // required insert count 0
        out.write(0); // delta base 0
        // literal with a static name reference: 01 N=0 T=1 index(4), ":status" is entry 24
        writeInteger(out, 0x50, 4, QpackStaticTable.STATUS_NAME);
        writeString(out, 7, Integer.toString(status));
        for (Field field : fields) {
            writeInteger(out, 0x20, 3, field.name().length()); // literal name: 001 N=0 H=0 length(3)
            out.writeBytes(field.name().getBytes(StandardCharsets.ISO_8859_1));
            writeString(out, 7, field.value());
        }
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, int prefixBits, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        writeInteger(out, 0, prefixBits, bytes.length);
        out.writeBytes(bytes);
    }

    private static void writeInteger(ByteArrayOutputStream out, int pattern, int prefixBits, long value) {
        int mask = (1 << prefixBits) - 1;
        if (value < mask) {
            out.write(pattern | (int) value);
            return;
        }
        out.write(pattern | mask);
        long rest = value - mask;
        while (rest >= 0x80) {
            out.write((int) (rest & 0x7f) | 0x80);
            rest >>= 7;
        }
        out.write((int) rest);
    }
}
