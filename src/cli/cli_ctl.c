/* cli_ctl.c — rdmactl's side of the control socket: HELLO, query, records. */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "wire/ctlmsg.h"

#define CLI_TIMEOUT_MS	5000	/* per reply */

/* Connect to the daemon's socket; -1 with errno. */
static int
cli_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd, e;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Receive one checked message; 0, or -1 after printing why. */
static int
cli_recv(int fd, uint8_t *buf, struct ctl_hdr *h)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	enum ctl_err err;
	ssize_t n;

	if (poll(&p, 1, CLI_TIMEOUT_MS) <= 0) {
		cli_err("rdmad did not answer within %d s", CLI_TIMEOUT_MS /
		    1000);
		return -1;
	}
	if ((n = recv(fd, buf, CTL_MSG_MAX, 0)) <= 0) {
		cli_err("rdmad closed the connection%s%s", n < 0 ? ": " : "",
		    n < 0 ? strerror(errno) : "");
		return -1;
	}
	err = ctl_msg_check(buf, (size_t)n, 0, h);
	if (err == CTL_OK)
		err = ctl_msg_check_dir(h, CTL_DIR_TO_CLIENT);
	if (err == CTL_E_VERSION && h->type == CTL_MSG_HELLO_REPLY) {
		cli_err("rdmad speaks control protocol %u, rdmactl %u: use "
		    "the rdmactl of the same release", h->version,
		    CTL_PROTO_VERSION);
		return -1;
	}
	if (err != CTL_OK) {
		cli_err("bad message from rdmad: %s", ctl_strerror(err));
		return -1;
	}
	return 0;
}

/* Send one encoded message. */
static int
cli_send(int fd, const uint8_t *buf, int n)
{
	if (n < 0 || send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n) {
		cli_err("cannot send to rdmad: %s", n < 0 ?
		    ctl_strerror((enum ctl_err)-n) : strerror(errno));
		return -1;
	}
	return 0;
}

/* HELLO and its reply. */
static int
cli_hello(int fd, uint8_t *buf)
{
	struct ctl_hello h;
	struct ctl_hello_reply hr;
	struct ctl_hdr hdr;

	memset(&h, 0, sizeof(h));
	h.version = CTL_PROTO_VERSION;
	snprintf(h.client_name, sizeof(h.client_name), "rdmactl");
	if (cli_send(fd, buf, ctl_hello_encode(1, &h, buf, CTL_MSG_MAX)) ||
	    cli_recv(fd, buf, &hdr))
		return -1;
	if (hdr.type != CTL_MSG_HELLO_REPLY || ctl_hello_reply_decode(buf +
	    CTL_HDR_LEN, hdr.len - CTL_HDR_LEN, &hr) != CTL_OK) {
		cli_err("rdmad answered HELLO with %s",
		    ctl_type_name(hdr.type));
		return -1;
	}
	return 0;
}

/* Append one record. */
static void
cli_recs_add(struct cli_recs *r, uint32_t type, const union ctla_any *m)
{
	struct cli_rec *v;

	if ((v = realloc(r->v, (r->n + 1) * sizeof(*v))) == NULL) {
		cli_err("out of memory");
		exit(CLI_EXIT_FAIL);
	}
	r->v = v;
	v[r->n].type = type;
	v[r->n].m = *m;
	r->n++;
}

/* One page: records until END (0), MORE (1, *next set) or error (-1). */
static int
cli_page(int fd, uint8_t *buf, uint32_t query, uint32_t start,
    struct cli_recs *out, uint32_t *next)
{
	struct ctl_result res;
	struct ctl_hdr h;
	union ctla_any m;
	uint32_t reqid = 2 + start;

	memset(&m, 0, sizeof(m));
	m.req.version = CTLA_VERSION;
	m.req.query = query;
	m.req.start = start;
	if (cli_send(fd, buf, ctla_encode(CTLA_MSG_REQ, reqid, &m, buf,
	    CTL_MSG_MAX)))
		return -1;
	for (;;) {
		if (cli_recv(fd, buf, &h) == -1)
			return -1;
		if (h.reqid != reqid)
			continue;		/* not ours */
		if (h.type == CTL_MSG_END)
			return 0;
		if (h.type == CTL_MSG_RESULT) {
			if (ctl_result_decode(buf + CTL_HDR_LEN, h.len -
			    CTL_HDR_LEN, &res) != CTL_OK)
				res.message[0] = '\0';
			cli_err("rdmad refused: %s (%s)", res.message,
			    strerror((int)res.code));
			return -1;
		}
		if (ctla_decode(h.type, buf + CTL_HDR_LEN, h.len -
		    CTL_HDR_LEN, &m) != CTL_OK)
			continue;	/* a record type of a later version */
		if (h.type == CTLA_MSG_MORE) {
			if (m.more.next <= start) {
				cli_err("rdmad sent a bad page index");
				return -1;
			}
			*next = m.more.next;
			return 1;
		}
		cli_recs_add(out, h.type, &m);
	}
}

int
cli_query(const struct cli_opts *o, uint32_t query, struct cli_recs *out)
{
	uint8_t *buf;
	uint32_t start = 0;
	int fd, r;

	memset(out, 0, sizeof(*out));
	if ((fd = cli_connect(o->socket)) == -1) {
		cli_err("cannot reach rdmad at %s: %s — is the service "
		    "running? (rdmactl -S PATH or RDMAD_SOCKET name another "
		    "socket)", o->socket, strerror(errno));
		return CLI_EXIT_UNREACHABLE;
	}
	if ((buf = malloc(CTL_MSG_MAX)) == NULL) {
		close(fd);
		cli_err("out of memory");
		return CLI_EXIT_FAIL;
	}
	if ((r = cli_hello(fd, buf)) == 0)
		while ((r = cli_page(fd, buf, query, start, out, &start)) == 1)
			continue;
	free(buf);
	close(fd);
	if (r != 0) {
		cli_recs_free(out);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

void
cli_recs_free(struct cli_recs *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}
