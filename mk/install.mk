# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# make install / make uninstall, included by the Makefile. PREFIX (default /usr/local)
# and DESTDIR (a staging root, for packages) are honoured; the configuration goes to
# SYSCONFDIR (default /etc) and is never overwritten.
#   make install                     the binary, man page, bash completion, systemd units
#   make install DESTDIR=/tmp/stage  the same under /tmp/stage
#   make uninstall                   removes them (not the configuration in /etc/xdpport)

SBINDIR		?= $(PREFIX)/sbin
LIBEXECDIR	?= $(PREFIX)/libexec/xdpport
MANDIR		?= $(PREFIX)/share/man
BASHCOMPDIR	?= $(PREFIX)/share/bash-completion/completions
UNITDIR		?= $(PREFIX)/lib/systemd/system
SYSCONFDIR	?= /etc
INSTALL		?= install

# The BPF object is embedded in the binary (the skeleton): nothing else to install.
INSTALLED := $(SBINDIR)/xdpport $(LIBEXECDIR)/xdpport-boot $(MANDIR)/man8/xdpport.8 \
	     $(BASHCOMPDIR)/xdpport $(UNITDIR)/xdpport.service $(UNITDIR)/xdpport-watch.service

install: all
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/xdpport
	$(Q)$(INSTALL) -m 0755 $(BUILD)/xdpport $(DESTDIR)$(SBINDIR)/xdpport
	$(Q)sed -e 's|^XDPPORT=$${XDPPORT:-xdpport}|XDPPORT=$${XDPPORT:-$(SBINDIR)/xdpport}|' \
		-e 's|/etc/xdpport/|$(SYSCONFDIR)/xdpport/|g' dist/xdpport-boot \
		> $(DESTDIR)$(LIBEXECDIR)/xdpport-boot
	$(Q)chmod 0755 $(DESTDIR)$(LIBEXECDIR)/xdpport-boot
	$(Q)sed -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' dist/xdpport.service \
		> $(DESTDIR)$(UNITDIR)/xdpport.service
	$(Q)chmod 0644 $(DESTDIR)$(UNITDIR)/xdpport.service
	$(Q)sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		dist/xdpport-watch.service > $(DESTDIR)$(UNITDIR)/xdpport-watch.service
	$(Q)chmod 0644 $(DESTDIR)$(UNITDIR)/xdpport-watch.service
	$(Q)$(INSTALL) -m 0644 docs/xdpport.8 $(DESTDIR)$(MANDIR)/man8/xdpport.8
	$(Q)$(INSTALL) -m 0644 dist/xdpport.bash-completion $(DESTDIR)$(BASHCOMPDIR)/xdpport
	$(Q)for f in xdpport.conf rules.conf; do \
		[ -e $(DESTDIR)$(SYSCONFDIR)/xdpport/$$f ] || \
			$(INSTALL) -m 0644 dist/$$f $(DESTDIR)$(SYSCONFDIR)/xdpport/$$f; \
	done

uninstall:
	$(call msg,UNINSTALL,$(DESTDIR)$(PREFIX))
	$(Q)rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	$(Q)rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null || true
	$(Q)[ ! -d $(DESTDIR)$(SYSCONFDIR)/xdpport ] || \
		echo "  kept $(DESTDIR)$(SYSCONFDIR)/xdpport (your configuration)"
