/* crc32c.h — placeholder, being written. */
#ifndef RDMAD_WIRE_CRC32C_H
#define RDMAD_WIRE_CRC32C_H
#endif
