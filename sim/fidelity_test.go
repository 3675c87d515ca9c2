package sim

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// denyAllOut is a VM behind an NSG whose only custom rule denies all
// outbound traffic; extra adds rules before it.
func denyAllOut(extra string) string {
	return `vnets:
  - name: v
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: a, addressPrefix: 10.0.0.0/24, networkSecurityGroup: nsg-a}
networkSecurityGroups:
  - name: nsg-a
    securityRules:
` + extra + `      - {name: DenyAllOut, priority: 4000, direction: Outbound, access: Deny, protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*"}
vms:
  - {name: vm1, subnet: v/a}
`
}

// TestPlatformAddresses (rule 1): DHCP, DNS, IMDS and health probes through
// 168.63.129.16 and 169.254.169.254 are not subject to NSGs unless a rule
// targets them by the platform service tags (NSG overview, "Azure platform
// considerations").
func TestPlatformAddresses(t *testing.T) {
	denyIMDS := `      - {name: DenyIMDS, priority: 100, direction: Outbound, access: Deny, protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: AzurePlatformIMDS, destinationPortRange: "*"}
`
	denyDNS := `      - {name: DenyDNS, priority: 100, direction: Outbound, access: Deny, protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: AzurePlatformDNS, destinationPortRange: "*"}
`
	runFlowCases(t, []flowCase{
		{name: "IMDS passes a deny-all outbound rule", scenario: denyAllOut(""), from: "vm1", to: "169.254.169.254", port: 80,
			verdict: Allowed, hops: []string{"platform bypass 169.254.169.254", "destination deliver 169.254.169.254"}, noHops: []string{"DenyAllOut"}},
		{name: "Azure DNS passes a deny-all outbound rule", scenario: denyAllOut(""), from: "vm1", to: "168.63.129.16", proto: "Udp", port: 53,
			verdict: Allowed},
		{name: "AzurePlatformIMDS deny blocks IMDS", scenario: denyAllOut(denyIMDS), from: "vm1", to: "169.254.169.254", port: 80,
			verdict: Denied, reason: ReasonNSG, blockedBy: "nsgRule/DenyIMDS/nsg-a"},
		{name: "AzurePlatformDNS deny does not block IMDS", scenario: denyAllOut(denyDNS), from: "vm1", to: "169.254.169.254", port: 80,
			verdict: Allowed},
		{name: "AzurePlatformIMDS deny does not block Azure DNS", scenario: denyAllOut(denyIMDS), from: "vm1", to: "168.63.129.16", proto: "Udp", port: 53,
			verdict: Allowed},
	})
}

var _ = strings.Contains

// storageIPRules is a VM with a public IP and a storage account whose
// firewall denies by default and lists the VM's public IP.
func storageIPRules(stRegion string) string {
	return `vnets:
  - name: v
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: a, addressPrefix: 10.0.0.0/24}
vms:
  - {name: vm1, subnet: v/a, publicIpAddress: {sku: Standard, ipAddress: 20.10.0.5}}
  - {name: vm2, subnet: v/a}
services:
  - name: st
    type: Microsoft.Storage/storageAccounts
    region: ` + stRegion + `
    networkAcls: {defaultAction: Deny, ipRules: [20.10.0.5, 20.10.0.0/24]}
`
}

