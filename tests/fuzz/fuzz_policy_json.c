// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: the policy json parser (user/policy/json.c), and the
 * canonical round trip of whatever it accepts (fuzz_policy_common.h). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_policy_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_policy pol;
	struct vx_diag d;

	vx_policy_init(&pol);
	if (vx_policy_parse_json(&pol, (const char *)data, size, "fuzz", &d) == 0)
		vx_fuzz_roundtrip(&pol);
	vx_policy_free(&pol);
	return 0;
}
