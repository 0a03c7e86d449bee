package io.gantry.runbooks;

import io.gantry.testkit.docker.DebianBase;
import io.gantry.testkit.docker.LocalDocker;
import java.util.List;

/**
 * The debian stage's image: Debian 12 (minbase, plus systemd as init), built once and found by its tag
 * afterwards; change {@link #TAG} when what goes into it changes.
 */
final class DebianImage {
    static final String TAG = "gantry-runbooks/debian12-systemd:1";

    private DebianImage() {
    }

    /** The tag, after building the image if this engine does not have it yet. */
    static String ensure(LocalDocker docker) {
        return DebianBase.ensure(docker, TAG, List.of("systemd", "systemd-sysv", "dbus"), "/sbin/init");
    }
}
