/* ssc.h — placeholder, being written. */
#ifndef RDMAD_WIRE_SSC_H
#define RDMAD_WIRE_SSC_H
#endif
