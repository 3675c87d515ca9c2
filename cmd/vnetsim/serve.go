package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vnetsim/vnetsim/picture"
	"github.com/vnetsim/vnetsim/sim"
)

// runServe serves a scenario's live page on loopback until interrupted.
func runServe(e *env, args []string) (int, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return 0, serveHTTP(ctx, e, args, nil)
}

// serveHTTP serves the page until ctx is done. started, when not nil,
// receives the listening address (tests use it).
func serveHTTP(ctx context.Context, e *env, args []string, started func(net.Addr)) error {
	fs := e.flags("serve")
	listen := fs.String("listen", "127.0.0.1:8080", "the loopback address and port to listen on")
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	file, err := oneFile(fs)
	if err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil {
		return usagef("serve: --listen %q: %v", *listen, err)
	}
	if a, err := netip.ParseAddr(host); err != nil && host != "localhost" {
		return usagef("serve: --listen %q: give a loopback IP address and port", *listen)
	} else if err == nil && !a.IsLoopback() {
		return usagef("serve: --listen %s is not a loopback address; the page is for this machine only", *listen)
	}
	load := func() ([]*sim.Network, error) { return e.loadAll(file, *tags) }
	// Load once first, so that a file that does not exist is a usage
	// error; a file that becomes invalid later is shown on the page.
	if _, err := load(); err != nil {
		return err
	}
	srv := &picture.Server{File: file, Load: load, Stamp: func() string { return fileStamp(file) }}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stderr, "vnetsim: serving %s on http://%s/ (read-only); interrupt to stop\n", file, ln.Addr())
	if started != nil {
		started(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(e.stderr, "vnetsim: server stopped")
	return nil
}

// fileStamp changes when the scenario file does: its modification time and
// size (a catalog scenario never changes).
func fileStamp(file string) string {
	if strings.HasPrefix(file, "catalog:") {
		return "catalog"
	}
	if i := strings.LastIndexByte(file, '#'); i >= 0 {
		file = file[:i]
	}
	fi, err := os.Stat(file)
	if err != nil {
		return "missing"
	}
	return strconv.FormatInt(fi.ModTime().UnixNano(), 36) + "-" + strconv.FormatInt(fi.Size(), 36)
}
