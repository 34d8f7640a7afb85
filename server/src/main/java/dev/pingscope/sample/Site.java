package dev.pingscope.sample;

/**
 * The page a sample was measured on, as the {@code site} label of the RTT metric. Sites form a small fixed
 * set built at start (see {@link Sites}): three built-in values and the origins listed in {@code --sites}.
 *
 * @param index position in {@link Sites#all()}, used to index recorders without a map lookup
 * @param label the label value: "none", "direct", "other", or a listed origin such as https://shop.example
 */
public record Site(int index, String label) {
    /** Not measured on a page: samples timed by the server itself, or by a synthetic client. */
    public static final Site NONE = new Site(0, "none");
    /** A page served by pingscope itself (same origin as the intake). */
    public static final Site DIRECT = new Site(1, "direct");
    /** A page on an origin not listed in --sites. */
    public static final Site OTHER = new Site(2, "other");
}
