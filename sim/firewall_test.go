package sim

import (
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/topology"
)

// fwHub is a hub with an Azure Firewall at 10.0.0.4 and a spoke whose
// training subnet sends 0.0.0.0/0 to it; rules and extra routes vary.
func fwHub(rules, routes, extra string) string {
	return `
vnets:
  - name: hub
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: AzureFirewallSubnet, addressPrefix: 10.0.0.0/26}
      - {name: snet-svc, addressPrefix: 10.0.2.0/24}
  - name: spoke
    addressSpace: [10.1.0.0/16]
    subnets:
      - {name: snet-training, addressPrefix: 10.1.0.0/24, routeTable: rt-spoke, networkSecurityGroup: nsg-training}
  - name: spoke2
    addressSpace: [10.2.0.0/16]
    subnets:
      - {name: snet-app, addressPrefix: 10.2.0.0/24, routeTable: rt-spoke2}
peerings:
  - {name: hub-to-spoke, from: hub, to: spoke, allowForwardedTraffic: true}
  - {name: spoke-to-hub, from: spoke, to: hub, allowForwardedTraffic: true}
  - {name: hub-to-spoke2, from: hub, to: spoke2, allowForwardedTraffic: true}
  - {name: spoke2-to-hub, from: spoke2, to: hub, allowForwardedTraffic: true}
routeTables:
  - name: rt-spoke
    routes:
      - {name: default-via-fw, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.0.4}
` + routes + `
  - name: rt-spoke2
    routes:
      - {name: default-via-fw, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.0.4}
networkSecurityGroups:
  - name: nsg-training
    securityRules:
      - {name: AllowAzureML, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: AzureMachineLearning, sourcePortRange: "*", destinationAddressPrefix: VirtualNetwork, destinationPortRange: "44224"}
      # The VirtualNetwork tag never holds the 0.0.0.0/0 route (decision 2),
      # so traffic to the other spoke needs its own rule.
      - {name: AllowPrivateOut, priority: 200, direction: Outbound, access: Allow, protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: 10.0.0.0/8, destinationPortRange: "*"}
vms:
  - {name: vm, subnet: spoke/snet-training, privateIpAddress: 10.1.0.4}
  - {name: app2, subnet: spoke2/snet-app, privateIpAddress: 10.2.0.4}
  - {name: svc, subnet: hub/snet-svc, privateIpAddress: 10.0.2.4}
firewalls:
  - name: fw
    subnet: hub/AzureFirewallSubnet
    privateIpAddress: 10.0.0.4
    publicIpAddress: 20.10.10.10
` + rules + extra
}

