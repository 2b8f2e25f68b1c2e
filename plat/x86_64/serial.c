/* SPDX-License-Identifier: MIT */
/*
 * COM1 console (16550 UART at 0x3f8). It is the first thing plat_main
 * sets up, so every later failure prints. Present on pc, q35 and
 * microvm. Output translates "\n" to "\r\n" and is polled, a FIFO's
 * worth at a time: one look at the status register, then up to 16 bytes
 * with one string instruction (as Linux's 8250 driver fills the FIFO
 * per THRE). Under KVM every port access is an exit to QEMU, and a
 * "rep outsb" is one exit for the whole chunk, so a line costs two exits
 * per 16 bytes instead of two per byte. Input is
 * polled too until a reader asks for the receive interrupt (IRQ 4):
 * then the handler moves bytes into a small ring and calls the reader's
 * notify function, so a blocked read sleeps instead of spinning.
 *
 * Interface: plat_console_write, plat_console_getc,
 * plat_console_rx_irq(notify) (<pith/plat.h>).
 */
#include <pith/io.h>
#include <pith/irq.h>
#include <pith/irqflags.h>
#include <pith/plat.h>

#define COM1		0x3f8
#define UART_DATA	0
#define UART_IER	1
#define UART_FCR	2	/* write */
#define UART_IIR	2	/* read */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define LSR_DR		0x01	/* data ready */
#define LSR_THRE	0x20	/* transmit holding register empty */
#define IER_RDA		0x01	/* interrupt on received data */
#define MCR_OUT2	0x08	/* gates the UART's interrupt line on PCs */
#define IIR_FIFO_ON	0xc0	/* 16550A with its FIFOs enabled */
#define UART_FIFO	16
#define COM1_IRQ	4
#define RX_RING		256

static int serial_present;
static unsigned int tx_room = 1;	/* bytes per empty-FIFO wait */

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
	/* An 8250 without a FIFO takes one byte per empty THR. */
	if ((inb(COM1 + UART_IIR) & IIR_FIFO_ON) == IIR_FIFO_ON)
		tx_room = UART_FIFO;
}

/* Wait until the transmitter is empty (THRE: with the FIFO on, the
 * whole FIFO), then send n <= tx_room bytes. The wait is bounded: a
 * wedged UART must not hang a panic. */
static void serial_send(const char *buf, size_t n)
{
	for (int i = 0; i < 100000; i++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	__asm__ __volatile__("rep outsb"
			     : "+S"(buf), "+c"(n)
			     : "d"((uint16_t)(COM1 + UART_DATA))
			     : "memory");
}

void plat_console_write(const char *s, size_t n)
{
	char chunk[UART_FIFO];
	unsigned long flags;
	size_t k = 0;

	if (!serial_present)
		return;
	flags = local_irq_save();
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			chunk[k++] = '\r';
		chunk[k++] = s[i];
		if (k + 2 > tx_room) {	/* no room for another "\r\n" */
			serial_send(chunk, k);
			k = 0;
		}
	}
	if (k)
		serial_send(chunk, k);
	local_irq_restore(flags);
}

static uint8_t rx_ring[RX_RING];	/* interrupts off while touched */
static unsigned int rx_head, rx_len;
static void (*rx_notify)(void);

static void serial_rx_irq(void *arg)
{
	while (inb(COM1 + UART_LSR) & LSR_DR) {
		uint8_t c = inb(COM1 + UART_DATA);

		if (rx_len < RX_RING)
			rx_ring[(rx_head + rx_len++) % RX_RING] = c;
	}
	if (rx_notify)
		rx_notify();
}

int plat_console_getc(void)
{
	unsigned long flags = local_irq_save();
	int c = -1;

	if (rx_len) {
		c = rx_ring[rx_head];
		rx_head = (rx_head + 1) % RX_RING;
		rx_len--;
	} else if (serial_present && (inb(COM1 + UART_LSR) & LSR_DR)) {
		c = inb(COM1 + UART_DATA);
	}
	local_irq_restore(flags);
	return c;
}

int plat_console_rx_irq(void (*notify)(void))
{
	int err;

	if (!serial_present)
		return -1;
	rx_notify = notify;
	err = request_irq(COM1_IRQ, serial_rx_irq, NULL, "com1", IRQF_EDGE);
	if (err)
		return err;
	outb(COM1 + UART_MCR, 0x03 | MCR_OUT2);
	outb(COM1 + UART_IER, IER_RDA);
	serial_rx_irq(NULL);	/* bytes that came before: no edge for them */
	return 0;
}
