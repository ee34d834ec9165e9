// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "log.h"

int vx_verbose;

static void vx_vlog(const char *tag, const char *fmt, va_list ap)
{
	fprintf(stderr, "vpnxdp: %s", tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void vx_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vx_vlog("", fmt, ap);
	va_end(ap);
}

void vx_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vx_vlog("warning: ", fmt, ap);
	va_end(ap);
}

void vx_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vx_vlog("", fmt, ap);
	va_end(ap);
}

void vx_debug(const char *fmt, ...)
{
	va_list ap;

	if (!vx_verbose)
		return;
	va_start(ap, fmt);
	vx_vlog("debug: ", fmt, ap);
	va_end(ap);
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