// traceName traces to an internet host asked for by name, the way an
// application rule sees it (the TLS SNI or HTTP Host).
func traceName(t *testing.T, topo *Network, from, name string, port uint16) *Result {
	t.Helper()
	src, err := topo.ResolveEndpoint(from)
	if err != nil {
		t.Fatal(err)
	}
	dst := &Endpoint{Text: name, Kind: EndpointInternet, Addr: topology.InternetHost, FQDN: name}
	res, err := topo.TraceEndpoints(src, dst, Request{Protocol: topology.ProtocolTCP, Port: port, SrcPort: DefaultSourcePort})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestFirewallRuleProcessing covers reference 5.3, including its two
// documented examples.
func TestFirewallRuleProcessing(t *testing.T) {
	example1 := `    networkRuleCollections:
      - name: Allow-web
        priority: 200
        action: Allow
        rules:
          - {name: web, protocols: [TCP], sourceAddresses: ["*"], destinationAddresses: ["*"], destinationPorts: ["80", "443"]}
    applicationRuleCollections:
      - name: Deny-google
        priority: 100
        action: Deny
        rules:
          - {name: google, protocols: ["Http:80", "Https:443"], sourceAddresses: ["*"], targetFqdns: [google.com]}
`
	example2 := `    networkRuleCollections:
      - name: Allow-collection
        priority: 200
        action: Allow
        rules:
          - {name: ssh, protocols: [TCP], sourceAddresses: ["*"], destinationAddresses: ["*"], destinationPorts: ["22"]}
      - name: Deny-collection
        priority: 100
        action: Deny
        rules:
          - {name: ssh, protocols: [TCP], sourceAddresses: ["*"], destinationAddresses: ["*"], destinationPorts: ["22"]}
`
	packages := `    applicationRuleCollections:
      - name: allow-packages
        priority: 300
        action: Allow
        rules:
          - {name: pypi, protocols: ["Https:443"], sourceAddresses: ["10.1.0.0/24"], targetFqdns: [pypi.org, "*.pythonhosted.org"]}
          - {name: blobs, protocols: ["Https"], sourceAddresses: ["*"], targetFqdns: ["*.blob.core.windows.net"]}
          - {name: aks, sourceAddresses: ["*"], fqdnTags: [AzureKubernetesService]}
    networkRuleCollections:
      - name: allow-azureml
        priority: 200
        action: Allow
        rules:
          - {name: aml, protocols: [TCP], sourceAddresses: ["*"], destinationAddresses: [AzureMachineLearning], destinationPorts: ["443"]}
`
	cases := []struct {
		name    string
		rules   string
		from    string
		to      string // an FQDN (traced by name) or an endpoint
		port    uint16
		verdict string
		reason  string
		hop     string
	}{
		{"example 1: the network rule allows before the application rule can deny", example1, "vm", "google.com", 443, Allowed, "", "network rule web in collection Allow-web (priority 200): Allow"},
		{"example 2: the deny collection (priority 100) beats the allow collection (200)", example2, "vm", "app2", 22, Denied, ReasonFirewall, "network rule ssh in collection Deny-collection (priority 100): Deny"},
		{"application rule by TLS SNI", packages, "vm", "pypi.org", 443, Allowed, "", "application rule pypi in collection allow-packages (priority 300) matches pypi.org (Https:443 pypi.org)"},
		{"wildcard targetFqdn", packages, "vm", "files.pythonhosted.org", 443, Allowed, "", "(Https:443 *.pythonhosted.org)"},
		{"application rules only for their protocol: pypi over HTTP is denied", packages, "vm", "pypi.org", 80, Denied, ReasonFirewall, "Azure Firewall denies by default"},
		{"application rule source addresses", packages, "app2", "pypi.org", 443, Denied, ReasonFirewall, "Azure Firewall denies by default"},
		{"*.blob.core.windows.net matches an account", packages, "vm", "acct.blob.core.windows.net", 443, Allowed, "", "(Https:443 *.blob.core.windows.net)"},
		{"*.blob.core.windows.net does not match the bare domain", packages, "vm", "blob.core.windows.net", 443, Denied, ReasonFirewall, ""},
		{"FQDN tag AzureKubernetesService", packages, "vm", "mcr.microsoft.com", 443, Allowed, "", "FQDN tag AzureKubernetesService"},
		{"network rule with a service tag destination", packages, "vm", "AzureMachineLearning", 443, Allowed, "", "network rule aml in collection allow-azureml"},
		{"network rule port mismatch falls to default deny", packages, "vm", "AzureMachineLearning", 8787, Denied, ReasonFirewall, "Azure Firewall denies by default"},
		{"default deny without a name: application rules can't match an address", packages, "vm", "internet", 443, Denied, ReasonFirewall, "application rules need the destination's name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			topo := load(t, fwHub(c.rules, "", ""))
			var res *Result
			if strings.Contains(c.to, ".") && !strings.Contains(c.to, "/") {
				res = traceName(t, topo, c.from, c.to, c.port)
			} else {
				var err error
				res, err = topo.Trace(Request{From: c.from, To: c.to, Protocol: topology.ProtocolTCP, Port: c.port})
				if err != nil {
					t.Fatal(err)
				}
			}
			if res.Verdict != c.verdict || res.Reason != c.reason {
				t.Fatalf("verdict %s (%s), want %s (%s)\n%s", res.Verdict, res.Reason, c.verdict, c.reason, dump(res))
			}
			if c.hop != "" && !strings.Contains(dump(res), c.hop) {
				t.Errorf("trace lacks %q\n%s", c.hop, dump(res))
			}
		})
	}
}

