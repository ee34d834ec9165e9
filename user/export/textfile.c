// SPDX-License-Identifier: GPL-2.0
/*
 * PATH.tmp.XXXXXX beside PATH (same file system, so rename(2) is atomic;
 * node_exporter reads only *.prom, so it never reads the temporary file),
 * mode 0644 (node_exporter need not run as root), fsync, rename, then
 * fsync of the directory so that the rename itself survives a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "export/textfile.h"

static int vx_write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void vx_sync_dir(const char *path)
{
	char dir[PATH_MAX];
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int vx_textfile_write(const char *path, const char *body, size_t len)
{
	char tmp[PATH_MAX];
	int fd, err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp)) {
		vx_err("export: --textfile %s: path too long", path);
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		vx_err("export: cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0644) || vx_write_all(fd, body, len) || fsync(fd)) {
		err = errno;
		close(fd);
		unlink(tmp);
		vx_err("export: cannot write %s: %s", tmp, strerror(err));
		return -1;
	}
	if (close(fd) || rename(tmp, path)) {
		err = errno;
		unlink(tmp);
		vx_err("export: cannot replace %s: %s", path, strerror(err));
		return -1;
	}
	vx_sync_dir(path);
	return 0;
}
