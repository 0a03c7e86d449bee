/*
 * zone-init: a zone's process 1, bind-mounted at /.gantry-init.
 *
 *   zone-init [--] CMD [ARG...]
 *
 * Starts CMD in a process group of its own, passes it every signal the zone is sent (runc kill TERM on a stop),
 * reaps every process that ends in the zone (orphans included: zombies count against the zone's lwps cap) and
 * exits with CMD's status (128 + the signal's number when a signal ended it). What tini does for a zone, but asleep
 * until a signal comes: tini wakes every second to reap, which is 1,500 wake-ups a second of CPU on a node holding
 * 1,500 idle zones. Outside a zone's PID namespace it makes itself the subreaper of what it starts.
 *
 * Exit status 126 when CMD cannot be run, 127 when it does not exist (as a shell answers).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* faults stay with the process that caused them; never waited for */
static const int SYNCHRONOUS[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS};

static int exit_status(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    return 128 + WTERMSIG(status);
}

int main(int argc, char **argv) {
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--") == 0) {
        first = 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: zone-init [--] CMD [ARG...]\n");
        return 2;
    }
    sigset_t waited, original;
    sigfillset(&waited);
    for (size_t i = 0; i < sizeof SYNCHRONOUS / sizeof SYNCHRONOUS[0]; i++) {
        sigdelset(&waited, SYNCHRONOUS[i]);
    }
    /* a process group in the foreground of a terminal is given it by its parent, which must not stop for that */
    sigdelset(&waited, SIGTTIN);
    sigdelset(&waited, SIGTTOU);
    if (sigprocmask(SIG_SETMASK, &waited, &original) != 0) {
        perror("zone-init: sigprocmask");
        return 1;
    }
    struct sigaction ignore = {.sa_handler = SIG_IGN}, deflt = {.sa_handler = SIG_DFL};
    sigaction(SIGTTIN, &ignore, NULL);
    sigaction(SIGTTOU, &ignore, NULL);
    if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        perror("zone-init: PR_SET_CHILD_SUBREAPER");
    }

    pid_t child = fork();
    if (child < 0) {
        perror("zone-init: fork");
        return 1;
    }
    if (child == 0) {
        setpgid(0, 0);
        if (isatty(STDIN_FILENO)) {
            tcsetpgrp(STDIN_FILENO, getpgrp());
        }
        sigaction(SIGTTIN, &deflt, NULL);
        sigaction(SIGTTOU, &deflt, NULL);
        sigprocmask(SIG_SETMASK, &original, NULL);
        execvp(argv[first], argv + first);
        int failure = errno;
        fprintf(stderr, "zone-init: %s: %s\n", argv[first], strerror(failure));
        _exit(failure == ENOENT ? 127 : 126);
    }

    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(&waited, &info);
        if (sig < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("zone-init: sigwaitinfo");
            return 1;
        }
        if (sig != SIGCHLD) {
            if (kill(child, sig) != 0 && errno != ESRCH) {
                perror("zone-init: kill");
            }
            continue;
        }
        int status;
        pid_t reaped;
        while ((reaped = waitpid(-1, &status, WNOHANG)) > 0) {
            if (reaped == child) {
                /* process 1 leaving ends the zone's other processes; they are the kernel's to reap then */
                return exit_status(status);
            }
        }
    }
}