// TestStorageIPRulesSameRegion (rule 2): IP network rules have no effect on
// requests from the same Azure region as the storage account, which use
// private addresses (Configure Azure Storage firewalls and virtual networks).
func TestStorageIPRulesSameRegion(t *testing.T) {
	runFlowCases(t, []flowCase{
		{name: "same region: the VM's public IP in ipRules does not admit it", scenario: storageIPRules("eastus"), from: "vm1", to: "st",
			verdict: Denied, reason: ReasonServiceFirewall, blockedBy: "service/networkAcls/st",
			hops: []string{"service deny st the request comes from the same region (eastus)"}, noHops: []string{"service allow st IP rule"}},
		{name: "same region, default outbound: the reason names the private source", scenario: storageIPRules("eastus"), from: "vm2", to: "st",
			verdict: Denied, reason: ReasonServiceFirewall, hops: []string{"service deny st the request comes from the same region (eastus)"}},
		{name: "another region: the IP rule admits the VM's public IP", scenario: storageIPRules("westus"), from: "vm1", to: "st",
			verdict: Allowed, hops: []string{"service allow st IP rule 20.10.0.5/32"}},
	})
	topo := load(t, storageIPRules("eastus"))
	for _, from := range []string{"vm1", "vm2"} {
		res, err := topo.Trace(Request{From: from, To: "st", Port: 443})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.Message, "private address 10.0.0.") || strings.Contains(res.Message, "public address") || strings.Contains(res.Message, "Microsoft-owned") {
			t.Errorf("%s: the message must say the request comes from a private address, not a public one: %s", from, res.Message)
		}
	}
}

// TestFirewallNetworkRuleFQDNs (rule 3): network rules with FQDNs filter on
// the addresses the firewall resolves them to (its DNS proxy, its DNS
// servers or Azure DNS), so a flow addressed by IP to one of them matches,
// and FQDNs sharing an address are not told apart (Use FQDN filtering in
// network rules).
func TestFirewallNetworkRuleFQDNs(t *testing.T) {
	rules := `    dnsProxy: true
    networkRuleCollections:
      - name: allow-app
        priority: 100
        action: Allow
        rules:
          - {name: app-by-name, protocols: [TCP], sourceAddresses: ["*"], destinationFqdns: [app.corp.example], destinationPorts: ["443"]}
privateDnsZones:
  - name: corp.example
    virtualNetworkLinks: [{vnet: hub}]
    records:
      - {name: app, type: A, values: [10.2.0.4]}
      - {name: alias, type: A, values: [10.2.0.4]}
      - {name: other, type: A, values: [10.2.0.5]}
`
	sc := strings.Replace(fwHub(rules, "", ""), "  - name: spoke\n    addressSpace: [10.1.0.0/16]\n", "  - name: spoke\n    addressSpace: [10.1.0.0/16]\n    dnsServers: [10.0.0.4]\n", 1)
	runFlowCases(t, []flowCase{
		{name: "a flow by IP to the address the FQDN resolves to matches", scenario: sc, from: "vm", to: "10.2.0.4",
			verdict: Allowed, hops: []string{"firewall allow fw network rule app-by-name", "destination deliver app2"}},
		{name: "a name sharing the address is not told apart", scenario: sc, from: "vm", to: "alias.corp.example",
			verdict: Allowed, hops: []string{"firewall allow fw network rule app-by-name"}},
		{name: "the named FQDN itself", scenario: sc, from: "vm", to: "app.corp.example",
			verdict: Allowed, hops: []string{"firewall allow fw network rule app-by-name"}},
		{name: "another address does not match", scenario: sc, from: "vm", to: "other.corp.example",
			verdict: Denied, reason: ReasonFirewall, blockedBy: "firewall/default deny/fw"},
		{name: "another port does not match", scenario: sc, from: "vm", to: "10.2.0.4", port: 22,
			verdict: Denied, reason: ReasonFirewall},
	})
}

