# SPDX-License-Identifier: GPL-2.0
#
# Compiler and linker flags of the freestanding static programs that run
# in a 2.5.38 guest: included by tests/guest/Makefile and
# tests/bench/Makefile.
#
#   ARCH=i386    (the default) i386, for the 2.5.38 i386 guest
#   ARCH=x86_64  x86_64, for the x86_64 guest (2.5.38 core, 2.5.42 arch
#                code), built with the host's own gcc; it also runs on
#                this host (make host-check ARCH=x86_64)
#
# Each ARCH builds into a directory of its own: BUILD_DIR, the default O.

ARCH	?= i386

ifeq ($(ARCH),i386)
# the project's i386 compiler (scripts/lib.sh: TARGET_CC, Debian's
# gcc-i686-linux-gnu); make's default "cc" is the host's
ifeq ($(origin CC),default)
CC	:= i686-linux-gnu-gcc
endif
ARCHFLAGS := -m32 -march=i686
BUILD_DIR := build
else ifeq ($(ARCH),x86_64)
ifeq ($(origin CC),default)
CC	:= gcc
endif
# the baseline ISA (SSE2, no AVX: 2.5.42 saves no AVX state), whatever
# the host compiler's default
ARCHFLAGS := -m64 -march=x86-64
BUILD_DIR := build-x86_64
else
$(error ARCH=$(ARCH): the guest programs are built for i386 or x86_64)
endif

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
