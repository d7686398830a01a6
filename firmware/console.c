/* Console output: one lock so lines from several harts do not interleave. */
#include "firmware/console.h"

#include "drivers/uart.h"
#include "platform/errno.h"
#include "platform/riscv/sbi.h"
#include "platform/riscv/spinlock.h"

static struct uart_port port;
static bool have_uart;
static bool panicking;
static spinlock_t lock = SPINLOCK_INIT;

int console_init(const struct fdt_uart *desc, uintptr_t base)
{
	int rc = uart_attach(&port, desc, base);

	have_uart = rc == 0;
	return rc;
}

const char *console_name(void)
{
	return have_uart ? port.ops->name : "sbi legacy console";
}

void console_putc(char c)
{
	if (have_uart) {
		if (c == '\n')
			port.ops->putc(&port, '\r');
		port.ops->putc(&port, c);
	} else {
		sbi_console_putchar(c);
	}
}

int console_getc(void)
{
	return have_uart ? port.ops->getc(&port) : -EAGAIN;
}

unsigned long console_lock(void)
{
	unsigned long flags = irq_save();

	if (!__atomic_load_n(&panicking, __ATOMIC_RELAXED))
		spin_lock(&lock);
	return flags;
}

void console_unlock(unsigned long flags)
{
	if (!__atomic_load_n(&panicking, __ATOMIC_RELAXED))
		spin_unlock(&lock);
	irq_restore(flags);
}

void console_panic(void)
{
	__atomic_store_n(&panicking, true, __ATOMIC_RELAXED);
}
