package sim

import (
	"os"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// TestDNSPrivateResolver covers Azure DNS Private Resolver: a ruleset
// linked to a VNet forwards through the outbound endpoint to the inbound
// endpoint, which answers from the zones linked to the resolver's VNet;
// each hop is traced and the deciding rule named.
func TestDNSPrivateResolver(t *testing.T) {
	data, err := os.ReadFile("../scenarios/dns-private-resolver.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base := string(data)
	topo := func(t *testing.T, edits ...string) *Network {
		s := base
		for i := 0; i+1 < len(edits); i += 2 {
			if !strings.Contains(s, edits[i]) {
				t.Fatalf("no %q", edits[i])
			}
			s = strings.Replace(s, edits[i], edits[i+1], 1)
		}
		c, err := topology.Parse("r.yaml", []byte(s), topology.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return New(c)
	}
	n := topo(t)
	res, err := n.Trace(Request{From: "cpu-cluster", To: "stmlw.file.core.windows.net", Port: 445})
	if err != nil {
		t.Fatal(err)
	}
	out := dump(res)
	for _, want := range []string{"rule file for privatelink.file.core.windows.net", "through outbound endpoint hub-resolver/out to 10.0.0.4",
		"inbound endpoint hub-resolver/in", "private DNS zone privatelink.file.core.windows.net (linked to hub-vnet): A 10.0.1.7", "deliver  pe-file"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q:\n%s", want, out)
		}
	}
	// The NSG of the inbound endpoint decides, and is named.
	n = topo(t, "destinationPortRange: \"53\"}", "destinationPortRange: \"5353\"}")
	res, _ = n.Trace(Request{From: "cpu-cluster", To: "mlw", Port: 443})
	if res.Reason != ReasonDNSUnreachable || res.BlockedBy == nil || res.BlockedBy.Name != "DenyOtherInbound" || res.BlockedBy.Resource != "nsg-dns-in" {
		t.Errorf("want dns-unreachable blocked by DenyOtherInbound in nsg-dns-in:\n%s", dump(res))
	}
	// A ruleset linked to the resolver's own VNet with a rule that targets
	// its inbound endpoint loops; Microsoft warns against it.
	n = topo(t, "virtualNetworkLinks: [ml-vnet]", "virtualNetworkLinks: [ml-vnet, hub-vnet]")
	res, _ = n.Trace(Request{From: "cpu-cluster", To: "mlw", Port: 443})
	if res.Reason != ReasonDNSServFail || !strings.Contains(res.Message, "loop") {
		t.Errorf("want a servfail loop:\n%s", dump(res))
	}
	// A longer rule wins; a disabled rule is skipped.
	n = topo(t, "      - {name: blob, domainName: privatelink.blob.core.windows.net., targetDnsServers: [\"10.0.0.4:53\"]}",
		"      - {name: blob, domainName: privatelink.blob.core.windows.net., targetDnsServers: [\"10.0.0.4:53\"], forwardingRuleState: Disabled}\n      - {name: all, domainName: ., targetDnsServers: [\"10.0.0.4\"]}")
	res, _ = n.Trace(Request{From: "cpu-cluster", To: "stmlw.blob.core.windows.net", Port: 443})
	if res.Verdict != Allowed || !strings.Contains(dump(res), "rule all for .") {
		t.Errorf("the root rule should take the blob name when its own rule is disabled:\n%s", dump(res))
	}
	// Load errors name the key.
	for _, c := range []struct{ from, to, want string }{
		{"{name: snet-dns-out, addressPrefix: 10.0.0.16/28, delegations: [Microsoft.Network/dnsResolvers]}", "{name: snet-dns-out, addressPrefix: 10.0.0.16/28}", "dnsResolvers[0].outboundEndpoints[0].subnet: subnet hub-vnet/snet-dns-out must be delegated"},
		{"outboundEndpoints: [hub-resolver/out]", "outboundEndpoints: [hub-resolver/in]", "dnsForwardingRulesets[0].outboundEndpoints[0]: unknown outbound endpoint"},
		{"domainName: privatelink.blob.core.windows.net.", "domainName: \"bad name!\"", "rules[2].domainName"},
		{"{name: out, subnet: hub-vnet/snet-dns-out}", "{name: out, subnet: hub-vnet/snet-dns-in}", "already holds the resolver's inboundEndpoints"},
	} {
		_, err := topology.Parse("r.yaml", []byte(strings.Replace(base, c.from, c.to, 1)), topology.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want %q, got %v", c.want, err)
		}
	}
}
