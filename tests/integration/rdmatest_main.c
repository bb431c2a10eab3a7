/* rdmatest_main.c — rdmatest: measurements, flood, client threads, main(). */

/*
 * One binary, two roles.  The server (-s) listens on a service port of
 * its daemon and serves any number of connections from one event loop:
 * each connection gets its own target buffer (registered with every
 * remote right and MW_BIND), receive buffer and CQs, and obeys 64-octet
 * commands the client sends with RDMA Send (checksum a range, fill it
 * with a pattern, set/get a 64-bit word, register a region, bind or
 * invalidate a window, report the next data message's completion).
 * The client (-c) connects one or more QPs and drives every operation
 * with random sizes; each transfer is verified with FNV-1a over the
 * octets, computed on both sides and exchanged through Sends, and every
 * completion's status, opcode, length and flags is checked exactly.
 * Negative cases (--negative) check the error completion status and the
 * Terminate triple (RFC 5040 §4.8) the initiator gets.
 *
 * Output: one "ok" or "FAIL" line per check, then "N passed, M failed";
 * the exit status is 0 only when every check passed.
 */

#include "rdmatest.h"

/* ---- measurements and the flood ------------------------------------- */

/* 64-octet Send/Send round trips: median and mean in microseconds. */
static void
c_rtt(struct c_conn *c, unsigned int n)
{
	struct t_msg m;
	double *v, t0, sum = 0;
	unsigned int i, j;

	if ((v = calloc(n, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < n && !c->broken; i++) {
		t0 = t_now();
		if (!c_call(c, C_NOP, 0, 0, 0, 0, &m))
			break;
		v[i] = (t_now() - t0) * 1e6;
		sum += v[i];
		/* Insertion sort keeps v[0..i] ordered. */
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			t0 = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t0;
		}
	}
	if (check(i == n, "%s: %u 64 B Send/Send round trips", c->name, n))
		info("%s: 64 B round trip: median %.1f us, mean %.1f us, min "
		    "%.1f us", c->name, v[n / 2], sum / n, v[0]);
	free(v);
}

/*
 * Pipelined Writes or Reads of len octets, k times, at most `depth`
 * outstanding; bandwidth printed, the last transfer verified.
 */
static void
c_bw(struct c_conn *c, bool rd, size_t len, unsigned int k)
{
	struct rdmad_send_wr wr;
	struct rdmad_wc wc;
	struct t_msg m;
	uint8_t *p = c->buf + C_DATA_OFF;
	unsigned int posted = 0, done = 0, depth = rd ? c->ord : 16, bad = 0;
	double t0, dt;
	const char *what = rd ? "Read bandwidth" : "Write bandwidth";
	int r;

	if (rd && !c_call(c, C_FILL, 0, len, rnd(&c->rng), 0, &m))
		return;
	if (!rd)
		pat_fill(p, 0, len, rnd(&c->rng));
	t0 = t_now();
	while (done < k && !c->broken) {
		while (posted < k && posted - done < depth) {
			memset(&wr, 0, sizeof(wr));
			wr.wr_id = posted;
			wr.opcode = rd ? RDMAD_WR_RDMA_READ :
			    RDMAD_WR_RDMA_WRITE;
			wr.flags = RDMAD_SEND_SIGNALED;
			wr.remote_addr = c->raddr;
			wr.rkey = c->rkey;
			wr.num_sge = 1;
			wr.sg_list[0].addr = (uintptr_t)p;
			wr.sg_list[0].length = (uint32_t)len;
			wr.sg_list[0].lkey = c->lkey;
			if ((r = rdmad_post_send(c->qp, &wr)) != 0) {
				check(false, "%s: %s: post: %s", c->name, what,
				    rdmad_strerror(r));
				c->broken = true;
				return;
			}
			posted++;
		}
		if (!c_wait(c, c->scq, &wc, what, c_tmo(len) * 4))
			return;
		if (wc.status != RDMAD_WC_SUCCESS)
			bad++;
		done++;
	}
	/* A Write completes when handed to TCP: an 8-octet Read behind
	 * the Writes returns only after they were placed. */
	if (!rd) {
		c_wr_rdma(c, &wr, RDMAD_WR_RDMA_READ, c->res, 8, c->raddr,
		    c->rkey);
		if (!c_do(c, &wr, RDMAD_WC_RDMA_READ, what, 8))
			return;
	}
	dt = t_now() - t0;
	if (!check(bad == 0, "%s: %s: %u x %zu B all succeed", c->name, what,
	    k, len))
		return;
	info("%s: %s: %.1f MiB/s (%u x %zu B in %.3f s)", c->name, what,
	    (double)len * k / dt / 1048576.0, k, len, dt);
	if (!c_call(c, C_CKSUM, 0, len, 0, 0, &m))
		return;
	check(m.a == fnv(FNV_INIT, p, len), "%s: %s: data verified", c->name,
	    what);
}

/*
 * Write max-size messages until an error completion arrives (the peer
 * or a daemon was killed) or the time limit passes.  Passes when an
 * error completion arrived.
 */
static void
c_flood(struct c_conn *c, double deadline)
{
	struct rdmad_send_wr wr;
	struct rdmad_wc wc;
	struct rdmad_qp_info qi;
	unsigned int out = 0, idle = 0;
	uint64_t n = 0;
	int r;

	info("%s: flooding with %zu B Writes", c->name, c->max);
	while (t_now() < deadline) {
		while (out < 8) {
			memset(&wr, 0, sizeof(wr));
			wr.opcode = RDMAD_WR_RDMA_WRITE;
			wr.flags = RDMAD_SEND_SIGNALED;
			wr.remote_addr = c->raddr;
			wr.rkey = c->rkey;
			wr.num_sge = 1;
			wr.sg_list[0].addr = (uintptr_t)c->buf;
			wr.sg_list[0].length = (uint32_t)c->max;
			wr.sg_list[0].lkey = c->lkey;
			if ((r = rdmad_post_send(c->qp, &wr)) != 0) {
				check(r == -ENOTCONN, "%s: flood: post_send "
				    "refused after %" PRIu64 " Writes: %s",
				    c->name, n, rdmad_strerror(r));
				c->broken = true;
				return;
			}
			out++;
		}
		r = cq_wait(c->scq, &wc, 200);
		if (r == -ENOTCONN) {
			check(true, "%s: flood: our daemon is gone: poll_cq "
			    "says %s after %" PRIu64 " Writes at %.2f s",
			    c->name, rdmad_strerror(r), n, t_now());
			c->broken = true;
			return;
		}
		if (r < 0) {
			check(false, "%s: flood: poll: %s", c->name,
			    rdmad_strerror(r));
			return;
		}
		if (r == 0) {
			/* Nothing for 1 s: is our own daemon still there?
			 * (The data path alone cannot tell.) */
			if (++idle % 5 == 0 &&
			    (r = rdmad_qp_query(c->qp, &qi)) == -ENOTCONN) {
				check(true, "%s: flood: our daemon is gone: "
				    "rdmad_qp_query says %s after %" PRIu64
				    " Writes at %.2f s, no completion came",
				    c->name, rdmad_strerror(r), n, t_now());
				c->broken = true;
				return;
			}
			continue;
		}
		idle = 0;
		out--;
		n++;
		if (wc.status != RDMAD_WC_SUCCESS) {
			check(true, "%s: flood: error completion %s (term "
			    "%d/%d/0x%02x) after %" PRIu64 " Writes at %.2f s",
			    c->name, st_name(wc.status), wc.term_layer,
			    wc.term_etype, wc.term_ecode, n, t_now());
			c->broken = true;
			return;
		}
	}
	check(false, "%s: flood: no error completion before the time limit "
	    "(%" PRIu64 " Writes)", c->name, n);
}

/* ---- client threads and main ---------------------------------------- */

struct c_thread {
	pthread_t	tid;
	unsigned int	idx;
};

/* One QP's positive run (a thread with its own context). */
static void *
c_thread_main(void *arg)
{
	struct c_thread *t = arg;
	struct c_conn c;
	char name[24];

	snprintf(name, sizeof(name), "qp%u", t->idx);
	if (!c_open(&c, name, opt_max, opt_seed * 1000003u + t->idx))
		return NULL;
	if (c_want("flood")) {
		c_flood(&c, opt_time);
		c_close(&c);
		return NULL;
	}
	c_run_ops(&c, opt_time * 0.8);
	if (c_want("rtt") && !c.broken)
		c_rtt(&c, 1000);
	if (c_want("bw") && !c.broken) {
		c_bw(&c, false, c.max, c.max >= (16u << 20) ? 16 : 64);
		c_bw(&c, true, c.max, c.max >= (16u << 20) ? 16 : 64);
	}
	c_bye(&c);
	c_close(&c);
	return NULL;
}

/* Client: the QP threads, then window tests and negative cases. */
static int
c_main(void)
{
	struct c_thread *th;
	const char *p;
	char name[32];
	unsigned int i;
	size_t n;

	if ((th = calloc(opt_qps, sizeof(*th))) == NULL)
		return 2;
	if (opt_neg == NULL || c_want("flood")) {
		for (i = 0; i < opt_qps; i++) {
			th[i].idx = i;
			if (pthread_create(&th[i].tid, NULL, c_thread_main,
			    &th[i]) != 0) {
				check(false, "pthread_create");
				opt_qps = i;
				break;
			}
		}
		for (i = 0; i < opt_qps; i++)
			pthread_join(th[i].tid, NULL);
		if (c_want("mw1")) {
			c_mw("mw1", opt_seed + 101);
			c_mw("mw1-bounds", opt_seed + 102);
		}
		if (c_want("mw2")) {
			c_mw("mw2-local", opt_seed + 103);
			c_mw("mw2-remote", opt_seed + 104);
		}
	}
	if (opt_neg != NULL) {
		for (p = opt_neg; *p != '\0';) {
			n = strcspn(p, ",");
			snprintf(name, sizeof(name), "%.*s", (int)n, p);
			if (strcmp(name, "all") == 0) {
				for (i = 0; neg_all[i] != NULL; i++)
					c_negative(neg_all[i], opt_seed + i);
			} else
				c_negative(name, opt_seed);
			p += n;
			if (*p == ',')
				p++;
		}
	}
	free(th);
	return 0;
}

/* Usage message. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: rdmatest -s|-c [-S socket] [-p port] [-H host] [-n iter]\n"
	    "         [--sizes LIST] [--max-size N] [--seed N] [--op LIST]\n"
	    "         [--qps N] [--negative CASE|all] [--time S] [-q] "
	    "[--spin]\n"
	    "         [--linger MS] (server: delay destroying a failed QP)\n"
	    "         [--transport auto|sctp|tcp] (client: connect, server: "
	    "listen)\n"
	    "         [--expect sctp|tcp] [--expect-why TEXT] (client: what "
	    "every QP gets)\n"
	    "ops: all send send_se send_inv send_se_inv write write_imm imm\n"
	    "     imm_se read atomic linv mw1 mw2 rtt bw flood\n");
	exit(2);
}

/* "auto", "sctp" or "tcp". */
static enum rdmad_transport
parse_transport(const char *s)
{
	if (strcmp(s, "auto") == 0)
		return RDMAD_TRANSPORT_AUTO;
	if (strcmp(s, "sctp") == 0)
		return RDMAD_TRANSPORT_SCTP;
	if (strcmp(s, "tcp") == 0)
		return RDMAD_TRANSPORT_TCP;
	usage();
}

/* Parse a size with an optional k/m/g suffix. */
static size_t
parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'k': case 'K': v <<= 10; break;
	case 'm': case 'M': v <<= 20; break;
	case 'g': case 'G': v <<= 30; break;
	default: break;
	}
	return (size_t)v;
}

