/* ctlverbs.h — placeholder, being written. */
#ifndef RDMAD_WIRE_CTLVERBS_H
#define RDMAD_WIRE_CTLVERBS_H
#endif
