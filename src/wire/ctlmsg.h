/* ctlmsg.h — placeholder, being written. */
#ifndef RDMAD_WIRE_CTLMSG_H
#define RDMAD_WIRE_CTLMSG_H
#endif
