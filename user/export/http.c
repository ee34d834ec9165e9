// SPDX-License-Identifier: GPL-2.0
/*
 * libmicrohttpd 0.9.75 as Debian 12 has it.  Choices, measured there:
 *
 * - poll(2) in one internal thread (MHD_USE_POLL_INTERNAL_THREAD): with
 *   epoll, of several trickling connections closed by their clients at
 *   once all but one stayed in CLOSE-WAIT, holding their per-address slots
 *   until the idle timeout; poll closed them at once.  select cannot take
 *   descriptors past FD_SETSIZE.  At 64 connections poll costs nothing.
 * - Good requests are answered on the handler's second call, once the
 *   request is complete: an answer queued on the first makes MHD close the
 *   connection after it (no keep-alive).  Bad ones are answered at once,
 *   which closes them: fine for them.
 * - Our own listening socket (MHD_OPTION_LISTEN_SOCKET), so that a busy
 *   port is reported as such rather than as a daemon that did not start.
 * - MHD's own messages (one per malformed request) only with -v: a hostile
 *   client must not be able to flood the journal.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <microhttpd.h>

#include "cli/cli.h"
#include "core/exit.h"
#include "core/log.h"
#include "export/http.h"
#include "export/metrics.h"

/* What one client may take.  The per-address limit keeps a client on
 * another address from starving the scraper; the idle timeout frees what a
 * silent client holds (one that trickles a byte at a time is bounded by the
 * limits, not the timeout: hence loopback by default). */
#define VX_HTTP_CONNS 64       /* connections in all */
#define VX_HTTP_PER_IP 8       /* connections from one address */
#define VX_HTTP_TIMEOUT 10     /* seconds of inactivity */
#define VX_HTTP_MEMORY 32768   /* bytes of a connection's pool (headers) */

struct vx_http {
	vx_http_body_fn body;
	void *ctx;
	unsigned long long answered[VX_NHTTP]; /* MHD's thread only */
};

static const char vx_index[] =
	"<!DOCTYPE html>\n<html><head><title>vpnxdp exporter</title></head>\n"
	"<body><h1>vpnxdp exporter</h1>\n"
	"<p><a href=\"/metrics\">Metrics</a></p></body></html>\n";
static const char vx_text[] = "text/plain; charset=utf-8";

