package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/miekg/dns"
	"github.com/spf13/pflag"

	"github.com/vnetsim/vnetsim/dnsmock"
	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

const dnsUsage = `Usage:
  vnetsim dns query FILE --from ENDPOINT NAME [--type A] [--protocol Udp|Tcp] [--exit-code] [-o text|json|yaml]
  vnetsim dns serve FILE --from ENDPOINT [--listen 127.0.0.1:5353]

query resolves NAME (an FQDN, or a service of the scenario) in the DNS view
of ENDPOINT, step by step. serve runs a DNS server over UDP and TCP that
answers what ENDPOINT would see; it refuses names the scenario does not
govern and never forwards a query.`

// runDNS runs `vnetsim dns query` and `vnetsim dns serve`.
func runDNS(e *env, args []string) (int, error) {
	if len(args) == 0 {
		return 0, &usageError{"dns: give a subcommand, query or serve\n\n" + dnsUsage}
	}
	switch args[0] {
	case "query":
		return runDNSQuery(e, args[1:])
	case "serve":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return 0, runDNSServe(ctx, e, args[1:], nil)
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, dnsUsage)
		return 0, nil
	}
	return 0, usagef("dns: unknown subcommand %q: want query or serve", args[0])
}

// dnsSetup loads FILE and resolves --from for both subcommands.
func (e *env) dnsSetup(cmd string, fs *pflag.FlagSet, from, tags string, nargs int) (*sim.Network, dnsmock.Client, error) {
	if fs.NArg() != nargs {
		what := "FILE"
		if nargs == 2 {
			what = "FILE and NAME"
		}
		return nil, dnsmock.Client{}, usagef("dns %s: give %s", cmd, what)
	}
	if from == "" {
		return nil, dnsmock.Client{}, usagef("dns %s: --from ENDPOINT is required", cmd)
	}
	t, err := e.load(fs.Arg(0), tags)
	if err != nil {
		return nil, dnsmock.Client{}, err
	}
	src, err := t.ResolveEndpoint(from)
	if err != nil {
		return nil, dnsmock.Client{}, usagef("dns %s: --from: %v", cmd, err)
	}
	if src.Kind == sim.EndpointService || src.Kind == sim.EndpointFQDN {
		return nil, dnsmock.Client{}, usagef("dns %s: --from %q is a %s; give a VM, compute, subnet, address, service tag or internet", cmd, from, src.Kind)
	}
	return t, sim.DNSClient(src), nil
}

func runDNSQuery(e *env, args []string) (int, error) {
	fs := e.flags("dns query")
	from := fs.String("from", "", "the endpoint whose DNS view answers")
	typ := fs.String("type", "A", "the record type: A, AAAA, CNAME, ...")
	proto := fs.String("protocol", "Udp", "how the query travels to the DNS server: Udp or Tcp")
	exit := exitCodeFlag(fs, "the name does not resolve (NXDOMAIN, no data, SERVFAIL, REFUSED)")
	out := outputFlag(fs)
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	qtype, ok := dns.StringToType[strings.ToUpper(*typ)]
	if !ok || qtype == dns.TypeNone {
		// NONE is type 0, reserved (RFC 6895 3.1); Resolve reads 0 as A.
		return 0, usagef("dns query: --type %q is not a DNS record type", *typ)
	}
	p, err := topology.ParseProtocol(*proto)
	if err != nil || (p != topology.ProtocolUDP && p != topology.ProtocolTCP) {
		return 0, usagef("dns query: --protocol %q: want Udp or Tcp", *proto)
	}
	t, client, err := e.dnsSetup("query", fs, *from, *tags, 2)
	if err != nil {
		return 0, err
	}
	r := t.Resolver()
	name := fs.Arg(1)
	if svc := t.Service(name); svc != nil {
		fqdn, ok := r.PrimaryFQDN(svc)
		if !ok {
			return 0, usagef("dns query: service %s (%s) has no DNS name in vnetsim's catalog", svc.Name, svc.Type)
		}
		name = fqdn
	}
	ans := r.Resolve(client, dnsmock.Query{Name: name, Type: qtype, Protocol: p})
	if ans.Failure != nil && ans.Failure.Reason == dnsmock.ReasonBadName {
		return 0, usagef("dns query: %s", ans.Failure.Message)
	}
	err = e.write(*out, ans, func(w io.Writer) error { return sim.WriteAnswerText(w, ans) })
	if *exit && ans.Failure != nil {
		return exitFailed, err
	}
	return exitOK, err
}

// runDNSServe serves the view of --from until ctx is done. started, when
// not nil, receives the listening address (tests use it).
func runDNSServe(ctx context.Context, e *env, args []string, started func(net.Addr)) error {
	fs := e.flags("dns serve")
	from := fs.String("from", "", "the endpoint whose DNS view the server answers")
	listen := fs.String("listen", "127.0.0.1:5353", "the address to listen on, UDP and TCP")
	remote := fs.Bool("allow-remote", false, "allow a listen address that is not loopback")
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil {
		return usagef("dns serve: --listen %q: %v", *listen, err)
	}
	if a, err := netip.ParseAddr(host); err != nil && host != "localhost" {
		return usagef("dns serve: --listen %q: give an IP address and port", *listen)
	} else if err == nil && !a.IsLoopback() && !*remote {
		return usagef("dns serve: --listen %s is not a loopback address; add --allow-remote to serve other hosts", *listen)
	}
	t, client, err := e.dnsSetup("serve", fs, *from, *tags, 1)
	if err != nil {
		return err
	}
	h := &dnsmock.Handler{Resolver: t.Resolver(), Client: client}
	err = dnsmock.Serve(ctx, *listen, h, func(a net.Addr) {
		fmt.Fprintf(e.stderr, "vnetsim: serving the DNS view of %s in %s on %s (udp and tcp); interrupt to stop\n", client.Name, t.File, a)
		if started != nil {
			started(a)
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stderr, "vnetsim: DNS server stopped")
	return nil
}
