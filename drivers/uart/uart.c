/* Driver choice for the console UART, from the kind the devicetree reader matched. */
#include "drivers/uart.h"

#include "platform/errno.h"

int uart_attach(struct uart_port *port, const struct fdt_uart *desc, uintptr_t base)
{
	port->base = base;
	port->reg_shift = desc->reg_shift;
	port->io_width = desc->reg_io_width ? desc->reg_io_width : 1;
	switch (desc->kind) {
	case FDT_UART_NS16550:
	case FDT_UART_DW_APB:
		if (port->io_width != 1 && port->io_width != 4)
			return -EINVAL;
		port->ops = &uart_ns16550_ops;
		return 0;
	case FDT_UART_SIFIVE:
		port->ops = &uart_sifive_ops;
		return 0;
	default:
		return -ENODEV;
	}
}
