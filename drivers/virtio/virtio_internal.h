/* SPDX-License-Identifier: MIT */
/*
 * Private to drivers/virtio: helpers shared by the transports.
 */
#ifndef VIRTIO_INTERNAL_H
#define VIRTIO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* "virtio-<kind>@0x<addr>" into buf. */
void virtio_format_name(char *buf, size_t size, const char *kind,
			uint64_t addr);

#endif
