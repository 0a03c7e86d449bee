package io.gantry.testkit.docker;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The capabilities (Docker's names) missing from this process's bounding set: a container cannot be given them. */
public final class Capabilities {
    // linux/capability.h order: bit n is NAMES[n]
    private static final String[] NAMES = {"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
            "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE",
            "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME",
            "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
            "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE"};

    private Capabilities() {
    }

    public static List<String> missingOnHost() {
        BigInteger bounding;
        try {
            String line = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("CapBnd:"))
                    .findFirst().orElse("CapBnd: 0");
            bounding = new BigInteger(line.substring("CapBnd:".length()).strip(), 16);
        } catch (IOException e) {
            return List.of();
        }
        List<String> missing = new ArrayList<>();
        for (int bit = 0; bit < NAMES.length; bit++) {
            if (!bounding.testBit(bit)) {
                missing.add(NAMES[bit]);
            }
        }
        return missing;
    }
}
