// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "core/caps.h"
#include "core/log.h"

static const char *vx_cap_name(int cap)
{
	switch (cap) {
	case VX_CAP_DAC_OVERRIDE: return "CAP_DAC_OVERRIDE";
	case VX_CAP_NET_ADMIN: return "CAP_NET_ADMIN";
	case VX_CAP_SYS_ADMIN: return "CAP_SYS_ADMIN";
	case VX_CAP_PERFMON: return "CAP_PERFMON";
	case VX_CAP_BPF: return "CAP_BPF";
	default: return "CAP_?";
	}
}

/* The effective set: capget(2) itself, one call that libcap would add a
 * library for. */
static int vx_caps_effective(unsigned long long *eff)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) != 0)
		return -errno;
	*eff = (unsigned long long)d[0].effective |
	       (unsigned long long)d[1].effective << 32;
	return 0;
}

unsigned long long vx_caps_missing(unsigned long long mask)
{
	unsigned long long eff = 0;

	if (vx_caps_effective(&eff) != 0)
		return mask;
	return mask & ~eff;
}

/* "A, B and C" for the capabilities of @mask, in the order they are
 * usually named. */
static void vx_caps_list(char *buf, size_t len, unsigned long long mask)
{
	static const int order[] = { VX_CAP_BPF, VX_CAP_NET_ADMIN, VX_CAP_PERFMON,
				     VX_CAP_SYS_ADMIN, VX_CAP_DAC_OVERRIDE };
	int n = __builtin_popcountll(mask), k = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int c = order[i];

		if (!(mask & (1ull << c)))
			continue;
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
			 k == 0 ? "" : k == n - 1 ? " and " : ", ", vx_cap_name(c));
		k++;
	}
}

bool vx_caps_need(const char *what, unsigned long long mask, const char *why)
{
	unsigned long long miss = vx_caps_missing(mask);
	char all[128], lack[128];

	if (!miss)
		return true;
	vx_caps_list(all, sizeof(all), mask);
	vx_caps_list(lack, sizeof(lack), miss);
	vx_err("%s needs %s; missing: %s%s%s (run it as root, or with %s)", what,
	       all, lack, why ? "; " : "", why ? why : "",
	       __builtin_popcountll(miss) > 1 ? "them" : "it");
	return false;
}

const char *vx_caps_hint(int err, unsigned long long mask)
{
	static char buf[192];
	unsigned long long miss;
	char lack[128];

	if (err != -EPERM && err != -EACCES)
		return "";
	miss = vx_caps_missing(mask);
	if (!miss)
		return "";
	vx_caps_list(lack, sizeof(lack), miss);
	snprintf(buf, sizeof(buf), " (needs %s, which this process lacks)", lack);
	return buf;
}
