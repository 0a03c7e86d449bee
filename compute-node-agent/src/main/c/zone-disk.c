/*
 * zone-disk: the agent's work on a zone's disk image, loop device and mounts, as direct system calls in one process.
 *
 *   zone-disk OP ARG... [OP ARG...]...   run in order; the first failure ends it (message on stderr, exit 1)
 *     copy TEMPLATE IMAGE       IMAGE becomes a sparse copy of TEMPLATE (as cp --sparse=always: blocks of zeros become
 *                               holes), flushed to disk
 *     attach IMAGE DIR          attach IMAGE to a free loop device and mount its ext4 at DIR (-o discard); a device
 *                               taken or detached by another process meanwhile is given up and a fresh one tried, at
 *                               most 3 times; on a failed mount the device is detached again
 *     overlay LOWER UPPER WORK DIR
 *                               make UPPER and WORK (mode 0755) if missing, then mount an overlay of them on LOWER at DIR
 *     umount PATH               umount2(PATH, 0)
 *     shutdown PATH             shut the ext4 filesystem mounted at PATH down without flushing its journal or its dirty
 *                               data (EXT4_IOC_SHUTDOWN, NOLOGFLUSH): only for a disk that is being thrown away, so that
 *                               its unmount does not write it back through the loop device into the image file; a
 *                               filesystem that cannot be shut down (not ext4) is left as it is, and its unmount writes
 *                               it back
 *     detach DEV                detach loop device DEV from its file (LOOP_CLR_FD)
 *
 * cp, losetup and util-linux's mount and umount are a process each, and mount and umount read the whole mount table
 * first (a few lines per zone on a node); this is one small static process whatever the node holds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define EXT4_IOC_SHUTDOWN _IOR('X', 125, uint32_t)
#define EXT4_GOING_FLAGS_NOLOGFLUSH 0x2
#define ATTACH_ATTEMPTS 3
#define BLOCK 4096
#define CHUNK (256 * 1024)

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

static int all_zero(const char *p, size_t n) {
    for (size_t i = 0; i < n; i += sizeof(uint64_t)) {
        if (*(const uint64_t *) (p + i) != 0) {
            return 0;
        }
    }
    return 1;
}

/* Writes the non-zero blocks of [off, end) of src at the same offsets of dst. */
static int copy_data(int src, int dst, off_t off, off_t end, char *buf) {
    while (off < end) {
        size_t want = (size_t) (end - off < CHUNK ? end - off : CHUNK);
        ssize_t got = pread(src, buf, want, off);
        if (got < 0) {
            return -1;
        }
        if (got == 0) {
            return 0; /* the template shrank: cannot happen, it is only ever renamed into place whole */
        }
        for (ssize_t b = 0; b < got; b += BLOCK) {
            size_t len = (size_t) (got - b < BLOCK ? got - b : BLOCK);
            if (len == BLOCK && all_zero(buf + b, BLOCK)) {
                continue;
            }
            if (pwrite(dst, buf + b, len, off + b) != (ssize_t) len) {
                return -1;
            }
        }
        off += got;
    }
    return 0;
}

