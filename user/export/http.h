/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exporter's HTTP server (libmicrohttpd): GET or HEAD of /metrics (the
 * exposition) and of / (a small index); any other path 404, any other
 * method 405.  Bounded: connections in all and per client address, an idle
 * timeout, a memory pool per connection; one thread serves them all, so a
 * slow client holds a connection slot, never the scrape.
 */
#ifndef VX_EXPORT_HTTP_H
#define VX_EXPORT_HTTP_H

#include <stddef.h>
#include <sys/socket.h>

/* 127.0.0.1: only local users can reach it unless the operator says
 * otherwise; 18760: see vpnxdp(8), EXPORTER, for why this port. */
#define VX_EXPORT_LISTEN "127.0.0.1:18760"

/* The exposition, malloc'd (its length in *@len), or NULL when it could
 * not be made.  @http: requests answered so far, by enum vx_http_code. */
typedef char *(*vx_http_body_fn)(void *ctx, const unsigned long long *http,
				 size_t *len);

/* "A.B.C.D:PORT" or "[IPV6]:PORT", numeric (no name lookups): 0 and the
 * address, or -1. */
int vx_http_parse_listen(const char *spec, struct sockaddr_storage *ss,
			 socklen_t *len);

/* Serve on @listen until SIGINT or SIGTERM.  Returns an exit code
 * (core/exit.h): OK when stopped by a signal, SYSTEM when the address
 * cannot be served (said why). */
int vx_http_serve(const char *listen, vx_http_body_fn body, void *ctx);

#endif
