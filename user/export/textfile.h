/* SPDX-License-Identifier: GPL-2.0 */
/* An exposition written to a file whole, for node_exporter's textfile
 * collector (boxes that must not open a port). */
#ifndef VX_EXPORT_TEXTFILE_H
#define VX_EXPORT_TEXTFILE_H

#include <stddef.h>

/* Replace @path with @len bytes of @body atomically: a reader sees the old
 * file or the new one, never a part.  Returns 0, or -1 after saying why
 * (nothing is left behind: the old file, if any, stays). */
int vx_textfile_write(const char *path, const char *body, size_t len);

#endif