static int copy(const char *template, const char *image) {
    int src = open(template, O_RDONLY | O_CLOEXEC);
    if (src < 0) {
        return -1;
    }
    struct stat st;
    int dst = -1;
    char *buf = NULL;
    int r = -1;
    if (fstat(src, &st) != 0 || (buf = aligned_alloc(BLOCK, CHUNK)) == NULL) {
        goto out;
    }
    dst = open(image, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (dst < 0 || ftruncate(dst, st.st_size) != 0) {
        goto out;
    }
    off_t off = 0;
    while (off < st.st_size) {
        off_t data = lseek(src, off, SEEK_DATA);
        if (data < 0) {
            if (errno != ENXIO) {
                goto out;
            }
            break; /* only a hole is left */
        }
        off_t hole = lseek(src, data, SEEK_HOLE);
        if (hole < 0 || copy_data(src, dst, data, hole, buf) != 0) {
            goto out;
        }
        off = hole;
    }
    r = fsync(dst);
out:;
    int saved = errno;
    free(buf);
    if (dst >= 0) {
        close(dst);
    }
    close(src);
    errno = saved;
    return r;
}

/* Opens /dev/loopN, making its node first where nothing makes it (a container's own /dev). */
static int open_loop(int n, char *device, size_t size) {
    snprintf(device, size, "/dev/loop%d", n);
    int fd = open(device, O_RDWR | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        if (mknod(device, S_IFBLK | 0660, makedev(7, (unsigned) n)) != 0 && errno != EEXIST) {
            return -1;
        }
        fd = open(device, O_RDWR | O_CLOEXEC);
    }
    return fd;
}

static int configure(int loop, int file) {
    struct loop_config config;
    memset(&config, 0, sizeof config);
    config.fd = (uint32_t) file;
    if (ioctl(loop, LOOP_CONFIGURE, &config) == 0) {
        return 0;
    }
    if (errno != EINVAL && errno != ENOTTY) {
        return -1;
    }
    return ioctl(loop, LOOP_SET_FD, file); /* a kernel before 5.8 */
}

static int attach(const char *image, const char *dir) {
    int file = open(image, O_RDWR | O_CLOEXEC);
    if (file < 0) {
        return -1;
    }
    int control = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    if (control < 0) {
        int saved = errno;
        close(file);
        errno = saved;
        return -1;
    }
    int r = -1;
    for (int attempt = 1; attempt <= ATTACH_ATTEMPTS; attempt++) {
        int n = ioctl(control, LOOP_CTL_GET_FREE);
        if (n < 0) {
            break;
        }
        char device[32];
        int loop = open_loop(n, device, sizeof device);
        if (loop < 0) {
            break;
        }
        if (configure(loop, file) != 0) {
            int saved = errno;
            close(loop);
            errno = saved;
            if (errno == EBUSY) {
                continue; /* another process took it between the two calls */
            }
            break;
        }
        if (mount(device, dir, "ext4", 0, "discard") == 0) {
            close(loop); /* the mount holds the device now */
            r = 0;
            break;
        }
        /* Until it is mounted, a device can be taken away by another process that detaches by name what it listed a
           moment before (losetup -j, then losetup -d): the mount then finds no filesystem. A real failure fails each
           time. */
        int saved = errno;
        fprintf(stderr, "zone-disk: mount %s on %s: %s%s\n", device, dir, strerror(saved),
                attempt < ATTACH_ATTEMPTS ? "; trying a fresh loop device" : "");
        ioctl(loop, LOOP_CLR_FD, 0);
        close(loop);
        errno = saved;
    }
    int saved = errno;
    close(control);
    close(file);
    errno = saved;
    return r;
}

static int make_dir(const char *path) {
    return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

static int overlay(const char *lower, const char *upper, const char *work, const char *dir) {
    if (make_dir(upper) != 0 || make_dir(work) != 0) {
        return -1;
    }
    size_t size = strlen(lower) + strlen(upper) + strlen(work) + 64;
    char *options = malloc(size);
    if (options == NULL) {
        return -1;
    }
    snprintf(options, size, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
    int r = mount("overlay", dir, "overlay", 0, options);
    int saved = errno;
    free(options);
    errno = saved;
    return r;
}

/* Each operation takes its arguments as an array of exactly its count. */
static int run_copy(char **a) { return copy(a[0], a[1]); }
static int run_attach(char **a) { return attach(a[0], a[1]); }
static int run_overlay(char **a) { return overlay(a[0], a[1], a[2], a[3]); }
static int run_umount(char **a) { return umount2(a[0], 0); }
static int run_shutdown(char **a) { return shutdown_fs(a[0]); }
static int run_detach(char **a) { return detach(a[0]); }

struct op {
    const char *name;
    int args;
    int (*run)(char **args);
};

static const struct op OPS[] = {
    {"copy", 2, run_copy}, {"attach", 2, run_attach}, {"overlay", 4, run_overlay},
    {"umount", 1, run_umount}, {"shutdown", 1, run_shutdown}, {"detach", 1, run_detach},
};

static int usage(void) {
    fprintf(stderr, "usage: zone-disk {copy TEMPLATE IMAGE|attach IMAGE DIR|overlay LOWER UPPER WORK DIR|umount PATH|"
                    "shutdown PATH|detach DEV}...\n");
    return 2;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        return usage();
    }
    for (int i = 1; i < argc;) {
        const char *name = argv[i];
        const struct op *op = NULL;
        for (size_t k = 0; k < sizeof OPS / sizeof OPS[0]; k++) {
            if (strcmp(name, OPS[k].name) == 0) {
                op = &OPS[k];
            }
        }
        if (op == NULL) {
            fprintf(stderr, "zone-disk: unknown operation '%s'\n", name);
            return 2;
        }
        if (i + op->args > argc - 1) {
            fprintf(stderr, "zone-disk: %s needs %d argument%s\n", name, op->args, op->args == 1 ? "" : "s");
            return 2;
        }
        char **a = argv + i + 1;
        int r = op->run(a);
        if (r != 0) {
            fprintf(stderr, "zone-disk: %s %s: %s\n", name, a[op->args - 1], strerror(errno));
            return 1;
        }
        i += 1 + op->args;
    }
    return 0;
}
