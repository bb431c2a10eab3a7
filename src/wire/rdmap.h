/* rdmap.h — placeholder, being written. */
#ifndef RDMAD_WIRE_RDMAP_H
#define RDMAD_WIRE_RDMAP_H
#endif
