/* SiFive UART (sifive,uart0): FIFO registers whose top bit says full (tx) or empty (rx). */
#include "drivers/uart.h"

#include "platform/errno.h"

#define SIFIVE_TXDATA 0x00
#define SIFIVE_RXDATA 0x04
#define SIFIVE_TX_FULL 0x80000000u
#define SIFIVE_RX_EMPTY 0x80000000u

static volatile uint32_t *reg(struct uart_port *p, unsigned int off)
{
	return (volatile uint32_t *)(p->base + off);
}

static void sifive_putc(struct uart_port *p, char c)
{
	while (*reg(p, SIFIVE_TXDATA) & SIFIVE_TX_FULL)
		;
	*reg(p, SIFIVE_TXDATA) = (uint8_t)c;
}

static int sifive_getc(struct uart_port *p)
{
	uint32_t v = *reg(p, SIFIVE_RXDATA);

	if (v & SIFIVE_RX_EMPTY)
		return -EAGAIN;
	return (int)(v & 0xff);
}

const struct uart_ops uart_sifive_ops = {
	.name = "sifive,uart0",
	.putc = sifive_putc,
	.getc = sifive_getc,
};
