package sim

import (
	"fmt"
	"strings"
)

// loops reports the routing loops and DNS forwarder loops that the
// compiler found in the forwarding graphs. Azure accepts both, so they are
// valid scenarios; a packet or a query that enters one is never delivered
// or answered.
func (l *linter) loops() {
	for _, loop := range l.t.RoutingLoops {
		var parts []string
		for _, h := range loop.Hops {
			parts = append(parts, fmt.Sprintf("route %s/%s (%s) in %s sends it to appliance %s (%s) in %s",
				h.Table, h.Route.Name, l.at(h.Route.Path), h.Subnet.ID(), h.Appliance.Name, h.Appliance.IP, h.Appliance.Subnet.ID()))
		}
		first := loop.Hops[0]
		l.add(Finding{Code: LintRoutingLoop, Severity: SeverityError, Resource: first.Table + "/" + first.Route.Name, Line: l.t.LineOf(first.Route.Path),
			Message: fmt.Sprintf("packets to %s loop between appliances: %s, and so on around", loop.Destination, strings.Join(parts, "; ")),
			Seed:    refUDR,
			Fix:     fmt.Sprintf("give one of these route tables a more specific route for %s that leaves the loop (to the destination's VNet, a gateway or Internet), or point one route at an appliance outside the loop", loop.Destination)})
	}
	for _, loop := range l.t.ForwarderLoops {
		var parts []string
		for _, h := range loop.Hops {
			what := "default forwarder"
			if h.Zone != "" {
				what = "conditional forwarder for " + h.Zone
			}
			parts = append(parts, fmt.Sprintf("%s forwards it to %s (%s, %s)", h.Server, h.Target, what, l.at(h.Path)))
		}
		first := loop.Hops[0]
		name := loop.Name
		if strings.HasSuffix(name, ".invalid") {
			name = "names no conditional forwarder covers"
		}
		l.add(Finding{Code: LintDNSForwarderLoop, Severity: SeverityError, Resource: first.Server, Line: l.t.LineOf(first.Path),
			Message: fmt.Sprintf("DNS queries for %s are forwarded in a loop and never answered (SERVFAIL): %s, and so on around", name, strings.Join(parts, "; ")),
			Seed:    refCustomDNS,
			Fix:     "make one server in the loop forward to 168.63.129.16 (from a VNet linked to the private zones) or to a server outside the loop"})
	}
}

// at names a key path's place in the file: file:line.
func (l *linter) at(path string) string {
	if line := l.t.LineOf(path); line > 0 {
		return fmt.Sprintf("%s:%d", l.t.File, line)
	}
	return l.t.File
}
