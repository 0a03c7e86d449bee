/*
 * zone-ns: the mount namespace the agent's runc commands run in, holding none of the zones' mounts.
 *
 *   zone-ns hold
 *       makes a mount namespace of its own (a private copy of the caller's), detaches from it what zones mount (every
 *       loop device's filesystem, every overlay and every namespace pin, all that is under /run/netns; never /),
 *       writes "ready\n" and stays until its standard input ends: the agent that started it holds the other end, so it
 *       ends with the agent, however the agent ends. Mounts made elsewhere later are not seen in it.
 *   zone-ns run NSFILE [--root DIR] [--netns FILE] -- COMMAND [ARG...]
 *       runs COMMAND in a private copy of mount namespace NSFILE, in the same working directory; with --root, the
 *       mount at DIR (and all below it) is cloned here first and mounted at DIR there; with --netns, the namespace
 *       pinned at FILE is bound at FILE there. Exits 1 with a message if any of that fails, else as COMMAND does.
 *
 * Why: runc reads the whole mount table of the namespace it runs in on every command, and runc run's init copies that
 * table into the zone's new mount namespace. In the host's namespace, which holds three mounts per zone (disk, root,
 * network namespace pin), each create and delete grew with the zones on the node; in this one runc sees the host's
 * own few mounts and, for a start, the one zone's root and network namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define NETNS_DIR "/run/netns"

static int fail(const char *what, const char *arg) {
    fprintf(stderr, "zone-ns: %s %s: %s\n", what, arg, strerror(errno));
    return 1;
}

/* Undoes mountinfo's octal escapes (\040 for a space and the like) in place. */
static void unescape(char *s) {
    char *out = s;
    for (char *in = s; *in; in++) {
        if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0' && in[3] <= '7') {
            *out++ = (char) ((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
            in += 3;
        } else {
            *out++ = *in;
        }
    }
    *out = '\0';
}

static int under(const char *path, const char *dir) {
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Whether a mount is one a zone makes: its disk (a loop device's filesystem), its root (an overlay) or a namespace pin. */
static int zone_made(const char *mount_point, const char *fstype, const char *source) {
    if (strcmp(mount_point, "/") == 0) {
        return 0; /* an agent in a container may run on an overlay root */
    }
    return strcmp(fstype, "overlay") == 0 || strcmp(fstype, "nsfs") == 0 || strncmp(source, "/dev/loop", 9) == 0
           || under(mount_point, NETNS_DIR);
}

/* Detaches every zone-made mount of this namespace; one already gone with a mount above it is no error. */
static int detach_zone_mounts(void) {
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (f == NULL) {
        return fail("cannot read", "/proc/self/mountinfo");
    }
    size_t count = 0, capacity = 64;
    char **points = malloc(capacity * sizeof *points);
    char *line = NULL;
    size_t size = 0;
    while (points != NULL && getline(&line, &size, f) > 0) {
        /* ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS */
        char mount_point[PATH_MAX], fstype[256], source[PATH_MAX];
        const char *dash = strstr(line, " - ");
        if (dash == NULL || sscanf(line, "%*s %*s %*s %*s %4095s", mount_point) != 1
            || sscanf(dash + 3, "%255s %4095s", fstype, source) != 2) {
            continue;
        }
        unescape(mount_point);
        unescape(source);
        if (!zone_made(mount_point, fstype, source)) {
            continue;
        }
        if (count == capacity) {
            capacity *= 2;
            char **more = realloc(points, capacity * sizeof *points);
            if (more == NULL) {
                break;
            }
            points = more;
        }
        points[count++] = strdup(mount_point);
    }
    free(line);
    fclose(f);
    if (points == NULL) {
        return fail("out of memory reading", "/proc/self/mountinfo");
    }
    /* deepest last in the table; from the end, so that a mount goes before the one it is mounted on */
    for (size_t i = count; i-- > 0;) {
        if (points[i] != NULL && umount2(points[i], MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
            return fail("cannot detach", points[i]);
        }
        free(points[i]);
    }
    free(points);
    return 0;
}

static int hold(void) {
    if (unshare(CLONE_NEWNS) != 0) {
        return fail("cannot make", "a mount namespace");
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        return fail("cannot make private", "/");
    }
    if (detach_zone_mounts() != 0) {
        return 1;
    }
    if (printf("ready\n") < 0 || fflush(stdout) != 0) {
        return 1;
    }
    char buffer[64];
    while (read(STDIN_FILENO, buffer, sizeof buffer) > 0) {
        /* nothing is ever sent; the end of the input is the agent's end */
    }
    return 0;
}

static int run(int argc, char **argv) {
    const char *nsfile = argv[2], *root = NULL, *netns = NULL;
    int i = 3;
    for (; i + 1 < argc && strcmp(argv[i], "--") != 0; i += 2) {
        if (strcmp(argv[i], "--root") == 0) {
            root = argv[i + 1];
        } else if (strcmp(argv[i], "--netns") == 0) {
            netns = argv[i + 1];
        } else {
            fprintf(stderr, "zone-ns: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (i >= argc - 1 || strcmp(argv[i], "--") != 0) {
        fprintf(stderr, "zone-ns: run needs -- COMMAND\n");
        return 2;
    }
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL) {
        return fail("cannot read", "the working directory");
    }
    int tree = -1, net = -1;
    if (root != NULL && (tree = open_tree(AT_FDCWD, root, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE)) < 0) {
        return fail("cannot clone the mount at", root);
    }
    if (netns != NULL && (net = open(netns, O_RDONLY | O_CLOEXEC)) < 0) {
        return fail("cannot open", netns);
    }
    int ns = open(nsfile, O_RDONLY | O_CLOEXEC);
    if (ns < 0) {
        return fail("cannot open", nsfile);
    }
    if (setns(ns, CLONE_NEWNS) != 0) {
        return fail("cannot enter", nsfile);
    }
    if (unshare(CLONE_NEWNS) != 0) {
        return fail("cannot copy", nsfile);
    }
    if (tree >= 0 && move_mount(tree, "", AT_FDCWD, root, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
        return fail("cannot mount the clone at", root);
    }
    if (net >= 0) {
        char source[64];
        snprintf(source, sizeof source, "/proc/self/fd/%d", net);
        if (mount(source, netns, NULL, MS_BIND, NULL) != 0) {
            return fail("cannot bind the network namespace at", netns);
        }
    }
    if (chdir(cwd) != 0) {
        return fail("cannot enter", cwd);
    }
    execvp(argv[i + 1], argv + i + 1);
    return fail("cannot run", argv[i + 1]);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "hold") == 0) {
        return hold();
    }
    if (argc >= 5 && strcmp(argv[1], "run") == 0) {
        return run(argc, argv);
    }
    fprintf(stderr, "usage: zone-ns hold | zone-ns run NSFILE [--root DIR] [--netns FILE] -- COMMAND [ARG...]\n");
    return 2;
}