// chainedFirewalls is a spoke with its own Azure Firewall in forced
// tunneling mode, whose AzureFirewallSubnet sends 0.0.0.0/0 to the hub
// firewall; the hub firewall admits only the spoke firewall's subnet.
func chainedFirewalls(mgmt string) string {
	return `vnets:
  - name: hub
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: AzureFirewallSubnet, addressPrefix: 10.0.0.0/26}
  - name: spoke
    addressSpace: [10.1.0.0/16]
    subnets:
      - {name: snet-app, addressPrefix: 10.1.0.0/24, routeTable: rt-app}
      - {name: AzureFirewallSubnet, addressPrefix: 10.1.1.0/26, routeTable: rt-fw}
      - {name: AzureFirewallManagementSubnet, addressPrefix: 10.1.2.0/26}
peerings:
  - {name: hub-to-spoke, from: hub, to: spoke, allowForwardedTraffic: true}
  - {name: spoke-to-hub, from: spoke, to: hub, allowForwardedTraffic: true}
routeTables:
  - name: rt-app
    routes:
      - {name: default-via-spoke-fw, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.1.1.4}
  - name: rt-fw
    routes:
      - {name: default-via-hub-fw, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.0.4}
vms:
  - {name: vm, subnet: spoke/snet-app, privateIpAddress: 10.1.0.4}
firewalls:
  - name: fw-spoke
    subnet: spoke/AzureFirewallSubnet
    privateIpAddress: 10.1.1.4
` + mgmt + `    networkRuleCollections:
      - name: web
        priority: 100
        action: Allow
        rules:
          - {name: web-out, protocols: [TCP], sourceAddresses: [10.1.0.0/24], destinationAddresses: ["*"], destinationPorts: ["443"]}
    applicationRuleCollections:
      - name: sites
        priority: 200
        action: Allow
        rules:
          - {name: example, protocols: ["Http:80"], sourceAddresses: [10.1.0.0/24], targetFqdns: [www.example.com]}
  - name: fw-hub
    subnet: hub/AzureFirewallSubnet
    privateIpAddress: 10.0.0.4
    publicIpAddress: 20.0.0.10
    networkRuleCollections:
      - name: from-spoke-firewall
        priority: 100
        action: Allow
        rules:
          - {name: spoke-fw-out, protocols: [TCP], sourceAddresses: [10.1.1.0/26], destinationAddresses: ["*"], destinationPorts: ["80", "443"]}
`
}

const forcedTunnel = `    managementIpConfiguration: {subnet: spoke/AzureFirewallManagementSubnet, publicIpAddress: 20.1.2.10}
`

// TestFirewallSNAT (rule 4): application-rule traffic is always SNATed to
// a firewall private address; with forced tunneling, internet-bound
// network-rule traffic is too (Azure Firewall SNAT private IP ranges).
// Chained firewalls then see the first firewall's address, and replies
// come back through both.
func TestFirewallSNAT(t *testing.T) {
	topo := load(t, chainedFirewalls(forcedTunnel))
	for _, c := range []struct {
		name string
		port uint16
		rule string
		why  string
	}{{"network rule", 443, "network rule web-out", "forced tunneling: internet-bound traffic is SNATed"},
		{"application rule", 80, "application rule example", "application rules always SNAT"}} {
		res := traceName(t, topo, "vm", "www.example.com", c.port)
		if res.Verdict != Allowed {
			t.Fatalf("%s: the hub firewall must see the spoke firewall's address:\n%s", c.name, dump(res))
		}
		want := []string{c.rule, c.why, "becomes 10.1.1.4", "network rule spoke-fw-out"}
		all := dump(res)
		at := 0
		for _, w := range want {
			i := strings.Index(all[at:], w)
			if i < 0 {
				t.Fatalf("%s: %q not found in order:\n%s", c.name, w, all)
			}
			at += i
		}
		if !strings.Contains(all, "reply") || !strings.Contains(all, "unnat") || !strings.Contains(all, "fw-hub") {
			t.Errorf("%s: the reply must come back through both firewalls:\n%s", c.name, all)
		}
	}
	// Without forced tunneling a firewall needs its own route to the
	// internet: a 0.0.0.0/0 route to another next hop is rejected at load.
	_, err := topology.Parse("t.yaml", []byte("apiVersion: vnetsim/v1\nregion: eastus\n"+chainedFirewalls("    publicIpAddress: 20.1.1.10\n")), topology.Options{})
	if err == nil || !strings.Contains(err.Error(), "managementIpConfiguration") {
		t.Errorf("a firewall subnet sending 0.0.0.0/0 to an appliance needs forced tunneling; got %v", err)
	}
	// The management configuration lives in AzureFirewallManagementSubnet.
	bad := strings.Replace(forcedTunnel, "AzureFirewallManagementSubnet", "snet-app", 1)
	_, err = topology.Parse("t.yaml", []byte("apiVersion: vnetsim/v1\nregion: eastus\n"+chainedFirewalls(bad)), topology.Options{})
	if err == nil || !strings.Contains(err.Error(), "managementIpConfiguration.subnet") {
		t.Errorf("want an error naming managementIpConfiguration.subnet, got %v", err)
	}
}

