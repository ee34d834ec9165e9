/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pin root, /sys/fs/bpf/vpnxdp, and what is in it, handled so that
 * nothing in bpffs that vpnxdp did not check can steer it.
 *
 * /sys/fs/bpf is world-writable (mode 1777) on a default mount, so anyone
 * could have made /sys/fs/bpf/vpnxdp before vpnxdp did.  vpnxdp creates it
 * 0700, never removes it (while it exists nobody else can take the name:
 * the sticky bit keeps others from renaming or removing root's directory),
 * and uses it only if it is a directory on bpffs owned by root with no
 * group or other write.  Entries are looked at without following symlinks
 * (fstatat AT_SYMLINK_NOFOLLOW) and opened relative to the checked
 * directory's fd, never by a path that could be re-resolved; removal is
 * unlinkat, renames renameat2 with RENAME_NOREPLACE.
 */
#ifndef VX_BPFFS_H
#define VX_BPFFS_H

#include <stdbool.h>
#include <stddef.h>

#define VX_BPFFS "/sys/fs/bpf"
#define VX_PIN_ROOT VX_BPFFS "/vpnxdp"
#define VX_ENTRY_LEN 256 /* NAME_MAX + 1: any entry bpffs holds */

/* Ensure bpffs is mounted at /sys/fs/bpf, mounting it as xdp-tools does. */
int vx_bpffs_ensure(void);

/* The pin root's fd, checked; with @create made (0700) if it is not there.
 * Returns -ENOENT (not printed) when it is not there and !@create, or
 * another negative errno, printed with what to do: -EPERM for one that is
 * not vpnxdp's to trust. */
int vx_root_open(bool create);

/* A subdirectory @name of @dirfd that may be trusted: not a symlink, a
 * directory, owned by root, no group or other write.  Returns its fd, or
 * -ENOENT (not there), or a negative errno with @why saying what it is. */
int vx_subdir_open(int dirfd, const char *name, char *why, size_t len);

/* The BPF object pinned as @name in @dirfd: a pin (bpffs's regular file),
 * not a symlink, opened relative to @dirfd.  Returns an fd, -ENOENT, -ELOOP
 * (a symlink), -EINVAL (not a pin), or the kernel's errno. */
int vx_pin_get(int dirfd, const char *name);

/* Pin @fd as @name in @dirfd.  Returns 0 or a negative errno. */
int vx_pin_put(int fd, int dirfd, const char *name);

/* Remove @name of @dirfd and every entry in it (unlinked, never followed).
 * Returns 0 or the first negative errno. */
int vx_subdir_remove(int dirfd, const char *name);

/* renameat2(RENAME_NOREPLACE) within @dirfd.  0 or a negative errno. */
int vx_subdir_rename(int dirfd, const char *from, const char *to);

/* Take an exclusive flock on @fd, waiting (and saying so, about @what)
 * while another vpnxdp holds it.  0 or a negative errno. */
int vx_fd_lock(int fd, const char *what);

/* Does another process hold a lock on @fd right now? */
bool vx_fd_locked(int fd);

/* The entries of @dirfd (no "." or ".."), sorted, at most @max.  Returns
 * how many, or a negative errno. */
int vx_dir_entries(int dirfd, char (*names)[VX_ENTRY_LEN], int max);

/* What kind of BPF object @fd is: 'p' program, 'm' map, 'l' link, 0 none. */
char vx_bpf_fd_kind(int fd);

#endif
