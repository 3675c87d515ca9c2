package sim_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// dnsScenario is seed 000's "Scenario: VNet peering": a compute cluster in a
// peered VNet reaches the workspace private endpoint only once
// privatelink.api.azureml.ms is linked to its VNet (step 4). %s adds links.
const dnsScenario = `apiVersion: vnetsim/v1
region: eastus
vnets:
  - name: ws-vnet
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: snet-pe, addressPrefix: 10.0.1.0/24}
      - {name: snet-clients, addressPrefix: 10.0.2.0/24}
  - name: compute-vnet
    region: westus
    addressSpace: [10.1.0.0/16]
    subnets:
      - {name: snet-training, addressPrefix: 10.1.0.0/24}
  - name: dns-blocked-vnet
    addressSpace: [10.2.0.0/16]
    subnets:
      - {name: snet-a, addressPrefix: 10.2.0.0/24, networkSecurityGroup: nsg-no-dns}
peerings:
  - {name: ws-to-compute, from: ws-vnet, to: compute-vnet}
  - {name: compute-to-ws, from: compute-vnet, to: ws-vnet}
networkSecurityGroups:
  - name: nsg-no-dns
    securityRules:
      - {name: DenyAzureDns, priority: 100, direction: Outbound, access: Deny, protocol: "*",
         sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: AzurePlatformDNS, destinationPortRange: "*"}
vms:
  - {name: jumpbox, subnet: ws-vnet/snet-clients}
  - {name: blocked-vm, subnet: dns-blocked-vnet/snet-a}
services:
  - name: mlw
    type: Microsoft.MachineLearningServices/workspaces
    workspaceId: fb000000-0000-4000-8000-000000000001
    publicNetworkAccess: Disabled
  - {name: stmlw, type: Microsoft.Storage/storageAccounts, publicNetworkAccess: Disabled}
  - {name: stpublic, type: Microsoft.Storage/storageAccounts}
  - {name: appi, type: Microsoft.Insights/components}
privateEndpoints:
  - {name: pe-mlw, subnet: ws-vnet/snet-pe, service: mlw, groupId: amlworkspace, privateIpAddress: 10.0.1.5,
     privateDnsZoneGroup: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net]}
  - {name: pe-file, subnet: ws-vnet/snet-pe, service: stmlw, groupId: file, privateIpAddress: 10.0.1.7}
privateDnsZones:
  - name: privatelink.api.azureml.ms
    virtualNetworkLinks:
      - {vnet: ws-vnet}
%s
  - name: privatelink.notebooks.azure.net
    virtualNetworkLinks:
      - {vnet: ws-vnet}
  - name: privatelink.file.core.windows.net
    virtualNetworkLinks:
      - {vnet: ws-vnet}
  - name: corp.internal
    virtualNetworkLinks:
      - {vnet: ws-vnet}
    records:
      - {name: v6only, type: AAAA, values: ["fd00::1"]}
      - {name: web.apps, type: A, values: [10.0.2.80]}
machineLearning:
  workspace: mlw
  computes:
    - {name: cpu-cluster, type: AmlCompute, subnet: compute-vnet/snet-training, enableNodePublicIp: false}
`

const computeLink = "      - {vnet: compute-vnet}"

