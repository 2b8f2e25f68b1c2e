# SPDX-License-Identifier: MIT
#
# Pith: user entry points. `make help` lists them. The machinery that turns
# a configuration into an image lives in Makefile.uk.

APP ?= httpd
BUILD ?= build/$(APP)
APPDIR := apps/$(APP)

.DEFAULT_GOAL := all
.PHONY: all help deps defconfig menuconfig olddefconfig savedefconfig run \
	test hosttest ktest boottest clean distclean bench

help:
	@echo 'Pith: one application, the libraries it needs, one bootable image.'
	@echo
	@echo '  make deps                  install host packages, fetch lwIP (once)'
	@echo '  make [APP=x] defconfig     build/x/.config from apps/x/defconfig'
	@echo '  make [APP=x] menuconfig    change the configuration'
	@echo '  make [APP=x] olddefconfig  update .config, new options at defaults'
	@echo '  make [APP=x] savedefconfig write build/x/defconfig (minimal)'
	@echo '  make [APP=x]               build build/x/x (stripped), x.dbg, x.map'
	@echo '  make [APP=x] run           boot it under QEMU, serial on stdio'
	@echo '                             (RUNFLAGS="--machine q35 --append ..")'
	@echo '  make test                  host unit tests, ktest image, boot tests'
	@echo '  make bench                 benchmarks into bench/results/ (BENCHFLAGS="--runs 5")'
	@echo '  make clean | distclean     remove build/APP | build/ and deps/'
	@echo
	@echo 'APP defaults to $(APP). Apps: $(notdir $(wildcard apps/*))'

deps:
	@tools/deps.sh

include Makefile.uk
