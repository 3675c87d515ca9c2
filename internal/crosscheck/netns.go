package crosscheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Available reports why the emulation can't run here, or "" when it can:
// it needs root with CAP_NET_ADMIN, ip and nft.
func Available() string {
	if os.Geteuid() != 0 {
		return "not root"
	}
	for _, tool := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(tool); err != nil {
			return tool + " is not installed (apt-get install -y nftables iproute2)"
		}
	}
	name := fmt.Sprintf("xcprobe%d", os.Getpid())
	if out, err := run(context.Background(), "", "ip", "netns", "add", name); err != nil {
		return "ip netns add fails: " + strings.TrimSpace(out)
	}
	defer run(context.Background(), "", "ip", "netns", "del", name)
	if out, err := run(context.Background(), "", "ip", "netns", "exec", name, "nft", "add", "table", "inet", "t"); err != nil {
		return "nft fails in a namespace: " + strings.TrimSpace(out)
	}
	return ""
}

// cmdTimeout bounds every command the emulation runs.
const cmdTimeout = 60 * time.Second

func run(ctx context.Context, stdin string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, cmdTimeout)
	defer cancel()
	c := exec.CommandContext(ctx, name, args...)
	c.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	err := c.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return out.String(), nil
}

// Apply builds the emulation. On error, what it made is still removed by
// Remove, which the caller must call in every case.
func (e *Emulation) Apply(ctx context.Context) error {
	for _, ns := range e.Namespaces {
		if _, err := run(ctx, "", "ip", "netns", "add", ns); err != nil {
			return err
		}
		e.made = append(e.made, ns)
	}
	if _, err := run(ctx, strings.Join(e.Links, "\n")+"\n", "ip", "-batch", "-"); err != nil {
		return err
	}
	for _, ns := range e.Namespaces {
		if s := e.Sysctl[ns]; len(s) > 0 {
			// conntrack's sysctls exist once its module is loaded, which
			// the first nft table with ct expressions does.
			if nft := e.NFT[ns]; nft != "" {
				if _, err := run(ctx, nft, "ip", "netns", "exec", ns, "nft", "-f", "-"); err != nil {
					return fmt.Errorf("%w\n%s", err, numbered(nft))
				}
			}
			if _, err := run(ctx, "", "ip", append([]string{"netns", "exec", ns, "sysctl", "-q", "-w"}, s...)...); err != nil {
				return err
			}
		} else if nft := e.NFT[ns]; nft != "" {
			if _, err := run(ctx, nft, "ip", "netns", "exec", ns, "nft", "-f", "-"); err != nil {
				return fmt.Errorf("%w\n%s", err, numbered(nft))
			}
		}
		if _, err := run(ctx, strings.Join(e.Batch[ns], "\n")+"\n", "ip", "-n", ns, "-batch", "-"); err != nil {
			return fmt.Errorf("%w\n%s", err, numbered(strings.Join(e.Batch[ns], "\n")))
		}
	}
	return nil
}

func numbered(s string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = fmt.Sprintf("%4d  %s", i+1, lines[i])
	}
	return strings.Join(lines, "\n")
}

// Remove deletes every namespace Apply made (their veths go with them).
func (e *Emulation) Remove() error {
	var errs []error
	for _, ns := range e.made {
		if _, err := run(context.Background(), "", "ip", "netns", "del", ns); err != nil {
			errs = append(errs, err)
		}
	}
	e.made = nil
	return errors.Join(errs...)
}

// inNS runs f on an OS thread that has joined namespace ns; sockets f opens
// stay in ns. The thread is discarded afterwards rather than switched back.
func inNS(ns string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// Not unlocked: the goroutine's exit ends the thread, so no other
		// goroutine ever runs in ns.
		fd, err := unix.Open("/run/netns/"+ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- err
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns %s: %v", ns, err)
			return
		}
		errc <- f()
	}()
	return <-errc
}

// RemoveNamespaces deletes every namespace whose name starts with prefix: a
// safety net for a run that stopped between Apply and Remove.
func RemoveNamespaces(prefix string) error {
	entries, err := os.ReadDir("/run/netns")
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	var errs []error
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			if _, err := run(context.Background(), "", "ip", "netns", "del", e.Name()); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
