/* mpa.h — placeholder, being written. */
#ifndef RDMAD_WIRE_MPA_H
#define RDMAD_WIRE_MPA_H
#endif