// TestTargetFQDNWildcards (rule 5): a leading "*" without a dot matches any
// name ending in the rest, the apex included; "*." matches names under the
// suffix only (Azure Firewall FAQ, wildcards in target FQDNs); patterns
// with a "*" anywhere but the left-most place are rejected at load.
func TestTargetFQDNWildcards(t *testing.T) {
	rules := func(fqdn string) string {
		return `    applicationRuleCollections:
      - name: web
        priority: 100
        action: Allow
        rules:
          - {name: ms, protocols: ["Https:443"], sourceAddresses: ["*"], targetFqdns: ["` + fqdn + `"]}
`
	}
	for _, c := range []struct {
		pattern, name string
		allowed       bool
	}{
		{"*microsoft.com", "microsoft.com", true},
		{"*microsoft.com", "learn.microsoft.com", true},
		{"*microsoft.com", "notmicrosoft.com", true},
		{"*microsoft.com", "microsoft.com.evil.net", false},
		{"*.microsoft.com", "microsoft.com", false},
		{"*.microsoft.com", "a.b.microsoft.com", true},
		{"*.microsoft.com", "notmicrosoft.com", false},
	} {
		topo := load(t, fwHub(rules(c.pattern), "", ""))
		res := traceName(t, topo, "vm", c.name, 443)
		if (res.Verdict == Allowed) != c.allowed {
			t.Errorf("%s against %s: %s, want allowed=%v\n%s", c.pattern, c.name, res.Verdict, c.allowed, dump(res))
		}
	}
	for _, bad := range []string{"www.*.com", "microsoft*", "**.microsoft.com", "*.micro*soft.com"} {
		_, err := topology.Parse("t.yaml", []byte("apiVersion: vnetsim/v1\nregion: eastus\n"+fwHub(rules(bad), "", "")), topology.Options{})
		if err == nil || !strings.Contains(err.Error(), "targetFqdns[0]") {
			t.Errorf("%q: want a load error on targetFqdns[0], got %v", bad, err)
		}
	}
}

const natScenario = `vnets:
  - name: v
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: a, addressPrefix: 10.0.0.0/24, natGateway: natgw}
  - name: w
    addressSpace: [10.9.0.0/16]
    subnets:
      - {name: b, addressPrefix: 10.9.0.0/24}
natGateways:
  - {name: natgw, publicIpAddresses: [20.30.0.1, 20.30.0.2]}
vms:
  - {name: vm1, subnet: v/a}
  - {name: vm9, subnet: w/b}
`

// TestNATGatewayPublicIPs (rule 6): a NAT gateway's public IPs belong to
// the scenario, and connections initiated from the internet to them are
// denied: "can't initiate an inbound connection through NAT gateway"
// (reference 5.2).
func TestNATGatewayPublicIPs(t *testing.T) {
	runFlowCases(t, []flowCase{
		{name: "from the internet", scenario: natScenario, from: "internet", to: "20.30.0.2", port: 22,
			verdict: Denied, reason: ReasonUnreachable, blockedBy: "natGateway/natgw/20.30.0.2",
			hops: []string{"natGateway drop natgw"}},
		{name: "from a VNet over the internet", scenario: natScenario, from: "vm9", to: "20.30.0.1", port: 443,
			verdict: Denied, reason: ReasonUnreachable, blockedBy: "natGateway/natgw/20.30.0.1"},
		{name: "outbound through the NAT gateway still works", scenario: natScenario, from: "vm1", to: "internet", port: 443,
			verdict: Allowed, hops: []string{"egress snat v/a NAT gateway natgw"}},
	})
	topo := load(t, natScenario)
	res, err := topo.Trace(Request{From: "internet", To: "20.30.0.1", Port: 80})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Message, "can't initiate an inbound connection through NAT gateway") {
		t.Errorf("message: %s", res.Message)
	}
}

