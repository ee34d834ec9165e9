/* SPDX-License-Identifier: GPL-2.0 */
/* Where the shared captures are: $VX_PCAP_DIR, else shared/pcap beside the
 * repository (the repository root is found above this test binary). */
#ifndef VX_TEST_PCAPDIR_H
#define VX_TEST_PCAPDIR_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline int vx_pcap_dir(char *out, size_t len)
{
	const char *env = getenv("VX_PCAP_DIR");
	char exe[PATH_MAX], probe[PATH_MAX + 64];
	ssize_t n;
	char *slash;

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	while ((slash = strrchr(exe, '/')) && slash != exe) {
		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/headers/vpnxdp_common.h", exe);
		if (access(probe, R_OK) == 0) {
			slash = strrchr(exe, '/');
			if (!slash)
				return -1;
			*slash = '\0';
			if (strlen(exe) + sizeof("/shared/pcap") > len)
				return -1;
			strcpy(out, exe);
			strcat(out, "/shared/pcap");
			return 0;
		}
	}
	return -1;
}

#endif
