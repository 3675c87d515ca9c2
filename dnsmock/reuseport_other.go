//go:build !linux

package dnsmock

import "syscall"

// reusePort: elsewhere the server reads one UDP socket.
const reusePort = false

func setReusePort(network, address string, c syscall.RawConn) error { return nil }
