# faultline: the one build entry. `make help` lists targets and variables.

O ?= build
CROSS_COMPILE ?= riscv64-unknown-elf-
MACHINE ?= virt
MEM ?= 128M
SMP ?=
QEMUFLAGS ?=
LOAD_PA ?= 0x80200000
V ?= 0
.DEFAULT_GOAL := all

ifeq ($(V),1)
Q :=
else
Q := @
endif

CC := $(CROSS_COMPILE)gcc
OBJCOPY := $(CROSS_COMPILE)objcopy
NM := $(CROSS_COMPILE)nm
READELF := $(CROSS_COMPILE)readelf
# The bare-metal linker cannot make shared objects: the vDSO is linked by the Linux one.
VDSO_LD ?= riscv64-linux-gnu-ld
HOSTCC ?= cc
QEMU ?= qemu-system-riscv64
GDB ?= gdb-multiarch
# Debian's Python, which has the packages deps.sh installs (matplotlib), whatever comes first
# in PATH
PYTHON := /usr/bin/python3

# make BOARD=NAME: that board's load address for the ELF, and its image format and boot
# recipe for `make image` (tools/boards.py holds the profiles; `make help` lists them).
BOARD ?=
IMAGE_BOARD := $(or $(BOARD),virt)
BOARD_LOAD_PA := $(shell $(PYTHON) tools/boards.py get $(IMAGE_BOARD) load_pa)
ifeq ($(BOARD_LOAD_PA),)
$(error no board '$(IMAGE_BOARD)': `make help` lists the boards)
endif
ifneq ($(BOARD),)
LOAD_PA := $(BOARD_LOAD_PA)
endif
BOARD_FORMAT := $(shell $(PYTHON) tools/boards.py get $(IMAGE_BOARD) format)

VERSION := 0.1.0
GIT_REV := $(shell git rev-parse --short HEAD 2>/dev/null)
FULL_VERSION := $(VERSION)$(if $(GIT_REV),-g$(GIT_REV))

WARN := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes
CFLAGS := -std=gnu11 -O2 -g $(WARN) -march=rv64imac_zicsr_zifencei -mabi=lp64 \
	-mcmodel=medany -ffreestanding -fno-builtin -fno-common -fno-pic -fno-jump-tables \
	-fno-omit-frame-pointer -fno-stack-protector -fno-tree-loop-distribute-patterns -nostdlib -I. \
	-MMD -MP $(EXTRA_CFLAGS)
ASFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -I. -D__ASSEMBLER__ -MMD -MP
LDFLAGS := -nostdlib -static -Wl,--gc-sections -Wl,--no-warn-rwx-segments -Wl,-z,max-page-size=4096

ifeq ($(AUDIT),1)
CFLAGS += -DFAULTLINE_AUDIT_EACH_FAULT=1
endif

