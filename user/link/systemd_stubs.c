// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Linked into the static xdpport binary only (Makefile, STATIC_LIBS=1). Debian's
 * static libpcap pulls in static libdbus-1 (for its D-Bus capture source), and that
 * calls two functions of libsystemd, which Debian ships as a shared library only.
 * They serve a D-Bus *server* started by systemd socket activation, which xdpport
 * never is: linking the shared libsystemd for them would load it and six libraries
 * more into every command (about 1 ms each time). These answer what libsystemd
 * answers to a process that was passed no sockets.
 */
int sd_listen_fds(int unset_environment);
int sd_is_socket(int fd, int family, int type, int listening);

int sd_listen_fds(int unset_environment)
{
	(void)unset_environment;
	return 0;	/* no sockets were passed */
}

int sd_is_socket(int fd, int family, int type, int listening)
{
	(void)fd, (void)family, (void)type, (void)listening;
	return 0;	/* not one */
}