static enum MHD_Result vx_http_reply(struct vx_http *h, struct MHD_Connection *c,
				     enum vx_http_code code, const char *type,
				     char *body, size_t len, bool owned)
{
	static const unsigned int status[VX_NHTTP] = {
		[VX_HTTP_200] = MHD_HTTP_OK, [VX_HTTP_404] = MHD_HTTP_NOT_FOUND,
		[VX_HTTP_405] = MHD_HTTP_METHOD_NOT_ALLOWED,
		[VX_HTTP_500] = MHD_HTTP_INTERNAL_SERVER_ERROR,
	};
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = owned ? MHD_create_response_from_buffer_with_free_callback(len, body, free)
		  : MHD_create_response_from_buffer(len, body, MHD_RESPMEM_PERSISTENT);
	if (!r) {
		if (owned)
			free(body);
		return MHD_NO; /* MHD closes the connection */
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (code == VX_HTTP_405)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	h->answered[code]++;
	ret = MHD_queue_response(c, status[code], r);
	MHD_destroy_response(r);
	return ret;
}

/* The request is complete: the index, or a scrape. */
static enum MHD_Result vx_http_answer(struct vx_http *h, struct MHD_Connection *c,
				      bool metrics)
{
	static char fail[] = "vpnxdp: could not read the counters; see the exporter's log\n";
	char *body;
	size_t len;

	if (!metrics)
		return vx_http_reply(h, c, VX_HTTP_200, "text/html; charset=utf-8",
				     (char *)vx_index, sizeof(vx_index) - 1, false);
	body = h->body(h->ctx, h->answered, &len);
	if (!body)
		return vx_http_reply(h, c, VX_HTTP_500, vx_text, fail, sizeof(fail) - 1, false);
	return vx_http_reply(h, c, VX_HTTP_200, "text/plain; version=0.0.4; charset=utf-8",
			     body, len, true);
}

static enum MHD_Result vx_http_handle(void *cls, struct MHD_Connection *c,
				      const char *url, const char *method,
				      const char *version, const char *upload,
				      size_t *upload_size, void **req)
{
	static char not_found[] = "not found: the metrics are at /metrics\n";
	static char bad_method[] = "method not allowed: GET or HEAD only\n";
	struct vx_http *h = cls;
	bool metrics = !strcmp(url, "/metrics");

	(void)version;
	(void)upload;
	if (*req) {
		/* Later calls: a body sent with GET is read and ignored; no
		 * more upload data means the request is complete. */
		if (*upload_size) {
			*upload_size = 0;
			return MHD_YES;
		}
		return vx_http_answer(h, c, metrics);
	}
	*req = h; /* a marker: the first call has been seen */
	if (!metrics && strcmp(url, "/") != 0)
		return vx_http_reply(h, c, VX_HTTP_404, vx_text, not_found,
				     sizeof(not_found) - 1, false);
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return vx_http_reply(h, c, VX_HTTP_405, vx_text, bad_method,
				     sizeof(bad_method) - 1, false);
	return MHD_YES;
}

/* The host part of @spec ([...] for IPv6) and where the port starts. */
static int vx_listen_split(const char *spec, char *host, size_t hostlen,
			   const char **port, bool *v6)
{
	const char *h = spec, *end;

	*v6 = spec[0] == '[';
	if (*v6) {
		h = spec + 1;
		end = strchr(h, ']');
		if (!end || end[1] != ':')
			return -1;
		*port = end + 2;
	} else {
		end = strchr(spec, ':');
		/* one colon only: a bare IPv6 address needs its brackets */
		if (!end || strchr(end + 1, ':'))
			return -1;
		*port = end + 1;
	}
	if (end == h || (size_t)(end - h) >= hostlen)
		return -1;
	memcpy(host, h, (size_t)(end - h));
	host[end - h] = 0;
	return 0;
}

int vx_http_parse_listen(const char *spec, struct sockaddr_storage *ss,
			 socklen_t *len)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN];
	unsigned long long port;
	const char *p;
	bool v6;

	memset(ss, 0, sizeof(*ss));
	if (vx_listen_split(spec, host, sizeof(host), &p, &v6) ||
	    vx_parse_u64(p, &port) || port == 0 || port > 65535)
		return -1;
	if (v6) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a6);
		return inet_pton(AF_INET6, host, &a6->sin6_addr) == 1 ? 0 : -1;
	}
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	*len = sizeof(*a4);
	return inet_pton(AF_INET, host, &a4->sin_addr) == 1 ? 0 : -1;
}

/* The listening socket for @spec, or -1 (said why; errno kept). */
static int vx_http_listen(const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1, saved;

	if (vx_http_parse_listen(spec, &ss, &sl)) {
		vx_err("export: --listen '%s': not ADDR:PORT", spec);
		errno = EINVAL;
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		vx_err("export: socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, VX_HTTP_CONNS)) {
		saved = errno;
		vx_err("export: cannot listen on %s: %s", spec, strerror(saved));
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static void vx_http_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	if (!vx_verbose)
		return;
	fputs("vpnxdp: debug: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

static struct MHD_Daemon *vx_http_start(struct vx_http *h, int fd)
{
	/* The logger must be the first option, or MHD warns on stderr. */
	return MHD_start_daemon(MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
				0, NULL, NULL, vx_http_handle, h,
				MHD_OPTION_EXTERNAL_LOGGER, vx_http_log, NULL,
				MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)VX_HTTP_CONNS,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)VX_HTTP_PER_IP,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)VX_HTTP_TIMEOUT,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)VX_HTTP_MEMORY,
				MHD_OPTION_END);
}

int vx_http_serve(const char *listen_spec, vx_http_body_fn body, void *ctx)
{
	struct vx_http h = { .body = body, .ctx = ctx };
	struct MHD_Daemon *d;
	sigset_t set;
	int fd, sig;

	fd = vx_http_listen(listen_spec);
	if (fd < 0)
		return errno == EINVAL ? VX_EXIT_INPUT : VX_EXIT_SYSTEM;
	/* Blocked before MHD's thread starts, so that it inherits the mask
	 * and the signals come to sigwait() here. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = vx_http_start(&h, fd);
	if (!d) {
		vx_err("export: cannot start the HTTP server on %s", listen_spec);
		close(fd);
		return VX_EXIT_SYSTEM;
	}
	vx_info("export: serving metrics on http://%s/metrics", listen_spec);
	while (sigwait(&set, &sig) != 0)
		;
	MHD_stop_daemon(d);
	close(fd);
	return VX_EXIT_OK;
}
