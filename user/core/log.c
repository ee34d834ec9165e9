// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "core/log.h"

int vx_verbose;
static FILE *vx_log_out; /* NULL: stderr */

FILE *vx_log_redirect(FILE *f)
{
	FILE *prev = vx_log_out;

	vx_log_out = f;
	return prev;
}

void vx_log(enum vx_level level, const char *fmt, ...)
{
	static const char *const tag[] = {
		[VX_LOG_ERR] = "",
		[VX_LOG_WARN] = "warning: ",
		[VX_LOG_INFO] = "",
		[VX_LOG_DEBUG] = "debug: ",
	};
	int saved = errno; /* callers say why, then return -errno */
	FILE *out = vx_log_out ? vx_log_out : stderr;
	va_list ap;

	if (level == VX_LOG_DEBUG && !vx_verbose)
		return;
	fprintf(out, "vpnxdp: %s", tag[level]);
	va_start(ap, fmt);
	/* clang-tidy 14 reports ap as uninitialized right after va_start:
	 * a known analyzer false positive on x86-64. */
	vfprintf(out, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	va_end(ap);
	fputc('\n', out);
	errno = saved;
}

static int vx_libbpf_print(enum libbpf_print_level level, const char *fmt,
			   va_list ap)
{
	/* Without -v, libbpf's warnings are followed by our own error line. */
	if (!vx_verbose || (level == LIBBPF_DEBUG && vx_verbose < 2))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int vx_libxdp_print(enum libxdp_print_level level, const char *fmt,
			   va_list ap)
{
	if (!vx_verbose || (level == LIBXDP_DEBUG && vx_verbose < 2))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void vx_log_setup_libs(void)
{
	libbpf_set_print(vx_libbpf_print);
	libxdp_set_print(vx_libxdp_print);
}