// TestFirewallPolicyOrder: in a Firewall Policy, network rules run before
// application rules whatever the group and collection priorities (FWPOL).
func TestFirewallPolicyOrder(t *testing.T) {
	rules := `    ruleCollectionGroups:
      - name: DefaultApplicationRuleCollectionGroup
        priority: 100
        applicationRuleCollections:
          - name: deny-example
            priority: 100
            action: Deny
            rules:
              - {name: example, protocols: ["Https:443"], sourceAddresses: ["*"], targetFqdns: [example.com]}
      - name: DefaultNetworkRuleCollectionGroup
        priority: 300
        networkRuleCollections:
          - name: allow-https
            priority: 500
            action: Allow
            rules:
              - {name: https, protocols: [TCP], sourceAddresses: ["*"], destinationAddresses: ["*"], destinationPorts: ["443"]}
`
	topo := load(t, fwHub(rules, "", ""))
	res := traceName(t, topo, "vm", "example.com", 443)
	if res.Verdict != Allowed || !strings.Contains(dump(res), "network rule https in collection DefaultNetworkRuleCollectionGroup/allow-https") {
		t.Errorf("the network rule should decide first\n%s", dump(res))
	}
	res = traceName(t, topo, "vm", "example.com", 8443)
	if res.Verdict != Denied || res.BlockedBy == nil || res.BlockedBy.Name != "default deny" {
		t.Errorf("8443 should fall to the default deny\n%s", dump(res))
	}
}

