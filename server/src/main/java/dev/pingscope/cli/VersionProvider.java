package dev.pingscope.cli;

import dev.pingscope.BuildVersion;
import picocli.CommandLine;

/** {@code --version} of every command: {@link BuildVersion}. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    public static String version() {
        return BuildVersion.current();
    }

    @Override
    public String[] getVersion() {
        return new String[] {"pingscope " + version()};
    }
}
