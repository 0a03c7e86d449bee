/*
 * zone-unmount: the agent's unmounts of a zone's overlay and loop disk, as direct system calls.
 *
 *   zone-unmount OP ARG [OP ARG]...    run in order; the first failure ends it (message on stderr, exit 1)
 *     umount PATH      umount2(PATH, 0)
 *     shutdown PATH    shut the ext4 filesystem mounted at PATH down without flushing its journal or its dirty
 *                      data (EXT4_IOC_SHUTDOWN, NOLOGFLUSH): only for a disk that is being thrown away, so that its
 *                      unmount does not write it back through the loop device into the image file; a filesystem
 *                      that cannot be shut down (not ext4) is left as it is, and its unmount writes it back
 *     detach DEV       detach loop device DEV from its file (LOOP_CLR_FD)
 *
 * util-linux's umount reads the whole mount table first (a few lines per zone on a node), and losetup is one more
 * process; this is one small static process whatever the node holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#define EXT4_IOC_SHUTDOWN _IOR('X', 125, uint32_t)
#define EXT4_GOING_FLAGS_NOLOGFLUSH 0x2

static int shutdown_fs(const char *path) {
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    uint32_t flags = EXT4_GOING_FLAGS_NOLOGFLUSH;
    int r = ioctl(fd, EXT4_IOC_SHUTDOWN, &flags);
    if (r != 0 && (errno == ENOTTY || errno == EOPNOTSUPP)) {
        r = 0; /* only slower: the unmount writes it back */
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return r;
}

static int detach(const char *device) {
    int fd = open(device, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    int r = ioctl(fd, LOOP_CLR_FD, 0);
    int saved = errno;
    close(fd);
    errno = saved;
    return r;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc % 2 == 0) {
        fprintf(stderr, "usage: zone-unmount {umount PATH|shutdown PATH|detach DEV}...\n");
        return 2;
    }
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *op = argv[i];
        const char *arg = argv[i + 1];
        int r;
        if (strcmp(op, "umount") == 0) {
            r = umount2(arg, 0);
        } else if (strcmp(op, "shutdown") == 0) {
            r = shutdown_fs(arg);
        } else if (strcmp(op, "detach") == 0) {
            r = detach(arg);
        } else {
            fprintf(stderr, "zone-unmount: unknown operation '%s'\n", op);
            return 2;
        }
        if (r != 0) {
            fprintf(stderr, "zone-unmount: %s %s: %s\n", op, arg, strerror(errno));
            return 1;
        }
    }
    return 0;
}