// TestBatchManagementPorts (rule 7): Batch management of a compute cluster
// needs TCP 443 and UDP 5831 (seed 000), not the compute-instance ports TCP
// 8787 (RStudio) and 18881 (IntelliSense), which belong to the rstudio and
// intellisense intents.
func TestBatchManagementPorts(t *testing.T) {
	const allowSsh = `      - {name: AllowSsh, priority: 120, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: AzureMachineLearning, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22"}`
	deny := allowSsh + `
      - {name: DenyCIPorts, priority: 200, direction: Outbound, access: Deny, protocol: Tcp, sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: AzureMachineLearning, destinationPortRange: "8787,18881"}`
	topo := load(t, mlScenario(allowSsh, deny))
	s, err := topo.Simulate("batch-management", "cluster", "")
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	WriteSimulationText(&out, s)
	if s.Verdict != Allowed {
		t.Errorf("batch management of a cluster must not need TCP 8787 or 18881:\n%s", out.String())
	}
	udp := false
	for _, st := range s.Steps {
		if st.Port == 8787 || st.Port == 18881 {
			t.Errorf("step %q uses a compute-instance port", st.Name)
		}
		udp = udp || (st.Port == 5831 && st.Protocol == "Udp")
	}
	if !udp {
		t.Errorf("UDP 5831 must stay:\n%s", out.String())
	}
	// The ports stay with their own intents.
	for intent, port := range map[string]uint16{"rstudio": 8787, "intellisense": 18881} {
		s, err := topo.Simulate(intent, "ci1", "")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, st := range s.Steps {
			found = found || st.Port == port
		}
		if !found {
			t.Errorf("intent %s has no step on port %d", intent, port)
		}
	}
}

// TestRegistryBehindVNet (rule 8): a registry whose network rule set denies
// by default is behind the VNet, with or without rules, just as one with
// public network access disabled: image builds need an image build compute
// (seed 002, Azure Container Registry).
func TestRegistryBehindVNet(t *testing.T) {
	open := "  - {name: crmlw, type: Microsoft.ContainerRegistry/registries, publicNetworkAccess: Disabled}"
	for name, reg := range map[string]string{
		"default deny":               "  - {name: crmlw, type: Microsoft.ContainerRegistry/registries, networkAcls: {defaultAction: Deny}}",
		"default deny with IP rules": "  - {name: crmlw, type: Microsoft.ContainerRegistry/registries, networkAcls: {defaultAction: Deny, ipRules: [203.0.113.0/24]}}",
		"public access disabled":     open,
	} {
		topo := load(t, mlScenario(open, reg))
		s, err := topo.Simulate("image-build", "cluster", "")
		if err != nil {
			t.Fatal(err)
		}
		f := s.FirstFailure()
		if f == nil || f.Reason != ReasonImageBuild {
			var out strings.Builder
			WriteSimulationText(&out, s)
			t.Errorf("%s: the registry is behind the VNet, so image builds need an image build compute:\n%s", name, out.String())
		}
	}
	topo := load(t, mlScenario(open, "  - {name: crmlw, type: Microsoft.ContainerRegistry/registries, networkAcls: {defaultAction: Allow}}"))
	s, err := topo.Simulate("image-build", "cluster", "")
	if err != nil {
		t.Fatal(err)
	}
	if f := s.FirstFailure(); f != nil && f.Reason == ReasonImageBuild {
		t.Errorf("a registry open to all networks is not behind the VNet: %+v", f)
	}
}

