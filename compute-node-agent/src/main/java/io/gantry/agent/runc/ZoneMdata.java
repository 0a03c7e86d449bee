package io.gantry.agent.runc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a zone gets of the SmartOS metadata service in its config.json: the directory of its metadata socket at
 * {@code /native/.zonecontrol} (SmartOS's path), the four mdata tools at {@code /usr/sbin} (one static binary, read
 * only), and an init that, at every boot, fetches {@code user-script} and runs it in the background as SmartOS does.
 *
 * <p>The script is kept at {@value #SCRIPT}; its output, and a line with its exit status, are appended to
 * {@value #LOG}. A failing script leaves the zone running; the log says it failed. Without the socket (a zone run
 * outside an agent) no script runs.
 */
public final class ZoneMdata {
    public static final String CONTROL_DIR = "/native/.zonecontrol";
    public static final List<String> TOOLS = List.of("mdata-get", "mdata-put", "mdata-delete", "mdata-list");
    public static final String SCRIPT = "/var/svc/mdata-user-script";
    public static final String LOG = "/var/svc/log/mdata-user-script.log";

    /** Run in the background before the idle loop: never delays the zone's start or its stop. */
    static final String USER_SCRIPT_AT_BOOT = "if [ -S " + CONTROL_DIR + "/metadata.sock ] && [ -x /usr/sbin/mdata-get ]; then ("
            + " mkdir -p /var/svc/log;"
            + " /usr/sbin/mdata-get user-script >" + SCRIPT + ".new 2>" + SCRIPT + ".err; got=$?;"
            + " if [ $got -eq 0 ]; then"
            + "   mv -f " + SCRIPT + ".new " + SCRIPT + "; chmod 0700 " + SCRIPT + ";"
            + "   echo \"gantry: user-script started at $(date -u +%Y-%m-%dT%H:%M:%SZ)\" >>" + LOG + ";"
            + "   " + SCRIPT + " >>" + LOG + " 2>&1 </dev/null; rc=$?;"
            + "   if [ $rc -eq 0 ]; then echo \"gantry: user-script exited with status 0\" >>" + LOG + ";"
            + "   else echo \"gantry: user-script FAILED with exit status $rc (the zone keeps running)\" >>" + LOG + "; fi;"
            + " elif [ $got -ne 1 ]; then"
            + "   { echo \"gantry: user-script could not be read (mdata-get exit status $got):\"; cat " + SCRIPT + ".err; } >>" + LOG + ";"
            + " fi;"
            + " rm -f " + SCRIPT + ".new " + SCRIPT + ".err"
            + " ) </dev/null >/dev/null 2>&1 & fi; ";

    private ZoneMdata() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> addTo(Map<String, Object> spec, Path socketDir, Path tool) {
        Map<String, Object> out = new LinkedHashMap<>(spec);
        List<Object> mounts = new ArrayList<>((List<Object>) spec.get("mounts"));
        mounts.add(OciSpec.mount(CONTROL_DIR, "bind", socketDir.toAbsolutePath().toString(),
                List.of("bind", "ro", "nosuid", "nodev", "noexec")));
        for (String name : TOOLS) {
            mounts.add(OciSpec.mount("/usr/sbin/" + name, "bind", tool.toAbsolutePath().toString(), List.of("bind", "ro", "nosuid", "nodev")));
        }
        out.put("mounts", mounts);
        Map<String, Object> process = new LinkedHashMap<>((Map<String, Object>) spec.get("process"));
        List<String> args = new ArrayList<>((List<String>) process.get("args"));
        String idle = args.get(args.size() - 1);
        String trap = "trap 'exit 0' TERM; ";
        args.set(args.size() - 1, idle.startsWith(trap) ? trap + USER_SCRIPT_AT_BOOT + idle.substring(trap.length()) : USER_SCRIPT_AT_BOOT + idle);
        process.put("args", List.copyOf(args));
        out.put("process", process);
        return out;
    }
}
