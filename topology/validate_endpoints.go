package topology

import (
	"fmt"
	"net/netip"
	"strings"
)

// EndpointProblem returns why s, a name that is not a VM, compute, private
// endpoint, gateway, on-premises host, service, subnet, IP address, service
// tag or `internet`, can't be taken as an FQDN either, or "" when it can.
// A mistyped address (10.0.1.999) or service tag (BatchNodeManagment.eastus)
// would otherwise be traced as an internet host name and pass.
func (t *Topology) EndpointProblem(s string) string {
	if strings.ContainsAny(s, ":") {
		return "not a valid IPv6 address"
	}
	digits := strings.Trim(s, "0123456789.") == "" && strings.Contains(s, ".")
	if digits {
		return "not a valid IP address"
	}
	first, rest, dotted := strings.Cut(s, ".")
	if dotted && !strings.Contains(rest, ".") {
		// Word.Word: a service tag with a region, or a misspelt one.
		_, firstIsTag := t.CanonicalTag(first)
		_, restIsRegion := t.Tags.Lookup("AzureCloud." + rest)
		if firstIsTag || restIsRegion {
			msg := "not a service tag"
			if near := t.nearestTag(s); near != "" {
				msg += fmt.Sprintf("; did you mean %s?", near)
			}
			return msg
		}
	}
	if !dotted {
		return "not a VM, compute, private endpoint, service, subnet, IP address, service tag or FQDN"
	}
	if p := dnsNameProblem(s, false); p != "" {
		return "not a valid DNS name: " + p
	}
	return ""
}

// nearestTag returns the service tag closest to s by edit distance.
func (t *Topology) nearestTag(s string) string {
	best, bestD := "", 1<<30
	ls := strings.ToLower(s)
	for _, name := range t.TagNames() {
		d := editDistance(ls, strings.ToLower(name), bestD)
		if d < bestD {
			best, bestD = name, d
		}
	}
	if bestD > len(s)/2 {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, or anything >= limit
// once it exceeds limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// knownEndpoint reports whether s names something of the scenario (or is
// an address, a subnet reference or `internet`), the way traces resolve it.
func (c *compiler) knownEndpoint(s string) bool {
	if strings.Contains(s, "/") {
		return true // vnet/subnet: resolved (and reported) by the trace
	}
	if _, err := netip.ParseAddr(s); err == nil {
		return true
	}
	for _, w := range []string{"internet", "AzureLoadBalancer", "AzurePlatformDNS"} {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	if _, ok := c.names[s]; ok {
		return true
	}
	if c.t.NIC(s) != nil || c.t.Service(s) != nil || c.t.Compute(s) != nil {
		return true
	}
	for _, g := range c.t.Gateways {
		if _, ok := g.Hosts[s]; ok {
			return true
		}
	}
	_, ok := c.t.CanonicalTag(s)
	return ok
}

// validateExpectationEndpoints: an expectation's from and to name something
// real, and a Tcp or Udp expectation has a port.
func (c *compiler) validateExpectationEndpoints() {
	for i, e := range c.sc.Expectations {
		path := fmt.Sprintf("expectations[%d]", i)
		if e.Intent != "" {
			continue
		}
		for _, side := range []struct{ key, val string }{{"from", e.From}, {"to", e.To}} {
			v := strings.TrimSpace(side.val)
			if v == "" || c.knownEndpoint(v) {
				continue
			}
			if msg := c.t.EndpointProblem(v); msg != "" {
				c.errAt(path+"."+side.key, "%q: %s", side.val, msg)
			}
		}
		proto := strings.ToLower(e.Protocol)
		if (proto == "" || proto == "tcp" || proto == "udp") && e.Port == 0 {
			p := e.Protocol
			if p == "" {
				p = "Tcp (the default protocol)"
			}
			c.errAt(path+".port", "missing: a %s expectation needs a port (1-65535)", p)
		}
	}
}