// TestMatrixNamesServices (rule 9): the matrix agrees with trace for a
// service vnetsim has no DNS name for (Application Insights), and a
// destination that does not resolve says why instead of a silent none.
func TestMatrixNamesServices(t *testing.T) {
	topo := load(t, `vnets:
  - name: v
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: a, addressPrefix: 10.0.0.0/24}
vms:
  - {name: vm1, subnet: v/a}
services:
  - {name: appi, type: Microsoft.Insights/components}
privateDnsZones:
  - name: corp.example
    virtualNetworkLinks: [{vnet: v}]
    records:
      - {name: app, type: A, values: [10.0.0.9]}
`)
	m, err := topo.Matrix("vms", "appi,nosuch.corp.example,app.corp.example", nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]MatrixRow{}
	for _, r := range m.Rows {
		rows[r.To] = r
	}
	res, err := topo.Trace(Request{From: "vm1", To: "appi", Port: 443})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != Allowed || !strings.Contains(rows["appi"].Summary, "Tcp *") {
		t.Errorf("trace says %s, matrix says %q", res.Verdict, rows["appi"].Summary)
	}
	if r := rows["nosuch.corp.example"]; r.Reason != ReasonDNSNXDomain || !strings.Contains(r.Summary, "none (dns-nxdomain)") {
		t.Errorf("an unresolvable name must say why: reason %q, summary %q", r.Reason, r.Summary)
	}
	if r := rows["app.corp.example"]; !strings.Contains(r.Summary, "Tcp *") || r.Reason != "" {
		t.Errorf("app.corp.example: %q (%q)", r.Summary, r.Reason)
	}
}

