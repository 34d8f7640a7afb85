package dev.pingscope;

/** This build's version, from the jar's manifest ("dev" when run from classes, as in tests). */
public final class BuildVersion {
    private BuildVersion() {}

    public static String current() {
        String v = BuildVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