HOST_CFLAGS := -std=gnu11 -g -O1 $(WARN) -I. -DHOST_TEST \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# Sources shared by every image: everything but the payload and the task image table.
KERNEL_SRCS := $(wildcard firmware/*.c firmware/*.S platform/*.c platform/riscv/*.c mm/*.c \
	drivers/uart/*.c drivers/rtc/*.c)
KERNEL_SRCS := $(filter-out firmware/payload.c,$(KERNEL_SRCS))

# Tasks: static RISC-V executables built against picolibc and our small runtime.
TASK_CFLAGS := -std=gnu11 -O2 -g $(WARN) -march=rv64imac -misa-spec=2.2 -mabi=lp64 \
	-mcmodel=medany --specs=picolibc.specs -fno-common -I. -Ifirmware/tasks/runtime -MMD -MP
TASK_LDFLAGS := -static -nostartfiles -T linker/task.ld -Wl,-z,max-page-size=4096 \
	-Wl,--no-warn-rwx-segments -Wl,--gc-sections
TASK_RUNTIME := $(O)/tasks/runtime/crt0.o $(O)/tasks/runtime/start.o
DEMO_TASKS := $(patsubst firmware/tasks/%.c,$(O)/tasks/%.elf,$(wildcard firmware/tasks/*.c))
TEST_TASKS := $(patsubst tests/qemu/tasks/%.c,$(O)/tasks/test/%.elf,$(wildcard tests/qemu/tasks/*.c)) \
	$(O)/tasks/test/rawecall.elf
# Images the loader must refuse, made from a good one: cut short, and for another machine.
BAD_TASKS := $(O)/tasks/bad/truncated.elf $(O)/tasks/bad/x86.elf
BENCH_TASKS := $(patsubst tests/bench/%.c,$(O)/tasks/bench/%.elf,$(wildcard tests/bench/*.c))
# Programs built as anyone would for Linux: static glibc from Debian's cross compiler.
GLIBC_CC ?= riscv64-linux-gnu-gcc
GLIBC_CFLAGS := -static -O2 -g -Wall -Wextra -Werror -Itests/glibc
GLIBC_TASKS := $(patsubst tests/glibc/%.c,$(O)/tasks/glibc/%,$(wildcard tests/glibc/*.c))
# Linux 6.1's own mm selftests, built unmodified from Debian's linux-source-6.1 (only the
# selftests and tools/include are unpacked). The README names the ones out of scope.
LINUX_SOURCE ?= /usr/src/linux-source-6.1.tar.xz
SELFTESTS := map_fixed_noreplace virtual_address_range mremap_dontunmap on-fault-limit
# and its futex selftests (tools/testing/selftests/futex/functional) that need no SysV shm
FUTEX_SELFTESTS := futex_requeue futex_wait_wouldblock futex_wait_uninitialized_heap \
	futex_wait_private_mapped_file
SELFTEST_SRC := $(O)/selftests/src
SELFTEST_TASKS := $(patsubst %,$(O)/tasks/selftests/%,$(SELFTESTS)) \
	$(patsubst %,$(O)/tasks/selftests/futex/%,$(FUTEX_SELFTESTS))
# Tasks for a normal image (what `make` builds) under test: what only test images may do.
PLAIN_TASKS := $(patsubst tests/qemu/plain/%.c,$(O)/tasks/plain/%.elf,$(wildcard tests/qemu/plain/*.c))
# Tasks built with frame pointers, so that a fault trace has their whole call stacks: the
# leaky demo of `make trace` and the trace tests' tasks (tests/qemu/trace/).
FP_TASK_CFLAGS := $(TASK_CFLAGS) -fno-omit-frame-pointer
TRACE_DEMO := $(O)/tasks/extra/leaky.elf
TRACE_TEST_TASKS := $(patsubst tests/qemu/trace/%.c,$(O)/tasks/trace/%.elf,$(wildcard tests/qemu/trace/*.c))
# make TASKS="a.elf b.elf": the boot tasks are exactly those files
BOOT_TASKS := $(if $(TASKS),$(TASKS),$(DEMO_TASKS))
KTEST_SRCS := $(wildcard tests/qemu/*.c)
# mm/, the pure parts of platform/ and the ChaCha20 block compile unchanged on the host.
HOST_LIB_SRCS := $(wildcard mm/*.c) platform/fdt.c platform/board.c firmware/chacha20.c \
	tests/host/mm_host.c tests/host/host_ram.c tests/host/sv39.c
HOST_TESTS := $(patsubst tests/host/%.c,$(O)/host/%,$(wildcard tests/host/test_*.c))

objs = $(patsubst %,$(O)/obj/%.o,$(1))
KERNEL_OBJS := $(call objs,$(KERNEL_SRCS))

# The vDSO (firmware/vdso/): a small shared object that every task maps, position-independent
# with no relocation to process, built with its own flags and linker script.
VDSO_CFLAGS := -std=gnu11 -O2 $(WARN) -march=rv64imac_zicsr -mabi=lp64 -fPIC -ffreestanding \
	-fno-builtin -nostdlib -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fomit-frame-pointer -I. -MMD -MP
VDSO_LDFLAGS := -shared -soname=linux-vdso.so.1 --hash-style=both --no-undefined \
	-z max-page-size=4096 -z noexecstack
VDSO_OBJS := $(patsubst firmware/vdso/%,$(O)/vdso/%.o,$(wildcard firmware/vdso/*.c firmware/vdso/*.S))

# Settings are dependencies. Each group of make variables that changes what is built is
# written to a file under $(O)/settings/ whenever its value differs from the file's, and
# what the group affects depends on that file: `make AUDIT=1` after `make` recompiles the
# kernel, `make LOAD_PA=...` relinks, and an unchanged setting rebuilds nothing.
SETTINGS_kernel = $(CC) $(CFLAGS) $(ASFLAGS)
SETTINGS_link = $(CC) $(LDFLAGS) LOAD_PA=$(LOAD_PA)
SETTINGS_tasks = $(CC) $(TASK_CFLAGS) $(TASK_LDFLAGS)
SETTINGS_host = $(HOSTCC) $(HOST_CFLAGS)
SETTINGS_glibc = $(GLIBC_CC) $(GLIBC_CFLAGS)
SETTINGS_vdso = $(CC) $(VDSO_CFLAGS) $(VDSO_LD) $(VDSO_LDFLAGS)
SETTINGS_version = $(FULL_VERSION)
# which tasks each image embeds: a task added or removed rebuilds that image's table
SETTINGS_images = $(BOOT_TASKS)
SETTINGS_test-images = $(TEST_TASKS) -- $(DEMO_TASKS) $(BAD_TASKS)
SETTINGS_plain-images = $(PLAIN_TASKS)
SETTINGS_glibc-images = $(GLIBC_TASKS)
SETTINGS_bench-images = $(BENCH_TASKS)
SETTINGS_trace-images = $(TRACE_TEST_TASKS)
SETTINGS_selftest-images = $(SELFTEST_TASKS)
SETTINGS_disk = $(IMAGE_BOARD) $(LOAD_PA) APPEND=$(APPEND)
$(O)/settings/%: FORCE
	$(shell mkdir -p $(dir $@))$(file >$@.new,$(strip $(SETTINGS_$*)))
	@cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@
SETTING = $(O)/settings/$(1)

# Only these two say the version (boot log, uname): a new commit recompiles just them.
VERSION_OBJS := $(call objs,firmware/main.c firmware/sys_info.c)
$(VERSION_OBJS): private CFLAGS += -DFAULTLINE_VERSION='"$(FULL_VERSION)"'
$(VERSION_OBJS): $(call SETTING,version)

.PHONY: all run test test-build debug clean help deps dtbs bench fuzz image recipe trace FORCE
.SECONDARY:
# the insncount QEMU plugin, set before the prerequisite lists that name it (they expand at once)
INSNCOUNT := $(O)/tools/insncount.so
test-build: $(HOST_TESTS) $(O)/test/faultline-test.elf $(O)/test/faultline-plain.elf \
	$(O)/test/faultline-glibc.elf $(O)/test/faultline-selftests.elf \
	$(O)/test/faultline-plain.bin $(O)/test/faultline-plain.img $(O)/test/faultline-plain.itb \
	$(O)/test/faultline-trace.elf $(O)/test/faultline-insnloop.elf $(INSNCOUNT) dtbs
all: $(O)/faultline.elf $(O)/faultline.bin

$(O)/obj/%.c.o: %.c $(call SETTING,kernel)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(O)/obj/%.S.o: %.S $(call SETTING,kernel)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(ASFLAGS) -c $< -o $@

$(O)/vdso/%.c.o: firmware/vdso/%.c $(call SETTING,vdso)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(VDSO_CFLAGS) -c $< -o $@

$(O)/vdso/%.S.o: firmware/vdso/%.S $(call SETTING,vdso)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(VDSO_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

# A relocation would need a loader to process it in every task: refuse the object instead.
# The symbol offsets become a header for the kernel (the signal trampoline's address).
$(O)/vdso/vdso.so: $(VDSO_OBJS) firmware/vdso/vdso.lds $(call SETTING,vdso)
	@$(if $(Q),echo "  VDSO    $@")
	$(Q)$(VDSO_LD) $(VDSO_LDFLAGS) -T firmware/vdso/vdso.lds $(VDSO_OBJS) -o $@.dbg
	$(Q)$(READELF) -r $@.dbg | grep -q "no relocations" || \
		{ echo "vdso: the vDSO has relocations" >&2; rm -f $@.dbg; exit 1; }
	$(Q)$(OBJCOPY) -S $@.dbg $@
	$(Q)$(NM) $@.dbg | awk '$$3 ~ /^__vdso_/ { printf "#define VDSO_SYM%s 0x%s\n", \
		substr($$3, 7), $$1 }' > $(O)/vdso/vdso-syms.h

$(call objs,firmware/vdso.c): $(O)/vdso/vdso.so
$(call objs,firmware/vdso.c): private CFLAGS += -I$(O)/vdso -DVDSO_SO_PATH='"$(O)/vdso/vdso.so"'

$(O)/firmware.ld: linker/firmware.ld.S platform/riscv/memlayout.h $(call SETTING,link)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -I. -D__ASSEMBLER__ -DLOAD_PA=$(LOAD_PA) $< -o $@

$(O)/obj/ksyms-empty.S.o: tools/ksyms.sh $(call SETTING,kernel)
	@mkdir -p $(dir $@)
	$(Q)sh tools/ksyms.sh $(NM) - > $(O)/obj/ksyms-empty.S
	$(Q)$(CC) $(ASFLAGS) -c $(O)/obj/ksyms-empty.S -o $@

# link IMAGE OBJECTS TASKS: two passes, so that the image carries its own symbol table. The
# table sits last in rodata, after all text: its size moves no function, which the cmp checks.
# An image too big for the boot tables is refused with its size and its largest TASKS.
define link
	@mkdir -p $(dir $(1))
	@$(if $(Q),echo "  LD      $(1)")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -T $(O)/firmware.ld $(2) $(O)/obj/ksyms-empty.S.o \
		-o $(1).pass1 -lgcc
	$(Q)sh tools/imagecheck.sh $(NM) $(1).pass1 $(3)
	$(Q)sh tools/ksyms.sh $(NM) $(1).pass1 > $(1).ksyms.S
	$(Q)$(CC) $(ASFLAGS) -c $(1).ksyms.S -o $(1).ksyms.o
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -T $(O)/firmware.ld $(2) $(1).ksyms.o -o $(1) -lgcc
	$(Q)sh tools/ksyms.sh $(NM) $(1) | cmp -s - $(1).ksyms.S || \
		{ echo "ksyms: text moved between link passes" >&2; rm -f $(1); exit 1; }
endef

$(O)/tasks/runtime/%.o: firmware/tasks/runtime/%.S $(call SETTING,tasks)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(TASK_CFLAGS) -c $< -o $@

$(O)/tasks/runtime/%.o: firmware/tasks/runtime/%.c $(call SETTING,tasks)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(TASK_CFLAGS) -c $< -o $@

$(O)/tasks/%.elf: firmware/tasks/%.c $(TASK_RUNTIME) linker/task.ld $(call SETTING,tasks)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TASK    $@")
	$(Q)$(CC) $(TASK_CFLAGS) $(TASK_LDFLAGS) $(TASK_RUNTIME) $< -o $@

$(O)/tasks/test/%.elf: tests/qemu/tasks/%.c $(TASK_RUNTIME) linker/task.ld $(call SETTING,tasks)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TASK    $@")
	$(Q)$(CC) $(TASK_CFLAGS) $(TASK_LDFLAGS) $(TASK_RUNTIME) $< -o $@

$(O)/tasks/plain/%.elf: tests/qemu/plain/%.c $(TASK_RUNTIME) linker/task.ld $(call SETTING,tasks)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TASK    $@")
	$(Q)$(CC) $(TASK_CFLAGS) $(TASK_LDFLAGS) $(TASK_RUNTIME) $< -o $@

$(O)/tasks/glibc/%: tests/glibc/%.c tests/glibc/check.h $(call SETTING,glibc)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GLIBC   $@")
	$(Q)$(GLIBC_CC) $(GLIBC_CFLAGS) $< -o $@

$(SELFTEST_SRC)/.unpacked: $(LINUX_SOURCE)
	@mkdir -p $(SELFTEST_SRC)
	@$(if $(Q),echo "  UNPACK  Linux's mm selftests from $(notdir $<)")
	$(Q)tar -xJf $< -C $(SELFTEST_SRC) --strip-components=1 \
		linux-source-6.1/tools/testing/selftests/vm \
		linux-source-6.1/tools/testing/selftests/kselftest.h linux-source-6.1/tools/include
	@touch $@

$(O)/tasks/selftests/%: $(SELFTEST_SRC)/.unpacked $(call SETTING,glibc)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GLIBC   $@")
	$(Q)$(GLIBC_CC) -static -O2 -I$(SELFTEST_SRC)/tools/include \
		$(SELFTEST_SRC)/tools/testing/selftests/vm/$*.c -o $@

$(SELFTEST_SRC)/.unpacked-futex: $(LINUX_SOURCE)
	@mkdir -p $(SELFTEST_SRC)
	@$(if $(Q),echo "  UNPACK  Linux's futex selftests from $(notdir $<)")
	$(Q)tar -xJf $< -C $(SELFTEST_SRC) --strip-components=1 \
		linux-source-6.1/tools/testing/selftests/futex \
		linux-source-6.1/tools/testing/selftests/kselftest.h
	@touch $@

$(O)/tasks/selftests/futex/%: $(SELFTEST_SRC)/.unpacked-futex $(call SETTING,glibc)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GLIBC   $@")
	$(Q)$(GLIBC_CC) -static -O2 -D_GNU_SOURCE -pthread \
		-I$(SELFTEST_SRC)/tools/testing/selftests \
		-I$(SELFTEST_SRC)/tools/testing/selftests/futex/include \
		$(SELFTEST_SRC)/tools/testing/selftests/futex/functional/$*.c -o $@ -lrt

$(O)/tasks/extra/%.elf: firmware/tasks/extra/%.c $(TASK_RUNTIME) linker/task.ld $(call SETTING,tasks)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TASK    $@")
	$(Q)$(CC) $(FP_TASK_CFLAGS) $(TASK_LDFLAGS) $(TASK_RUNTIME) $< -o $@

$(O)/tasks/trace/%.elf: tests/qemu/trace/%.c $(TASK_RUNTIME) linker/task.ld $(call SETTING,tasks)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TASK    $@")
	$(Q)$(CC) $(FP_TASK_CFLAGS) $(TASK_LDFLAGS) $(TASK_RUNTIME) $< -o $@

$(O)/tasks/bench/%.elf: tests/bench/%.c $(TASK_RUNTIME) linker/task.ld $(call SETTING,tasks)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TASK    $@")
	$(Q)$(CC) $(TASK_CFLAGS) $(TASK_LDFLAGS) $(TASK_RUNTIME) $< -o $@

# Built as anyone would for Linux with no libc: the toolchain's own linker script.
$(O)/tasks/test/rawecall.elf: tests/qemu/raw/rawecall.c $(call SETTING,tasks)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TASK    $@")
	$(Q)$(CC) -march=rv64imac -mabi=lp64 -O2 -ffreestanding -nostdlib -static $< -o $@

$(O)/tasks/bad/truncated.elf: $(O)/tasks/hello.elf
	@mkdir -p $(dir $@)
	$(Q)head -c 200 $< > $@
$(O)/tasks/bad/x86.elf: $(O)/tasks/hello.elf
	@mkdir -p $(dir $@)
	$(Q)cp $< $@ && printf '\076\000' | dd of=$@ bs=1 seek=18 conv=notrunc status=none

# The image tables: each depends on its list of tasks (a setting) and on the tasks.
$(O)/obj/images.S.o: tools/mkimages.sh $(BOOT_TASKS) $(call SETTING,kernel) \
		$(call SETTING,images)
	$(Q)sh tools/mkimages.sh $(BOOT_TASKS) > $(O)/obj/images.S
	$(Q)$(CC) $(ASFLAGS) -c $(O)/obj/images.S -o $@
$(O)/obj/test-images.S.o: tools/mkimages.sh $(TEST_TASKS) $(DEMO_TASKS) $(BAD_TASKS) $(call SETTING,kernel) \
		$(call SETTING,test-images)
	$(Q)sh tools/mkimages.sh $(TEST_TASKS) -- $(DEMO_TASKS) $(BAD_TASKS) > $(O)/obj/test-images.S
	$(Q)$(CC) $(ASFLAGS) -c $(O)/obj/test-images.S -o $@
$(O)/obj/plain-images.S.o: tools/mkimages.sh $(PLAIN_TASKS) $(call SETTING,kernel) \
		$(call SETTING,plain-images)
	$(Q)sh tools/mkimages.sh $(PLAIN_TASKS) > $(O)/obj/plain-images.S
	$(Q)$(CC) $(ASFLAGS) -c $(O)/obj/plain-images.S -o $@
$(O)/obj/glibc-images.S.o: tools/mkimages.sh $(GLIBC_TASKS) $(call SETTING,kernel) \
		$(call SETTING,glibc-images)
	$(Q)sh tools/mkimages.sh $(GLIBC_TASKS) > $(O)/obj/glibc-images.S
	$(Q)$(CC) $(ASFLAGS) -c $(O)/obj/glibc-images.S -o $@
$(O)/obj/selftest-images.S.o: tools/mkimages.sh $(SELFTEST_TASKS) $(call SETTING,kernel) \
		$(call SETTING,selftest-images)
	$(Q)sh tools/mkimages.sh $(SELFTEST_TASKS) > $(O)/obj/selftest-images.S
	$(Q)$(CC) $(ASFLAGS) -c $(O)/obj/selftest-images.S -o $@
$(O)/obj/bench-images.S.o: tools/mkimages.sh $(BENCH_TASKS) $(call SETTING,kernel) \
		$(call SETTING,bench-images)
	$(Q)sh tools/mkimages.sh $(BENCH_TASKS) > $(O)/obj/bench-images.S
	$(Q)$(CC) $(ASFLAGS) -c $(O)/obj/bench-images.S -o $@
$(O)/obj/trace-images.S.o: tools/mkimages.sh $(TRACE_TEST_TASKS) $(call SETTING,kernel) \
		$(call SETTING,trace-images)
	$(Q)sh tools/mkimages.sh $(TRACE_TEST_TASKS) > $(O)/obj/trace-images.S
	$(Q)$(CC) $(ASFLAGS) -c $(O)/obj/trace-images.S -o $@
FORCE:

$(O)/faultline.elf: $(KERNEL_OBJS) $(call objs,firmware/payload.c) $(O)/obj/images.S.o \
		$(O)/firmware.ld $(O)/obj/ksyms-empty.S.o tools/ksyms.sh tools/imagecheck.sh $(call SETTING,link)
	$(call link,$@,$(KERNEL_OBJS) $(call objs,firmware/payload.c) $(O)/obj/images.S.o,$(BOOT_TASKS))

$(O)/bench/faultline-bench.elf: $(KERNEL_OBJS) $(call objs,firmware/payload.c) \
		$(O)/obj/bench-images.S.o $(O)/firmware.ld $(O)/obj/ksyms-empty.S.o tools/ksyms.sh \
		$(call SETTING,link)
	$(call link,$@,$(KERNEL_OBJS) $(call objs,firmware/payload.c) $(O)/obj/bench-images.S.o,\
		$(BENCH_TASKS))

# The multi-hart bench (tests/bench/smp/): one static glibc program in a normal image, timed
# per hart by the insncount QEMU plugin (tools/insncount/), built with the host's compiler.
SMPBENCH_TASKS := $(O)/tasks/smpbench/smpbench
INSNLOOP_TASKS := $(O)/tasks/smpbench/insnloop
$(INSNCOUNT): tools/insncount/insncount.c $(call SETTING,host)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) -std=gnu11 -O2 $(WARN) -shared -fPIC -fvisibility=hidden $< -o $@ -lpthread
$(O)/tasks/smpbench/%: tests/bench/smp/%.c $(call SETTING,glibc)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GLIBC   $@")
	$(Q)$(GLIBC_CC) -static -O2 -g -Wall -Wextra -Werror $< -o $@
$(O)/obj/%-smpimages.S.o: tools/mkimages.sh $(O)/tasks/smpbench/% $(call SETTING,kernel)
	$(Q)sh tools/mkimages.sh $(O)/tasks/smpbench/$* > $(O)/obj/$*-smpimages.S
	$(Q)$(CC) $(ASFLAGS) -c $(O)/obj/$*-smpimages.S -o $@
$(O)/bench/faultline-smpbench.elf: $(KERNEL_OBJS) $(call objs,firmware/payload.c) \
		$(O)/obj/smpbench-smpimages.S.o $(O)/firmware.ld $(O)/obj/ksyms-empty.S.o \
		tools/ksyms.sh $(call SETTING,link)
	$(call link,$@,$(KERNEL_OBJS) $(call objs,firmware/payload.c) \
		$(O)/obj/smpbench-smpimages.S.o,$(SMPBENCH_TASKS))
$(O)/test/faultline-insnloop.elf: $(KERNEL_OBJS) $(call objs,firmware/payload.c) \
		$(O)/obj/insnloop-smpimages.S.o $(O)/firmware.ld $(O)/obj/ksyms-empty.S.o \
		tools/ksyms.sh $(call SETTING,link)
	$(call link,$@,$(KERNEL_OBJS) $(call objs,firmware/payload.c) \
		$(O)/obj/insnloop-smpimages.S.o,$(INSNLOOP_TASKS))

$(O)/test/faultline-plain.elf: $(KERNEL_OBJS) $(call objs,firmware/payload.c) \
		$(O)/obj/plain-images.S.o $(O)/firmware.ld $(O)/obj/ksyms-empty.S.o tools/ksyms.sh \
		$(call SETTING,link)
	$(call link,$@,$(KERNEL_OBJS) $(call objs,firmware/payload.c) $(O)/obj/plain-images.S.o,\
		$(PLAIN_TASKS))

# The fault tracer's tests: a normal image whose tasks have known fault sites.
$(O)/test/faultline-trace.elf: $(KERNEL_OBJS) $(call objs,firmware/payload.c) \
		$(O)/obj/trace-images.S.o $(O)/firmware.ld $(O)/obj/ksyms-empty.S.o tools/ksyms.sh \
		$(call SETTING,link)
	$(call link,$@,$(KERNEL_OBJS) $(call objs,firmware/payload.c) $(O)/obj/trace-images.S.o,\
		$(TRACE_TEST_TASKS))

# The glibc programs, each run alone by the test payload like the test tasks.
$(O)/test/faultline-glibc.elf: $(KERNEL_OBJS) $(call objs,$(KTEST_SRCS)) $(O)/firmware.ld \
		$(O)/obj/glibc-images.S.o $(O)/obj/ksyms-empty.S.o tools/ksyms.sh
	$(call link,$@,$(KERNEL_OBJS) $(call objs,$(KTEST_SRCS)) $(O)/obj/glibc-images.S.o,\
		$(GLIBC_TASKS))

$(O)/test/faultline-selftests.elf: $(KERNEL_OBJS) $(call objs,$(KTEST_SRCS)) $(O)/firmware.ld \
		$(O)/obj/selftest-images.S.o $(O)/obj/ksyms-empty.S.o tools/ksyms.sh
	$(call link,$@,$(KERNEL_OBJS) $(call objs,$(KTEST_SRCS)) $(O)/obj/selftest-images.S.o,\
		$(SELFTEST_TASKS))

$(O)/test/faultline-test.elf: $(KERNEL_OBJS) $(call objs,$(KTEST_SRCS)) $(O)/firmware.ld \
		$(O)/obj/test-images.S.o $(O)/obj/ksyms-empty.S.o tools/ksyms.sh
	$(call link,$@,$(KERNEL_OBJS) $(call objs,$(KTEST_SRCS)) $(O)/obj/test-images.S.o,\
		$(TEST_TASKS) $(DEMO_TASKS) $(BAD_TASKS))

%.bin: %.elf
	$(Q)$(OBJCOPY) -O binary $< $@
	@echo "  IMAGE   $< and $@ ($$(stat -c %s $@) bytes)"

# ---- board images --------------------------------------------------------------------------
# make image: the disk image U-Boot's distro boot starts from an SD card, USB stick or virtio
# disk (MBR, one bootable FAT32 partition at 1 MiB: faultline.bin, extlinux/extlinux.conf),
# built without root. APPEND="..." becomes extlinux's append line, so /chosen/bootargs.
# Boards whose vendor U-Boot runs `bootm` get a FIT image (boot.sd) on it as well.
APPEND ?=
BOARD_DTB := tests/fixtures/dtb/$(shell $(PYTHON) tools/boards.py get $(IMAGE_BOARD) dtb)
$(O)/boot.sd: $(O)/faultline.bin $(BOARD_DTB) $(call SETTING,disk)
	@$(if $(Q),echo "  FIT     $@ (faultline.bin at $(LOAD_PA) and $(notdir $(BOARD_DTB)))")
	$(Q)mkimage -f auto -A riscv -O linux -T kernel -C none -a $(LOAD_PA) -e $(LOAD_PA) \
		-n faultline -d $< -b $(BOARD_DTB) $@ >/dev/null
$(O)/faultline.img: $(O)/faultline.bin tools/mkdisk.py $(call SETTING,disk) \
		$(if $(filter fit,$(BOARD_FORMAT)),$(O)/boot.sd)
	$(Q)$(PYTHON) tools/mkdisk.py --out $@ --kernel $< $(if $(APPEND),--append "$(APPEND)") \
		$(if $(filter fit,$(BOARD_FORMAT)),--file $(O)/boot.sd)
# The tests' disk: the plain image, with boot arguments that U-Boot must hand over.
TEST_DISK_APPEND := tasks=plainargs,plaincalls argv.plainargs=from,extlinux unknown-from-extlinux
$(O)/test/faultline-plain.img: $(O)/test/faultline-plain.bin tools/mkdisk.py
	$(Q)$(PYTHON) tools/mkdisk.py --out $@ --kernel $< --append "$(TEST_DISK_APPEND)"
# The tests' FIT image, as boot.sd is made, with the devicetree of the QEMU virt it boots on.
$(O)/test/faultline-plain.itb: $(O)/test/faultline-plain.bin $(O)/dtb/virt-256M.dtb
	$(Q)mkimage -f auto -A riscv -O linux -T kernel -C none -a 0x80200000 -e 0x80200000 \
		-n faultline -d $< -b $(O)/dtb/virt-256M.dtb $@ >/dev/null

image: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory $(O)/faultline.img
	$(Q)$(PYTHON) tools/boards.py recipe $(IMAGE_BOARD) $(O)/faultline.img

recipe:
	$(Q)$(PYTHON) tools/boards.py recipe $(IMAGE_BOARD) $(O)/faultline.img

# ---- running -------------------------------------------------------------------------------
# Semihosting lets the firmware end QEMU with its own exit status on every machine (sifive_u
# and spike have no power-off device that works under QEMU 7.2's OpenSBI).
# BOOT=kernel: QEMU's own OpenSBI enters the ELF. BOOT=fw_jump: Debian's OpenSBI fw_jump
# enters the flat image at 0x80200000 with the devicetree at 0x82200000, as boards whose
# first stage loads fw_jump do.
# BOOT=uboot: Debian's S-mode U-Boot under QEMU's OpenSBI boots the disk image from a
# virtio disk (distro boot), or on sifive_u, which has none, the flat image QEMU's loader put
# at 0x84000000 (booti it by hand). U-Boot's own files sit at 0x8c000000 and up: 256 MiB.
BOOT ?= kernel
FW_JUMP := /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
UBOOT := /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
RUN_EXTRA :=
ifeq ($(BOOT),fw_jump)
RUN_BIOS := $(FW_JUMP)
RUN_IMAGE := $(O)/faultline.bin
else ifeq ($(BOOT),uboot)
RUN_BIOS := default
RUN_IMAGE := $(UBOOT)
ifeq ($(origin MEM),file)
MEM := 256M
endif
ifeq ($(MACHINE),virt)
RUN_EXTRA := -drive file=$(O)/faultline.img,format=raw,if=virtio,snapshot=on
else
RUN_EXTRA := -device loader,file=$(O)/faultline.bin,addr=0x84000000
endif
else
RUN_BIOS := default
RUN_IMAGE := $(O)/faultline.elf
endif
QEMU_CMD = $(QEMU) -M $(MACHINE) $(if $(MEM),-m $(MEM)) $(if $(SMP),-smp $(SMP)) \
	-bios $(RUN_BIOS) -semihosting-config enable=on,target=native

deps:
	$(Q)sh tools/deps.sh

run: deps
	$(Q)$(MAKE) --no-print-directory all $(if $(filter uboot,$(BOOT)),$(O)/faultline.img)
	@echo "Booting $(RUN_IMAGE) on QEMU -M $(MACHINE), BOOT=$(BOOT) (quit: Ctrl-A then X)"
	@$(if $(and $(filter uboot,$(BOOT)),$(filter-out virt,$(MACHINE))),echo \
		"At U-Boot's prompt (press a key first):  booti 0x84000000 - \$${fdtcontroladdr}")
	$(Q)$(QEMU_CMD) -nographic -kernel $(RUN_IMAGE) $(RUN_EXTRA) $(QEMUFLAGS)

debug: deps
	$(Q)$(MAKE) --no-print-directory all
	@echo "QEMU waits for gdb on localhost:1234; gdb-multiarch starts with symbols."
	$(Q)$(QEMU_CMD) -display none -serial mon:stdio -S -s -kernel $(O)/faultline.elf \
		$(QEMUFLAGS) & \
	$(GDB) -q -ex 'set architecture riscv:rv64' -ex 'target remote localhost:1234' \
		$(O)/faultline.elf; kill $$! 2>/dev/null || true

# ---- tests ---------------------------------------------------------------------------------
$(O)/host/%: tests/host/%.c $(HOST_LIB_SRCS) $(wildcard tests/host/*.h mm/*.h platform/*.h \
		platform/riscv/*.h) $(call SETTING,host)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $< $(HOST_LIB_SRCS) -lcmocka -o $@

# Devicetrees as QEMU 7.2 itself builds them for the machines the tests boot.
QEMU_DTBS := virt-64M virt-2G virt-8G sifive_u-128M spike-128M
dtbs: $(patsubst %,$(O)/dtb/%.dtb,$(QEMU_DTBS))
$(O)/dtb/%.dtb:
	@mkdir -p $(dir $@)
	$(Q)m=$$(echo $* | cut -d- -f1); mem=$$(echo $* | cut -d- -f2); \
		$(QEMU) -M $$m,dumpdtb=$@ -m $$mem -display none >/dev/null

test: deps
	$(Q)$(MAKE) --no-print-directory test-build
	$(Q)$(PYTHON) tests/run.py --build $(O) --qemu $(QEMU) --make $(MAKE) $(HOST_TESTS)

bench: deps
	$(Q)$(MAKE) --no-print-directory $(O)/bench/faultline-bench.elf \
		$(O)/bench/faultline-smpbench.elf $(INSNCOUNT)
	$(Q)$(PYTHON) tools/bench.py --build $(O) --qemu $(QEMU) \
		$(if $(filter 1,$(SMP_ICOUNT)),--icount-smp)

# make trace TASKS="...": boot with trace=faults, the trace written to a host file through
# semihosting, then tools/trace.py makes the folded stacks, the flame graph, the page maps, the
# timeline and the summary in $(O)/trace/. Without TASKS: the leaky demo. TRACEARGS: more boot
# arguments (trace-map-at=N, trace-ring=N).
TRACE_DIR := $(O)/trace
TRACE_TASKS := $(if $(TASKS),$(TASKS),$(TRACE_DEMO))
TRACEARGS ?=
trace: deps
	$(Q)$(MAKE) --no-print-directory $(O)/faultline.elf TASKS="$(TRACE_TASKS)"
	@mkdir -p $(TRACE_DIR)
	@rm -f $(TRACE_DIR)/trace.txt
	@echo "Booting $(O)/faultline.elf with trace=faults on QEMU -M $(MACHINE)"
	$(Q)$(QEMU_CMD) -display none -serial stdio -monitor none -kernel $(O)/faultline.elf \
		-append "trace=faults trace-file=$(TRACE_DIR)/trace.txt $(TRACEARGS)" $(QEMUFLAGS) \
		</dev/null | tee $(TRACE_DIR)/console.log | grep -v '^@trace ' || true
	$(Q)f=$(TRACE_DIR)/trace.txt; [ -s $$f ] || f=$(TRACE_DIR)/console.log; \
		$(PYTHON) tools/trace.py $$f --out $(TRACE_DIR) --elf $(TRACE_TASKS) \
		--title "faultline: frames spent, by stack ($(notdir $(TRACE_TASKS)))"

# make fuzz: libFuzzer over random mm/ operation sequences (FUZZ_SECONDS, default 300).
FUZZ_SECONDS ?= 300
fuzz:
	$(Q)sh tools/deps.sh fuzz
	@mkdir -p $(O)/fuzz/corpus
	$(Q)clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -DHOST_TEST tests/host/fuzz_vm.c \
		$(HOST_LIB_SRCS) -o $(O)/fuzz/fuzz_vm
	$(O)/fuzz/fuzz_vm -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(O)/fuzz/ \
		$(O)/fuzz/corpus

clean:
	rm -rf $(O)

help:
	@echo "faultline make targets:"
	@echo "  make             build $(O)/faultline.elf (QEMU -kernel) and $(O)/faultline.bin (boards)"
	@echo "  make run         build and boot in QEMU (installs missing Debian packages)"
	@echo "  make image       $(O)/faultline.img: a disk U-Boot's distro boot starts (MBR, FAT, extlinux),"
	@echo "                   then the board's boot recipe;  make recipe: the recipe alone"
	@echo "  make test        host tests of mm/ and platform/, then the in-QEMU suite on every machine"
	@echo "  make bench       fault-path costs in guest instructions (QEMU -icount), beside Linux's"
	@echo "  make trace       trace every fault of TASKS (default: a leaky demo): folded stacks, flame graph, page maps in $(O)/trace"
	@echo "  make fuzz        libFuzzer over random mm/ operation sequences (FUZZ_SECONDS=300)"
	@echo "  make debug       boot halted under QEMU's gdb stub and attach gdb-multiarch"
	@echo "  make deps        install the Debian packages the build needs"
	@echo "  make clean       remove $(O)"
	@echo "variables:"
	@echo "  MACHINE=virt|sifive_u|spike  QEMU machine (now: $(MACHINE))"
	@echo "  MEM=128M         guest RAM;  SMP=N  harts (sifive_u needs 2 or more)"
	@echo "  QEMUFLAGS=...    appended to QEMU's command line"
	@echo "  SMP_ICOUNT=1     make bench: boot the multi-hart rows (-smp 4) under -icount too"
	@echo "  BOOT=kernel|fw_jump|uboot  QEMU's OpenSBI and the ELF; OpenSBI fw_jump and the flat image;"
	@echo "                   or Debian's U-Boot booting $(O)/faultline.img (virt) or the flat image (sifive_u)"
	@echo "  BOARD=NAME       a board's load address, image format and recipe (now: $(IMAGE_BOARD)):"
	@$(PYTHON) tools/boards.py list
	@echo "  APPEND=\"...\"     boot arguments in the image's extlinux.conf: tasks=NAME,NAME..."
	@echo "                   (the boot tasks, in order), argv.NAME=ARG,ARG... (a task's arguments)"
	@echo "  O=build          build directory;  CROSS_COMPILE=$(CROSS_COMPILE)"
	@echo "  LOAD_PA=$(LOAD_PA)  physical load address written into the ELF"
	@echo "  AUDIT=1          run the invariant auditor after every resolved fault (slow)"
	@echo "  EXTRA_CFLAGS=... more flags for the firmware's C and assembly"
	@echo "  (each setting is recorded in $(O)/settings/: changing one rebuilds what it affects)"
	@echo "  V=1              show every command"

-include $(shell find $(O)/obj $(O)/tasks $(O)/vdso -name '*.d' 2>/dev/null)
