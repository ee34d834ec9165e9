// SPDX-License-Identifier: GPL-2.0
/* user/telemetry/rates.c: records of several CPUs into per-interval bins. */
#include <stdio.h>
#include <string.h>

#include "telemetry/rates.h"

static int fails;

#define CHECK(name, cond, ...) do {					\
	if (cond) {							\
		printf("PASS %s\n", name);				\
	} else {							\
		printf("FAIL %s: ", name);				\
		printf(__VA_ARGS__);					\
		printf("\n");						\
		fails++;						\
	}								\
} while (0)

#define IVL 100000000ull /* 100 ms */

static struct vx_rate_rec rec(__u64 start, __u32 cpu, __u64 pk, __u64 dr)
{
	struct vx_rate_rec r;

	memset(&r, 0, sizeof(r));
	r.start_ns = start;
	r.interval_ns = IVL;
	r.cpu = cpu;
	r.nclass = VX_NCLASS;
	r.cls[VX_C_WIREGUARD].packets = pk;
	r.cls[VX_C_WIREGUARD].bytes = pk * 100;
	r.cls[VX_C_WIREGUARD].drops = dr;
	return r;
}

int main(void)
{
	struct vx_rates r;
	struct vx_rate_bin b;
	struct vx_rate_rec x;
	__u64 t0 = 50 * IVL + IVL / 3, start;
	bool popped;

	vx_rates_init(&r, IVL, t0);
	/* two CPUs, the interval top started in */
	x = rec(50 * IVL, 0, 10, 1);
	vx_rates_add(&r, &x, sizeof(x));
	x = rec(50 * IVL, 1, 5, 0);
	vx_rates_add(&r, &x, sizeof(x));
	/* before top started: left out */
	x = rec(49 * IVL, 0, 1000, 0);
	vx_rates_add(&r, &x, sizeof(x));
	CHECK("rates_stale_dropped", r.stale == 1 && r.records == 2,
	      "stale %llu records %llu", (unsigned long long)r.stale,
	      (unsigned long long)r.records);

	popped = vx_rates_pop(&r, 51 * IVL, &b, &start);
	CHECK("rates_not_before_grace", !popped, "popped at the interval's end");
	popped = vx_rates_pop(&r, 51 * IVL + IVL / 4, &b, &start);
	CHECK("rates_sum_cpus", popped && start == 50 * IVL &&
	      b.cls[VX_C_WIREGUARD].packets == 15 && b.cls[VX_C_WIREGUARD].bytes == 1500 &&
	      b.cls[VX_C_WIREGUARD].drops == 1 && b.records == 2,
	      "popped %d start %llu packets %llu", popped, (unsigned long long)start,
	      (unsigned long long)b.cls[VX_C_WIREGUARD].packets);

	/* a record for interval 50 arriving now (its CPU was idle): into the
	 * next bin, not lost */
	x = rec(50 * IVL, 1, 7, 0);
	vx_rates_add(&r, &x, sizeof(x));
	x = rec(51 * IVL, 0, 3, 0);
	vx_rates_add(&r, &x, sizeof(x));
	popped = vx_rates_pop(&r, 52 * IVL + IVL / 4, &b, &start);
	CHECK("rates_late_folded", popped && start == 51 * IVL &&
	      b.cls[VX_C_WIREGUARD].packets == 10,
	      "packets %llu", (unsigned long long)b.cls[VX_C_WIREGUARD].packets);

	/* idle intervals are reported, empty, one per interval */
	popped = vx_rates_pop(&r, 54 * IVL + IVL / 4, &b, &start);
	CHECK("rates_idle_interval", popped && start == 52 * IVL && b.records == 0,
	      "start %llu records %u", (unsigned long long)start, b.records);
	popped = vx_rates_pop(&r, 54 * IVL + IVL / 4, &b, &start);
	CHECK("rates_one_per_interval", popped && start == 53 * IVL &&
	      !vx_rates_pop(&r, 54 * IVL + IVL / 4, &b, &start),
	      "start %llu", (unsigned long long)start);

	x = rec(54 * IVL, 0, 1, 0);
	x.interval_ns = 2 * IVL;
	CHECK("rates_bad_interval", vx_rates_add(&r, &x, sizeof(x)) == -1,
	      "record of another interval taken");
	CHECK("rates_short_record", vx_rates_add(&r, &x, sizeof(x) - 8) == -1,
	      "short record taken");
	/* more classes than the reader knows: only its own are read */
	x = rec(54 * IVL, 0, 1, 0);
	x.nclass = 1000;
	x.cls[VX_MAX_CLASS - 1].packets = 9;
	vx_rates_add(&r, &x, sizeof(x));
	popped = vx_rates_pop(&r, 55 * IVL + IVL / 4, &b, &start);
	CHECK("rates_nclass_clamped", popped && b.cls[VX_C_WIREGUARD].packets == 1 &&
	      b.cls[VX_MAX_CLASS - 1].packets == 9, "packets %llu",
	      (unsigned long long)b.cls[VX_C_WIREGUARD].packets);
	return fails ? 1 : 0;
}
