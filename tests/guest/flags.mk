# SPDX-License-Identifier: GPL-2.0
#
# Compiler and linker flags of the freestanding static i386 programs that
# run in a 2.5.38 guest: included by tests/guest/Makefile and
# tests/bench/Makefile.

# the project's i386 compiler (scripts/lib.sh: TARGET_CC, Debian's
# gcc-i686-linux-gnu); make's default "cc" is the host's
ifeq ($(origin CC),default)
CC	:= i686-linux-gnu-gcc
endif

ARCHFLAGS := -m32 -march=i686
# CFLAGS (optimisation, warnings) may be overridden; the rest may not
CFLAGS	?= -O2 -Wall
ALL_CFLAGS := $(ARCHFLAGS) -std=gnu99 -ffreestanding -fno-builtin -fno-pie \
	   -fno-stack-protector -fno-asynchronous-unwind-tables \
	   -fcf-protection=none -fno-strict-aliasing -MMD -MP $(CFLAGS)
# One RX and one RW PT_LOAD, nothing newer than a 2002 binfmt_elf has
# heard of matters (it ignores unknown program headers anyway).
ALL_LDFLAGS := $(ARCHFLAGS) -static -nostdlib -no-pie \
	   -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,-z,noexecstack \
	   -Wl,--build-id=none $(LDFLAGS)
LDLIBS	:= -lgcc
