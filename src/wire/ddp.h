/* ddp.h — placeholder, being written. */
#ifndef RDMAD_WIRE_DDP_H
#define RDMAD_WIRE_DDP_H
#endif
