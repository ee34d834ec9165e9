// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <bpf/bpf.h>

#include "core/bpffs.h"
#include "core/log.h"

#ifndef BPF_F_PATH_FD
#define BPF_F_PATH_FD (1U << 14) /* kernel 6.5; not in the 6.1 uapi headers */
#endif

int vx_bpffs_ensure(void)
{
	struct statfs st;

	if (statfs(VX_BPFFS, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", VX_BPFFS, "bpf", 0, "mode=0700") != 0) {
		vx_err("bpffs is not mounted at %s and mounting it failed: %s",
		       VX_BPFFS, strerror(errno));
		return -errno;
	}
	vx_debug("mounted bpffs at %s", VX_BPFFS);
	return 0;
}

/* Why a directory we opened may not be trusted, or "" when it may. */
static void vx_dir_distrust(int fd, char *why, size_t len)
{
	struct statfs sf;
	struct stat st;

	why[0] = 0;
	if (fstat(fd, &st) != 0 || fstatfs(fd, &sf) != 0)
		snprintf(why, len, "cannot inspect it: %s", strerror(errno));
	else if (sf.f_type != BPF_FS_MAGIC)
		snprintf(why, len, "not on bpffs");
	else if (!S_ISDIR(st.st_mode))
		snprintf(why, len, "not a directory");
	else if (st.st_uid != 0)
		snprintf(why, len, "owned by uid %u, not root", (unsigned int)st.st_uid);
	else if (st.st_mode & 022)
		snprintf(why, len, "mode %04o lets group or others write it",
			 (unsigned int)(st.st_mode & 07777));
}

int vx_subdir_open(int dirfd, const char *name, char *why, size_t len)
{
	struct stat st, st2;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		snprintf(why, len, "%s", strerror(errno));
		return -errno;
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(why, len, "a symlink, not a directory vpnxdp made");
		return -ELOOP;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, len, "not a directory");
		return -ENOTDIR;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "%s", strerror(errno));
		return -errno;
	}
	vx_dir_distrust(fd, why, len);
	/* the entry checked is the one opened */
	if (!why[0] && (fstat(fd, &st2) != 0 || st2.st_ino != st.st_ino))
		snprintf(why, len, "replaced while it was opened");
	if (why[0]) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

static int vx_root_refuse(int err, const char *why)
{
	if (err == -EACCES)
		vx_err("cannot open %s: %s (the pins are root's: run as root, or "
		       "with CAP_DAC_OVERRIDE)", VX_PIN_ROOT, strerror(-err));
	else if (err == -EPERM || err == -ELOOP || err == -ENOTDIR)
		vx_err("%s is %s: refusing to use it (vpnxdp makes it a root-owned "
		       "directory, mode 0700); someone else made it: inspect it, remove "
		       "it (rm -r %s) and run the command again", VX_PIN_ROOT, why,
		       VX_PIN_ROOT);
	else
		vx_err("cannot open %s: %s", VX_PIN_ROOT, why);
	return err;
}

int vx_root_open(bool create)
{
	char why[160];
	int b, fd;

	b = open(VX_BPFFS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b < 0) {
		vx_err("cannot open %s: %s", VX_BPFFS, strerror(errno));
		return -errno;
	}
	if (create && mkdirat(b, "vpnxdp", 0700) != 0 && errno != EEXIST) {
		vx_err("cannot create %s: %s", VX_PIN_ROOT, strerror(errno));
		close(b);
		return -errno;
	}
	fd = vx_subdir_open(b, "vpnxdp", why, sizeof(why));
	close(b);
	if (fd == -ENOENT && !create)
		return fd;
	return fd < 0 ? vx_root_refuse(fd, why) : fd;
}

/* The 6.5+ attributes of BPF_OBJ_GET and BPF_OBJ_PIN, with path_fd, which
 * libbpf 1.1 has no wrapper for (the uapi headers of 6.1 lack the field):
 * the system call by hand. */
struct vx_obj_attr {
	__u64 pathname;
	__u32 bpf_fd;
	__u32 file_flags;
	__s32 path_fd;
};

static int vx_obj_at(int cmd, int fd, int dirfd, const char *name)
{
	union bpf_attr a;
	struct vx_obj_attr *o = (struct vx_obj_attr *)&a;

	memset(&a, 0, sizeof(a));
	o->pathname = (__u64)(unsigned long)name;
	o->bpf_fd = (__u32)fd;
	o->file_flags = BPF_F_PATH_FD;
	o->path_fd = dirfd;
	return (int)syscall(__NR_bpf, cmd, &a, sizeof(a));
}

/* Kernels before 6.5 refuse the flag (EINVAL): then the same directory
 * through /proc/self/fd. */
static int vx_obj_proc(int cmd, int fd, int dirfd, const char *name)
{
	char path[32 + VX_ENTRY_LEN];

	snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dirfd, name);
	return cmd == BPF_OBJ_GET ? bpf_obj_get(path) : bpf_obj_pin(fd, path);
}

int vx_pin_get(int dirfd, const char *name)
{
	struct stat st;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	if (!S_ISREG(st.st_mode))
		return -EINVAL; /* bpffs pins are regular files */
	fd = vx_obj_at(BPF_OBJ_GET, 0, dirfd, name);
	if (fd < 0 && errno == EINVAL)
		fd = vx_obj_proc(BPF_OBJ_GET, 0, dirfd, name);
	return fd < 0 ? -errno : fd;
}

int vx_pin_put(int fd, int dirfd, const char *name)
{
	int err = vx_obj_at(BPF_OBJ_PIN, fd, dirfd, name);

	if (err && errno == EINVAL)
		err = vx_obj_proc(BPF_OBJ_PIN, fd, dirfd, name);
	return err ? -errno : 0;
}

int vx_subdir_remove(int parent, const char *name)
{
	char why[160];
	struct dirent *de;
	int fd = vx_subdir_open(parent, name, why, sizeof(why)), err = 0;
	DIR *d;

	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (unlinkat(fd, de->d_name, 0) != 0 && errno != ENOENT && !err)
			err = -errno;
	}
	closedir(d);
	if (unlinkat(parent, name, AT_REMOVEDIR) != 0 && errno != ENOENT && !err)
		err = -errno;
	return err;
}

int vx_subdir_rename(int dirfd, const char *from, const char *to)
{
	return renameat2(dirfd, from, dirfd, to, RENAME_NOREPLACE) ? -errno : 0;
}

int vx_fd_lock(int fd, const char *what)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return -errno;
	vx_info("%s: another vpnxdp command is changing it; waiting", what);
	return flock(fd, LOCK_EX) ? -errno : 0;
}

bool vx_fd_locked(int fd)
{
	int dup_fd = -1;
	bool held;

	/* a lock of our own on @fd would not conflict: ask through a new
	 * open file description of the same directory */
	dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup_fd < 0)
		return false;
	held = flock(dup_fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	close(dup_fd);
	return held;
}

static int vx_name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int vx_dir_entries(int dir, char (*names)[VX_ENTRY_LEN], int max)
{
	int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), n = 0;
	struct dirent *de;
	DIR *d;

	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d)) && n < max) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(names[n++], VX_ENTRY_LEN, "%s", de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), vx_name_cmp);
	return n;
}

char vx_bpf_fd_kind(int fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = 0;
	if (!strcmp(target, "anon_inode:bpf-prog"))
		return 'p';
	if (!strcmp(target, "anon_inode:bpf-map"))
		return 'm';
	if (!strcmp(target, "anon_inode:bpf-link"))
		return 'l';
	return 0;
}
