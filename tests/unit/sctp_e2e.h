/* sctp_e2e.h — shared parts of the SCTP end-to-end tests (run in UML). */
#ifndef RDMAD_TESTS_SCTP_E2E_H
#define RDMAD_TESTS_SCTP_E2E_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdbool.h>
#include <stdint.h>

#include "transport/sctp.h"

#define MIB	(1024u * 1024u)
#define SVC	7001		/* the service the servers listen on */

extern uint16_t	e2e_next_port;	/* daemon port of the next world */

double		e2e_now(void);
socklen_t	e2e_addr(struct sockaddr_storage *ss, uint16_t port);
struct tp_sctp_opts e2e_opts(uint16_t port);
void		e2e_fill(uint8_t *b, size_t len, uint32_t seed);

/* sctp_e2e_mq.c: many QPs per side (tests/helpers/eng_world.c) */
void		test_terminate_neighbour(void);
void		test_thousand_qps(void);
void		test_stream_space(void);
void		test_throughput(void);

#endif /* RDMAD_TESTS_SCTP_E2E_H */
