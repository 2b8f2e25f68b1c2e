/* SPDX-License-Identifier: MIT */
/*
 * COM1 console (16550 UART at 0x3f8), polled. It is the first thing
 * plat_main sets up, so every later failure prints. Present on pc, q35 and
 * microvm. Output translates "\n" to "\r\n".
 */
#include <pith/io.h>
#include <pith/irqflags.h>
#include <pith/plat.h>

#define COM1		0x3f8
#define UART_DATA	0
#define UART_IER	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define LSR_DR		0x01	/* data ready */
#define LSR_THRE	0x20	/* transmit holding register empty */

static int serial_present;

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80);	/* divisor latch */
	outb(COM1 + UART_DATA, 0x01);	/* 115200 baud */
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1 */
	outb(COM1 + UART_FCR, 0x07);	/* FIFO on, cleared */
	outb(COM1 + UART_MCR, 0x03);	/* DTR, RTS */
	/* A missing UART reads as all ones. */
	serial_present = inb(COM1 + UART_LSR) != 0xff;
}

static void serial_putc(char c)
{
	/* Bounded wait: a wedged UART must not hang a panic. */
	for (int i = 0; i < 100000; i++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_DATA, (uint8_t)c);
}

void plat_console_write(const char *s, size_t n)
{
	unsigned long flags;

	if (!serial_present)
		return;
	flags = local_irq_save();
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
	local_irq_restore(flags);
}

int plat_console_getc(void)
{
	if (!serial_present || !(inb(COM1 + UART_LSR) & LSR_DR))
		return -1;
	return inb(COM1 + UART_DATA);
}
