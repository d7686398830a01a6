/* 16550-compatible UARTs, including Synopsys DesignWare APB ones (32-bit registers, spaced by
 * reg-shift). Polled transmit and receive. */
#include "drivers/uart.h"

#include "platform/errno.h"

#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_LSR 5 /* line status */
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20

static uint32_t reg_read(struct uart_port *p, unsigned int reg)
{
	uintptr_t a = p->base + ((uintptr_t)reg << p->reg_shift);

	if (p->io_width == 4)
		return *(volatile uint32_t *)a;
	return *(volatile uint8_t *)a;
}

static void reg_write(struct uart_port *p, unsigned int reg, uint32_t v)
{
	uintptr_t a = p->base + ((uintptr_t)reg << p->reg_shift);

	if (p->io_width == 4)
		*(volatile uint32_t *)a = v;
	else
		*(volatile uint8_t *)a = (uint8_t)v;
}

static void ns16550_putc(struct uart_port *p, char c)
{
	while (!(reg_read(p, UART_LSR) & UART_LSR_THRE))
		;
	reg_write(p, UART_THR, (uint8_t)c);
}

static int ns16550_getc(struct uart_port *p)
{
	if (!(reg_read(p, UART_LSR) & UART_LSR_DR))
		return -EAGAIN;
	return (int)(reg_read(p, UART_RBR) & 0xff);
}

const struct uart_ops uart_ns16550_ops = {
	.name = "ns16550",
	.putc = ns16550_putc,
	.getc = ns16550_getc,
};