// TestFirewallPaths covers forced tunneling through a hub firewall, SNAT and
// symmetric replies, spoke-to-spoke through the firewall, and DNAT.
func TestFirewallPaths(t *testing.T) {
	allowAll := `    networkRuleCollections:
      - name: allow-all
        priority: 100
        action: Allow
        rules:
          - {name: any, protocols: [Any], sourceAddresses: ["*"], destinationAddresses: ["*"], destinationPorts: ["*"]}
`
	svcApp := `    applicationRuleCollections:
      - name: svc
        priority: 100
        action: Allow
        rules:
          - {name: svc, protocols: ["Https:443"], sourceAddresses: ["*"], targetFqdns: [svc.contoso.internal]}
`
	dnat := `    natRuleCollections:
      - name: inbound
        priority: 100
        action: Dnat
        rules:
          - {name: web, protocols: [TCP], sourceAddresses: ["*"], destinationAddresses: [20.10.10.10], destinationPorts: ["443"], translatedAddress: 10.0.2.4, translatedPort: "8443"}
`
	denyNet := `    networkRuleCollections:
      - name: deny-svc
        priority: 100
        action: Deny
        rules:
          - {name: svc, protocols: [TCP], sourceAddresses: ["*"], destinationAddresses: [10.0.2.4], destinationPorts: ["8443"]}
`
	svcViaFw := `      - {name: svc-via-fw, addressPrefix: 10.0.2.0/24, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.0.4}`
	tagRoutes := `      - {name: aml, addressPrefix: AzureMachineLearning, nextHopType: Internet}
      - {name: batch, addressPrefix: BatchNodeManagement, nextHopType: Internet}`
	compute := `services:
  - {name: mlw, type: Microsoft.MachineLearningServices/workspaces}
machineLearning:
  workspace: mlw
  computes:
    - {name: cluster, type: AmlCompute, subnet: spoke/snet-training, enableNodePublicIp: true}
`
	cases := []flowCase{
		{
			name:     "forced tunneling: the spoke reaches the internet through the firewall's public IP",
			scenario: fwHub(allowAll, "", ""),
			from:     "vm", to: "internet", verdict: Allowed,
			hops: []string{"route match spoke/snet-training 0.0.0.0/0 -> VirtualAppliance 10.0.0.4", "firewall allow fw network rule any", "route match hub/AzureFirewallSubnet 0.0.0.0/0 -> Internet", "egress snat hub/AzureFirewallSubnet Azure Firewall fw public IP 20.10.10.10",
				"reply:reply receive fw", "reply:peering cross hub-to-spoke", "reply:destination deliver vm"},
		},
		{
			name:     "forced tunneling without the service-tag routes: Azure ML's inbound reply goes to the firewall",
			scenario: fwHub(allowAll, "", compute),
			from:     "AzureMachineLearning", to: "cluster", port: 44224, verdict: Denied, reason: ReasonAsymmetric,
			hops: []string{"destination deliver cluster", "reply:route match spoke/snet-training 0.0.0.0/0 -> VirtualAppliance 10.0.0.4", "reply:appliance drop fw"},
		},
		{
			name:     "forced tunneling with the service-tag Internet routes: symmetric",
			scenario: fwHub(allowAll, tagRoutes, compute),
			from:     "AzureMachineLearning", to: "cluster", port: 44224, verdict: Allowed,
			hops: []string{"reply:(user route rt-spoke/aml)"},
		},
		{
			name:     "spoke to spoke through the firewall: both spokes route back through it",
			scenario: fwHub(allowAll, "", ""),
			from:     "vm", to: "app2", port: 22, verdict: Allowed,
			hops: []string{"firewall allow fw", "peering cross hub-to-spoke2", "destination deliver app2", "reply:route match spoke2/snet-app 0.0.0.0/0 -> VirtualAppliance 10.0.0.4", "reply:firewall forward fw", "reply:destination deliver vm"},
		},
		{
			name:     "spoke to spoke without allowForwardedTraffic on the receiving spoke",
			scenario: edit(fwHub(allowAll, "", ""), "{name: spoke2-to-hub, from: spoke2, to: hub, allowForwardedTraffic: true}", "{name: spoke2-to-hub, from: spoke2, to: hub}"),
			from:     "vm", to: "app2", port: 22, verdict: Denied, reason: ReasonForwardedTraffic,
			blockedBy: "peering/spoke2-to-hub/spoke2",
		},
		{
			name:     "a network rule to a private address does not SNAT: the hub service replies directly and bypasses the firewall",
			scenario: fwHub(allowAll, svcViaFw, ""),
			from:     "vm", to: "svc", port: 443, verdict: Denied, reason: ReasonAsymmetric,
		},
		{
			name:     "a firewall that denies",
			scenario: fwHub(denyNet, svcViaFw, ""),
			from:     "vm", to: "svc", port: 8443, verdict: Denied, reason: ReasonFirewall,
			blockedBy: "firewallRule/svc/fw/deny-svc",
		},
		{
			name:     "DNAT: the internet reaches a hub service through the firewall's public IP",
			scenario: fwHub(dnat, "", ""),
			from:     "internet", to: "fw", port: 443, verdict: Allowed,
			hops: []string{"firewall dnat fw NAT rule web", "firewall allow fw the DNAT rule's implicit network allow", "destination deliver svc", "reply:firewall unnat fw", "reply:reply deliver internet"},
		},
		{
			name:     "DNAT: an explicit network deny overrides the implicit allow",
			scenario: fwHub(dnat+denyNet, "", ""),
			from:     "internet", to: "fw", port: 443, verdict: Denied, reason: ReasonFirewall,
			blockedBy: "firewallRule/svc/fw/deny-svc",
		},
		{
			name:     "DNAT: no rule for the port",
			scenario: fwHub(dnat, "", ""),
			from:     "internet", to: "fw", port: 22, verdict: Denied, reason: ReasonFirewall,
		},
	}
	runFlowCases(t, cases)

	// Application rules SNAT, so the reply comes back through the firewall
	// even though the service's subnet has no route to it.
	topo := load(t, fwHub(svcApp, svcViaFw, ""))
	src, _ := topo.ResolveEndpoint("vm")
	dst, _ := topo.ResolveEndpoint("svc")
	dst.FQDN = "svc.contoso.internal"
	res, err := topo.TraceEndpoints(src, dst, Request{Protocol: topology.ProtocolTCP, Port: 443, SrcPort: DefaultSourcePort})
	if err != nil {
		t.Fatal(err)
	}
	out := dump(res)
	unnat := false
	for _, h := range res.Reply {
		unnat = unnat || (h.Kind == "firewall" && h.Action == "unnat" && h.Node == "fw")
	}
	if res.Verdict != Allowed || !strings.Contains(out, "application rules always SNAT (transparent proxy): source 10.1.0.4 becomes 10.0.0.4") || !unnat {
		t.Errorf("application rule SNAT and its reply\n%s", out)
	}
}

