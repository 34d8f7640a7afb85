package dev.pingscope.http;

/**
 * Client input as it may appear in the one-line reason of a refusal: control characters, line and
 * paragraph separators and lone surrogates shown as {@code ?} (a lone surrogate cannot even be written as
 * UTF-8), and cut short, so that no request can split, stretch or break the answer that refuses it.
 */
public final class ReasonText {
    /** How much of a value a reason quotes. */
    public static final int VALUE_CHARS = 40;
    /** How much of a parser's own message (which may quote the input) a reason keeps. */
    public static final int MESSAGE_CHARS = 160;

    private ReasonText() {}

    /** A value the client sent, cut at {@link #VALUE_CHARS}. */
    public static String value(String text) {
        return of(text, VALUE_CHARS);
    }

    /** A message that may quote the client's input (a JSON parser's), cut at {@link #MESSAGE_CHARS}. */
    public static String message(String text) {
        return of(text, MESSAGE_CHARS);
    }

    /** Text shown with the characters above as ?, cut at {@code max} characters (never inside a surrogate pair). */
    public static String of(String text, int max) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max + 1));
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int n = Character.charCount(c);
            if (out.length() + n > max) {
                return out.append('…').toString();
            }
            boolean shown = !Character.isISOControl(c) && c != '\u2028' && c != '\u2029'
                    && Character.getType(c) != Character.SURROGATE;
            if (shown) {
                out.appendCodePoint(c);
            } else {
                out.append('?');
            }
            i += n;
        }
        return out.toString();
    }
}
