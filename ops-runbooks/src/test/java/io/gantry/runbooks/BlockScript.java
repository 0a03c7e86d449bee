package io.gantry.runbooks;

import java.util.Map;
import java.util.TreeMap;

/**
 * The file one block runs as: the stage's variables, then what the blocks before it left (variables,
 * exported or not, and functions, saved by the previous block's exit trap), then {@code cd
 * $RUNBOOK_WORK} and the block itself. On exit, whatever the status, it saves its variables and
 * functions next to the script for the next block; the saved file is written wherever the script
 * runs (the stage may run it in another machine), beside the script.
 */
final class BlockScript {
    static final String STATE_FILE = "state.sh";

    /** Names bash sets itself or that are read-only: never saved nor restored. */
    private static final String BASH_OWN = "BASH|BASH_*|BASHOPTS|BASHPID|SHELLOPTS|EUID|UID|PPID|PWD|OLDPWD|SHLVL|_|FUNCNAME|PIPESTATUS"
            + "|LINENO|RANDOM|SRANDOM|SECONDS|EPOCHREALTIME|EPOCHSECONDS|HISTCMD|GROUPS|DIRSTACK|COMP_WORDBREAKS|OPTIND|OPTARG"
            + "|HOSTNAME|HOSTTYPE|MACHTYPE|OSTYPE|IFS|PS4|COLUMNS|LINES";

    private BlockScript() {
    }

    static String of(Map<String, String> environment, String origin, String body) {
        StringBuilder s = new StringBuilder();
        s.append("# written by the runbook runner: ").append(origin).append('\n');
        for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
            s.append("export ").append(e.getKey()).append('=').append(quote(e.getValue())).append('\n');
        }
        s.append("""
                __runbook_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
                if [ -f "$__runbook_dir/%1$s" ]; then source "$__runbook_dir/%1$s"; fi
                __runbook_save() {
                  local __runbook_status=$? __runbook_name __runbook_decl
                  set +e
                  {
                    for __runbook_name in $(compgen -v); do
                      case "$__runbook_name" in __runbook_*|%2$s) continue ;; esac
                      __runbook_decl=$(declare -p "$__runbook_name" 2>/dev/null) || continue
                      [[ $__runbook_decl =~ ^declare\\ -[a-zA-Z]*r ]] && continue
                      printf '%%s\\n' "$__runbook_decl"
                    done
                    for __runbook_name in $(compgen -A function); do
                      case "$__runbook_name" in __runbook_*) continue ;; esac
                      declare -f "$__runbook_name"
                    done
                  } >"$__runbook_dir/%1$s.new" && mv -f "$__runbook_dir/%1$s.new" "$__runbook_dir/%1$s"
                  exit "$__runbook_status"
                }
                trap __runbook_save EXIT
                cd "$RUNBOOK_WORK"
                # ---- the block ----
                """.formatted(STATE_FILE, BASH_OWN));
        s.append(body);
        if (!body.endsWith("\n")) {
            s.append('\n');
        }
        return s.toString();
    }

    /** A word for bash: single quotes, each {@code '} written as {@code '\''}. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
