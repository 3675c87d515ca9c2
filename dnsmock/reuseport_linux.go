package dnsmock

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// reusePort: Linux lets UDP sockets of one user share a port, and spreads
// the datagrams of different clients over them.
const reusePort = true

func setReusePort(network, address string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
	})
	if err != nil {
		return err
	}
	return serr
}