// TestFirewallValidation: firewall configuration mistakes are scenario errors.
func TestFirewallValidation(t *testing.T) {
	cases := []struct{ rules, want string }{
		{`    networkRuleCollections:
      - {name: c, priority: 100, action: Allow, rules: [{name: r, protocols: [TCP], sourceAddresses: ["*"], destinationFqdns: [pypi.org], destinationPorts: ["443"]}]}
`, "network rules can match FQDNs only when the firewall's dnsProxy is true"},
		{`    applicationRuleCollections:
      - {name: c, priority: 100, action: Allow, rules: [{name: r, sourceAddresses: ["*"], fqdnTags: [NoSuchTag]}]}
`, `unknown FQDN tag "NoSuchTag"`},
		{`    networkRuleCollections:
      - {name: c, priority: 50, action: Allow, rules: [{name: r, protocols: [TCP], sourceAddresses: ["*"], destinationAddresses: ["*"], destinationPorts: ["443"]}]}
`, "50 is outside 100-65000"},
		{`    networkRuleCollections:
      - {name: c, priority: 100, action: Allow, rules: [{name: r, protocols: [TCP], sourceIpGroups: [nope], destinationAddresses: ["*"], destinationPorts: ["443"]}]}
`, `unknown IP group "nope"`},
		{`    networkRuleCollections:
      - {name: c, priority: 100, action: Allow, rules: [{name: r, protocols: [TCP], sourceAddresses: ["*"], destinationAddresses: [NotATag], destinationPorts: ["443"]}]}
`, `unknown service tag "NotATag"`},
	}
	for _, c := range cases {
		_, err := topology.Parse("fw.yaml", []byte("apiVersion: vnetsim/v1\nregion: eastus\n"+fwHub(c.rules, "", "")), topology.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want an error containing %q, got %v", c.want, err)
		}
	}
	// IP groups and ranges work as sources.
	topo := load(t, fwHub(`    networkRuleCollections:
      - {name: c, priority: 100, action: Allow, rules: [{name: r, protocols: [TCP], sourceIpGroups: [spokes], destinationAddresses: ["10.2.0.1-10.2.0.9"], destinationPorts: ["22"]}]}
`, "", `ipGroups:
  - {name: spokes, ipAddresses: [10.1.0.0/24]}
`))
	res, err := topo.Trace(Request{From: "vm", To: "app2", Protocol: topology.ProtocolTCP, Port: 22})
	if err != nil || res.Verdict != Allowed {
		t.Errorf("IP group source and address range destination: %v\n%s", err, dump(res))
	}
}

// TestFirewallPrivateRanges: with privateRanges 255.255.255.255/32 a
// firewall SNATs network-rule traffic to private destinations too, so the
// reply comes back through it (seed 004, "Firewall between Azure Machine
// Learning and Azure Storage endpoints").
func TestFirewallPrivateRanges(t *testing.T) {
	allowAll := `    networkRuleCollections:
      - {name: allow-all, priority: 100, action: Allow, rules: [{name: any, protocols: [Any], sourceAddresses: ["*"], destinationAddresses: ["*"], destinationPorts: ["*"]}]}
`
	svcViaFw := `      - {name: svc-via-fw, addressPrefix: 10.0.2.0/24, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.0.4}`
	for _, c := range []struct {
		ranges  string
		verdict string
	}{
		{"", Denied}, // default IANA ranges: no SNAT, the reply bypasses the firewall
		{"    privateRanges: [255.255.255.255/32]\n", Allowed}, // always SNAT
		{"    privateRanges: [172.16.0.0/12]\n", Allowed},      // 10.0.2.4 is outside: SNAT
	} {
		topo := load(t, fwHub(c.ranges+allowAll, svcViaFw, ""))
		res, err := topo.Trace(Request{From: "vm", To: "svc", Protocol: topology.ProtocolTCP, Port: 445})
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict != c.verdict {
			t.Errorf("privateRanges %q: %s, want %s\n%s", c.ranges, res.Verdict, c.verdict, dump(res))
		}
	}
}
