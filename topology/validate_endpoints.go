package topology

import (
	"fmt"
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
		return "" // one word: the caller says no such object
	}
	if p := dnsNameProblem(s, false); p != "" {
		return "not a valid DNS name: " + p
	}
	return ""
}

// nearestTag returns the service tag closest to s by edit distance.
func (t *Topology) nearestTag(s string) string {
	best, bestD := "", 1<<20
	ls := strings.ToLower(s)
	if t.Tags == nil {
		return ""
	}
	for key, st := range t.Tags.byName() {
		d := editDistance(ls, key, bestD+1) // bestD+1: ties count
		if d < bestD || d == bestD && st.Name < best {
			best, bestD = st.Name, d
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

// validateExpectationEndpoints: a Tcp or Udp expectation has a port. (Its
// endpoints are resolved by sim's ValidateExpectations, which uses
// EndpointProblem for names that are not objects.)
func (c *compiler) validateExpectationEndpoints() {
	for i, e := range c.sc.Expectations {
		path := fmt.Sprintf("expectations[%d]", i)
		if e.Intent != "" || e.Reach != nil {
			continue // intents and set expectations (reach) name no port
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