func loadDNS(t testing.TB, links string) *sim.Network {
	t.Helper()
	topo, err := topology.Parse("test.yaml", []byte(fmt.Sprintf(dnsScenario, links)), topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return sim.New(topo)
}

func hopsText(hops []sim.Hop) string {
	var b strings.Builder
	for i, h := range hops {
		fmt.Fprintf(&b, "  %2d %s %s %s: %s\n", i+1, h.Kind, h.Action, h.Node, h.Detail)
	}
	return b.String()
}

// TestTraceByNameNeedsTheLink is the acceptance case: without the
// link the workspace name resolves to its public address and the trace is
// denied naming the missing link; with it, the same trace passes.
func TestTraceByNameNeedsTheLink(t *testing.T) {
	req := sim.Request{From: "cpu-cluster", To: "mlw", Protocol: topology.ProtocolTCP, Port: 443}

	res, err := (loadDNS(t, "")).Trace(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != sim.Denied || res.Reason != "public-access-disabled" {
		t.Fatalf("without the link: %s (%s), want denied (public-access-disabled)\n%s", res.Verdict, res.Reason, hopsText(res.Hops))
	}
	if got := fmt.Sprint(*res.BlockedBy); got != "{dnsZone privatelink.api.azureml.ms compute-vnet}" {
		t.Errorf("blockedBy = %s, want the missing link", got)
	}
	if !strings.Contains(res.Message, "privatelink.api.azureml.ms is not linked to VNet compute-vnet") {
		t.Errorf("message %q does not name the missing link", res.Message)
	}
	if !strings.HasPrefix(res.To, "mlw (20.") {
		t.Errorf("To = %q, want the public address the name resolved to", res.To)
	}
	var dnsHops int
	for _, h := range res.Hops {
		if h.Kind != "dns" {
			t.Errorf("hop %s %s %s after a DNS denial: the flow must stop at resolution", h.Kind, h.Action, h.Node)
		}
		dnsHops++
	}
	if dnsHops < 4 {
		t.Errorf("want the DNS steps as hops (send, 3 public answers, answer, deny), got\n%s", hopsText(res.Hops))
	}

	res, err = (loadDNS(t, computeLink)).Trace(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != sim.Allowed {
		t.Fatalf("with the link: %s (%s: %s), want allowed\n%s", res.Verdict, res.Reason, res.Message, hopsText(res.Hops))
	}
	if res.To != "mlw (10.0.1.5)" {
		t.Errorf("To = %q, want mlw (10.0.1.5)", res.To)
	}
	last := res.Hops[len(res.Hops)-1]
	if last.Kind != "destination" || last.Node != "pe-mlw" {
		t.Errorf("last hop = %s %s, want delivery to pe-mlw\n%s", last.Kind, last.Node, hopsText(res.Hops))
	}
	found := false
	for _, h := range res.Hops {
		if h.Kind == "dns" && h.Action == "zone" && strings.Contains(h.Detail, "private DNS zone privatelink.api.azureml.ms (linked to compute-vnet): A 10.0.1.5") {
			found = true
		}
	}
	if !found {
		t.Errorf("no dns hop shows the zone answering\n%s", hopsText(res.Hops))
	}
}

// TestTraceByName covers the other outcomes of resolving a destination.
func TestTraceByName(t *testing.T) {
	topo := loadDNS(t, computeLink)
	cases := []struct {
		name, from, to  string
		verdict, reason string
		blockedBy       string // kind/name/resource
		lastHop         string // "kind action node" of the last forward hop
	}{
		{"a linked zone without the record: NXDOMAIN", "jumpbox", "stmlw.file.core.windows.net", sim.Denied, "dns-nxdomain",
			"dnsRecord/privatelink.file.core.windows.net/ws-vnet", "dns answer jumpbox"},
		{"a name with only an AAAA record: NODATA, not NXDOMAIN", "jumpbox", "v6only.corp.internal", sim.Denied, "dns-nodata",
			"dnsRecord/corp.internal/ws-vnet", "dns answer jumpbox"},
		{"an empty non-terminal: NODATA", "jumpbox", "apps.corp.internal", sim.Denied, "dns-nodata",
			"dnsRecord/corp.internal/ws-vnet", "dns answer jumpbox"},
		{"the zone apex without an A record: NODATA", "jumpbox", "corp.internal", sim.Denied, "dns-nodata",
			"dnsRecord/corp.internal/ws-vnet", "dns answer jumpbox"},
		{"a name under the zone that does not exist: NXDOMAIN", "jumpbox", "nothere.corp.internal", sim.Denied, "dns-nxdomain",
			"dnsRecord/corp.internal/ws-vnet", "dns answer jumpbox"},
		{"the DNS query itself is denied", "blocked-vm", "mlw", sim.Denied, "dns-unreachable",
			"nsgRule/DenyAzureDns/nsg-no-dns", "dns answer blocked-vm"},
		{"a public service by name goes out to its public endpoint", "jumpbox", "stpublic", sim.Allowed, "", "",
			"destination deliver stpublic"},
		{"a name outside the scenario stands for an internet address", "jumpbox", "pypi.org", sim.Allowed, "", "",
			"destination deliver pypi.org"},
		{"from the internet, a disabled service is denied by its own setting", "internet", "mlw", sim.Denied, "public-access-disabled",
			"service/publicNetworkAccess/mlw", "dns deny mlw"},
		{"a service without a catalog name keeps its public endpoint", "jumpbox", "appi", sim.Allowed, "", "",
			"destination deliver appi"},
		{"the workspace by FQDN", "cpu-cluster", "fb000000-0000-4000-8000-000000000001.workspace.eastus.api.azureml.ms", sim.Allowed, "", "",
			"destination deliver pe-mlw"},
		{"notebooks zone not linked to the compute VNet", "cpu-cluster", "ml-mlw-eastus-fb000000-0000-4000-8000-000000000001.eastus.notebooks.azure.net",
			sim.Denied, "public-access-disabled", "dnsZone/privatelink.notebooks.azure.net/compute-vnet", "dns deny mlw"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := topo.Trace(sim.Request{From: c.from, To: c.to, Protocol: topology.ProtocolTCP, Port: 443})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != c.verdict || res.Reason != c.reason {
				t.Fatalf("%s (%s: %s), want %s (%s)\n%s", res.Verdict, res.Reason, res.Message, c.verdict, c.reason, hopsText(res.Hops))
			}
			got := ""
			if b := res.BlockedBy; b != nil {
				got = b.Kind + "/" + b.Name + "/" + b.Resource
			}
			if got != c.blockedBy {
				t.Errorf("blockedBy = %q, want %q", got, c.blockedBy)
			}
			h := res.Hops[len(res.Hops)-1]
			if got := h.Kind + " " + h.Action + " " + h.Node; got != c.lastHop {
				t.Errorf("last hop = %q, want %q\n%s", got, c.lastHop, hopsText(res.Hops))
			}
		})
	}
}

// TestTraceBadName: a destination that is not a DNS name is an error, not a verdict.
func TestTraceBadName(t *testing.T) {
	_, err := (loadDNS(t, "")).Trace(sim.Request{From: "jumpbox", To: "a..b", Protocol: topology.ProtocolTCP, Port: 443})
	if err == nil || !strings.Contains(err.Error(), "not a valid DNS name") {
		t.Fatalf("err = %v, want not a valid DNS name", err)
	}
}

// TestDNSResolverBuiltOnce checks that concurrent first uses share one resolver.
func TestDNSResolverBuiltOnce(t *testing.T) {
	topo := loadDNS(t, "")
	var wg sync.WaitGroup
	got := make([]any, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = topo.Resolver()
		}()
	}
	wg.Wait()
	for i := range got {
		if got[i] != got[0] || got[i] == nil {
			t.Fatalf("DNSResolver returned different resolvers: %p and %p", got[0], got[i])
		}
	}
	if other := (loadDNS(t, "")).Resolver(); any(other) == got[0] {
		t.Fatal("two topologies share a resolver")
	}
}