int
main(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "sizes", required_argument, NULL, 'Z' },
		{ "max-size", required_argument, NULL, 'M' },
		{ "seed", required_argument, NULL, 'r' },
		{ "op", required_argument, NULL, 'o' },
		{ "qps", required_argument, NULL, 'Q' },
		{ "negative", required_argument, NULL, 'N' },
		{ "time", required_argument, NULL, 't' },
		{ "spin", no_argument, NULL, 'P' },
		{ "linger", required_argument, NULL, 'L' },
		{ "transport", required_argument, NULL, 'T' },
		{ "expect", required_argument, NULL, 'E' },
		{ "expect-why", required_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, mode = 0, rv;

	clock_gettime(CLOCK_MONOTONIC, &t_start);
	opt_seed = (uint64_t)time(NULL);
	while ((ch = getopt_long(argc, argv, "csS:p:H:n:qt:", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': mode = 'c'; break;
		case 's': mode = 's'; break;
		case 'S': opt_sock = optarg; break;
		case 'p': opt_port = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'H': opt_host = optarg; break;
		case 'n': opt_iter = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'q': opt_quiet = 1; break;
		case 't': opt_time = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'Z': opt_sizes = optarg; break;
		case 'M': opt_max = parse_size(optarg); break;
		case 'r': opt_seed = strtoull(optarg, NULL, 0); break;
		case 'o': opt_ops = optarg; break;
		case 'Q': opt_qps = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'N': opt_neg = optarg; break;
		case 'P': opt_spin = 1; break;
		case 'L': opt_linger = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'T': opt_transport = parse_transport(optarg);
			opt_listen_transport = opt_transport;
			break;
		case 'E': opt_expect = parse_transport(optarg); break;
		case 'W': opt_expect_why = optarg; break;
		default: usage();
		}
	}
	if (mode == 0 || optind != argc || opt_qps < 1 || opt_qps > 64 ||
	    opt_max < 64 || opt_max > (1u << 30) || opt_port < 1 ||
	    opt_port > 65535)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (mode == 's')
		return s_main();
	info("client: seed %" PRIu64 ", %u QPs, sizes 0..%zu, ops %s%s%s",
	    opt_seed, opt_qps, opt_max, opt_ops, opt_neg ? ", negative " : "",
	    opt_neg ? opt_neg : "");
	rv = c_main();
	printf("%u passed, %u failed\n", t_pass, t_fail);
	return rv != 0 ? rv : t_fail == 0 && t_pass > 0 ? 0 : 1;
}