// TestMatrixAgreesWithTracesForNames is the property test of rule 9 for
// services and FQDN destinations: over random scenarios (NSGs, service
// firewalls, public access, private endpoints with and without zone links)
// the matrix says allowed exactly when a point trace does.
func TestMatrixAgreesWithTracesForNames(t *testing.T) {
	rng := rand.New(rand.NewSource(14))
	n := 60
	if testing.Short() {
		n = 15
	}
	checks := 0
	for i := 0; i < n; i++ {
		src := randomNamedScenario(rng)
		compiled, err := topology.Parse("random.yaml", []byte("apiVersion: vnetsim/v1\nregion: eastus\n"+src), topology.Options{})
		if err != nil {
			t.Fatalf("scenario %d: %v\n%s", i, err, src)
		}
		topo := New(compiled)
		dsts := []string{"st", "kv", "appi", "st.blob.core.windows.net", "kv.vault.azure.net", "app.corp.example", "gone.corp.example", "pypi.org"}
		m, err := topo.Matrix("vm0,vm1", strings.Join(dsts, ","), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range m.Rows {
			for j := 0; j < 4; j++ {
				proto := []topology.Protocol{topology.ProtocolTCP, topology.ProtocolUDP}[rng.Intn(2)]
				port := []uint16{22, 53, 80, 443, 445, 1433, 8080, uint16(rng.Intn(65536))}[rng.Intn(8)]
				res, err := topo.Trace(Request{From: row.From, To: row.To, Protocol: proto, Port: port})
				if err != nil {
					t.Fatal(err)
				}
				set := row.access.TCP
				if proto == topology.ProtocolUDP {
					set = row.access.UDP
				}
				if set.Contains(port) != (res.Verdict == Allowed) {
					t.Fatalf("scenario %d: %s -> %s %s/%d: matrix %q, trace %s\n%s\n%s", i, row.From, row.To, proto, port, row.Summary, res.Verdict, dump(res), src)
				}
				if row.access.Empty() && row.Reason == "" {
					t.Fatalf("scenario %d: %s -> %s: an empty row must give a reason", i, row.From, row.To)
				}
				checks++
			}
		}
	}
	t.Logf("%d point traces to services and names agree with the matrix", checks)
}

func randomNamedScenario(rng *rand.Rand) string {
	pick := func(xs ...string) string { return xs[rng.Intn(len(xs))] }
	var b strings.Builder
	b.WriteString(`vnets:
  - name: v
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: a, addressPrefix: 10.0.1.0/24, networkSecurityGroup: nsg-a` + pick("", ", serviceEndpoints: [Microsoft.Storage]", ", defaultOutboundAccess: false") + `}
      - {name: pe, addressPrefix: 10.0.2.0/24}
vms:
  - {name: vm0, subnet: v/a` + pick("", ", publicIpAddress: {sku: Standard, ipAddress: 20.40.0.4}") + `}
  - {name: vm1, subnet: v/a}
services:
  - {name: st, type: Microsoft.Storage/storageAccounts, region: ` + pick("eastus", "westus") + pick("", ", publicNetworkAccess: Disabled") +
		pick("", ", networkAcls: {defaultAction: Deny, virtualNetworkRules: [v/a], ignoreMissingVnetServiceEndpoint: true}", ", networkAcls: {defaultAction: Deny, ipRules: [20.40.0.4]}") + `}
  - {name: kv, type: Microsoft.KeyVault/vaults` + pick("", ", publicNetworkAccess: Disabled") + `}
  - {name: appi, type: Microsoft.Insights/components}
privateEndpoints:
  - {name: pe-st, subnet: v/pe, service: st, groupId: blob, privateIpAddress: 10.0.2.5}
privateDnsZones:
  - name: corp.example
    virtualNetworkLinks: [{vnet: v}]
    records:
      - {name: app, type: A, values: [10.0.2.9]}
`)
	if rng.Intn(2) == 0 {
		b.WriteString("  - name: privatelink.blob.core.windows.net\n    virtualNetworkLinks: [{vnet: v}]\n")
	}
	b.WriteString("networkSecurityGroups:\n  - name: nsg-a\n    securityRules:\n")
	for r := 0; r < rng.Intn(4); r++ {
		fmt.Fprintf(&b, "      - {name: r%d, priority: %d, direction: Outbound, access: %s, protocol: %s, sourceAddressPrefix: \"*\", sourcePortRange: \"*\", destinationAddressPrefix: %s, destinationPortRange: %q}\n",
			r, 100+r*10, pick("Allow", "Deny"), pick("Tcp", "Udp", "\"*\""), pick("\"*\"", "Storage", "VirtualNetwork", "Internet", "AzureMonitor", "AzureKeyVault", "10.0.2.0/24"), pick("*", "443", "53", "80-445", "1000-2000"))
	}
	return b.String()
}

const exposedVM = `vnets:
  - name: v
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: a, addressPrefix: 10.0.0.0/24, networkSecurityGroup: nsg-a}
networkSecurityGroups:
  - name: nsg-a
    securityRules:
      - {name: AllowSsh, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: Internet, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22"}
vms:
  - {name: web, subnet: v/a, publicIpAddress: {sku: Standard, ipAddress: 20.50.0.5}}
  - {name: inner, subnet: v/a}
services:
  - {name: st, type: Microsoft.Storage/storageAccounts}
  - {name: kv, type: Microsoft.KeyVault/vaults, publicNetworkAccess: Disabled}
`

// TestExposureInMatrixAndDiff (rule 12): the default matrix has rows from
// the internet to every publicly reachable endpoint, and diff reports a
// newly open internet flow first.
func TestExposureInMatrixAndDiff(t *testing.T) {
	before := load(t, exposedVM)
	m, err := before.Matrix("", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, r := range m.Rows {
		rows[r.From+" -> "+r.To] = r.Summary
	}
	if got := rows["internet -> web"]; got != "Tcp 22" {
		t.Errorf("internet -> web = %q, want Tcp 22 (rows %v)", got, rows)
	}
	if _, ok := rows["internet -> st"]; !ok {
		t.Errorf("a service with public network access is publicly reachable: no internet -> st row")
	}
	for _, k := range []string{"internet -> inner", "internet -> kv"} {
		if _, ok := rows[k]; ok {
			t.Errorf("%s: not publicly reachable, no row expected", k)
		}
	}
	after := load(t, strings.Replace(exposedVM, "    securityRules:\n", `    securityRules:
      - {name: AllowHttp, priority: 110, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "80"}
`, 1))
	d, err := Diff(before, after)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Changes) == 0 {
		t.Fatal("diff: no changes")
	}
	c := d.Changes[0]
	if c.Kind != "matrix" || c.Change != "newly-allowed" || c.Subject != "internet -> web" || c.Detail != "Tcp 80" {
		t.Errorf("the first change must be the newly open internet flow, got %+v (all: %+v)", c, d.Changes)
	}
}
