package main

import (
	"io"

	"github.com/vnetsim/vnetsim/picture"
	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// runTrace traces one flow hop by hop, with its reply.
func runTrace(e *env, args []string) (int, error) {
	fs := e.flags("trace")
	from := fs.String("from", "", "source endpoint")
	to := fs.String("to", "", "destination endpoint")
	proto := fs.String("protocol", "Tcp", "Tcp, Udp, Icmp, Esp or Ah")
	port := fs.Uint16("port", 443, "destination port")
	srcPort := fs.Uint16("source-port", sim.DefaultSourcePort, "source port")
	exit := exitCodeFlag(fs, "the flow is denied")
	out := outputFlag(fs, "text", "json", "yaml", "mermaid", "dot", "svg")
	tags := tagsFlag(fs)
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	file, err := oneFile(fs)
	if err != nil {
		return 0, err
	}
	if *from == "" || *to == "" {
		return 0, usagef("trace: --from and --to are required")
	}
	p, err := topology.ParseProtocol(*proto)
	if err != nil || p == topology.ProtocolAny {
		return 0, usagef("trace: --protocol %q: want Tcp, Udp, Icmp, Esp or Ah", *proto)
	}
	n, err := e.load(file, *tags)
	if err != nil {
		return 0, err
	}
	res, err := n.Trace(sim.Request{From: *from, To: *to, Protocol: p, Port: *port, SrcPort: *srcPort})
	if err != nil {
		return 0, usagef("trace: %v", err)
	}
	switch *out {
	case "mermaid", "dot", "svg":
		err = writePicture(e.stdout, picture.Path(res), *out)
	default:
		err = e.write(*out, res, func(w io.Writer) error { return sim.WriteTraceText(w, res) })
	}
	if *exit && res.Verdict != sim.Allowed {
		return exitFailed, err
	}
	return exitOK, err
}
