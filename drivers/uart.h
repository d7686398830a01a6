/* Console UARTs: ns16550a (and its DesignWare APB variant) and sifive,uart0. The caller finds
 * the device in the devicetree, maps its registers and passes their virtual address. The
 * boot firmware has already set the line up: drivers only move bytes. */
#ifndef FAULTLINE_DRIVERS_UART_H
#define FAULTLINE_DRIVERS_UART_H

#include "platform/fdt.h"
#include "platform/types.h"

struct uart_port;

struct uart_ops {
	const char *name;
	void (*putc)(struct uart_port *port, char c);
	int (*getc)(struct uart_port *port); /* a byte, or -EAGAIN when none is waiting */
};

struct uart_port {
	uintptr_t base;	   /* virtual address of the registers */
	uint32_t reg_shift; /* register n lives at base + (n << reg_shift) */
	uint32_t io_width;  /* 1 or 4 bytes per access */
	const struct uart_ops *ops;
};

/*
 * uart_attach - bind @port to the driver for @desc->kind with its registers at @base.
 * Returns 0, or -ENODEV for a kind no driver handles, -EINVAL for an io width it cannot do.
 */
int uart_attach(struct uart_port *port, const struct fdt_uart *desc, uintptr_t base) __must_check;

extern const struct uart_ops uart_ns16550_ops;
extern const struct uart_ops uart_sifive_ops;

#endif
