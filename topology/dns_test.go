package topology

import (
	"net/netip"
	"strings"
	"testing"
)

// dnsHead is a scenario with a hub holding a DNS server VM, a plain VM and a
// gateway to on-premises; cases append VNets and VMs.
const dnsHead = `apiVersion: vnetsim/v1
region: eastus
virtualNetworkGateways:
  - {name: gw, vnet: hub, onPremisesAddressPrefixes: [192.168.0.0/16]}
vnets:
  - name: hub
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: snet, addressPrefix: 10.0.1.0/24}
      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}
`

const dnsVMs = `vms:
  - {name: dns1, subnet: hub/snet, privateIpAddress: 10.0.1.4, dnsServer: {defaultForwarder: 168.63.129.16}}
  - {name: plain, subnet: hub/snet, privateIpAddress: 10.0.1.5}
`

// TestCompileDNSErrors checks the validation of DNS server roles,
// forwarders, hosts files and VNet DNS servers: one located line each.
func TestCompileDNSErrors(t *testing.T) {
	spoke := func(servers string) string {
		return "  - name: spoke\n    addressSpace: [10.1.0.0/16]\n    dnsServers: " + servers + "\n    subnets: [{name: snet, addressPrefix: 10.1.0.0/24}]\n"
	}
	cases := []struct {
		name string
		body string
		want []string
	}{
		{
			name: "every kind of DNS server is accepted",
			body: dnsHead + spoke("[168.63.129.16, 10.0.1.4, 192.168.1.10, 10.9.0.4]") + `  - name: fwv
    addressSpace: [10.9.0.0/16]
    subnets: [{name: AzureFirewallSubnet, addressPrefix: 10.9.0.0/26}]
firewalls:
  - {name: fw, subnet: fwv/AzureFirewallSubnet, privateIpAddress: 10.9.0.4, dnsProxy: true}
` + dnsVMs,
		},
		{
			name: "a VM without a DNS server role",
			body: dnsHead + spoke("[10.0.1.5]") + dnsVMs,
			want: []string{`test.yaml:13: vnets[1].dnsServers[0]: 10.0.1.5 is VM plain, which has no dnsServer role; give the VM a dnsServer role or use 168.63.129.16`},
		},
		{
			name: "an address that is nothing",
			body: dnsHead + spoke("[168.63.129.16, 8.8.8.8]") + dnsVMs,
			want: []string{`test.yaml:13: vnets[1].dnsServers[1]: 8.8.8.8 is neither 168.63.129.16, a VM with a dnsServer role, an on-premises address behind a gateway nor a firewall`},
		},
		{
			name: "not an address",
			body: dnsHead + spoke("[dns1]") + dnsVMs,
			want: []string{`test.yaml:13: vnets[1].dnsServers[0]: "dns1" is not a valid IP address`},
		},
		{
			name: "forwarder target and zone",
			body: dnsHead + `vms:
  - name: dns1
    subnet: hub/snet
    dnsServer:
      forwarders:
        - {zone: api.azureml.ms, target: 168.63.129.300}
`,
			want: []string{`test.yaml:16: vms[0].dnsServer.forwarders[0].target: "168.63.129.300" is not a valid IP address`},
		},
		{
			name: "forwarder zone syntax",
			body: dnsHead + `vms:
  - name: dns1
    subnet: hub/snet
    dnsServer:
      forwarders:
        - {zone: "api..azureml.ms", target: 168.63.129.16}
`,
			want: []string{`test.yaml:16: vms[0].dnsServer.forwarders[0].zone: "api..azureml.ms" is not a valid DNS name (label "")`},
		},
		{
			name: "a zone forwarded twice",
			body: dnsHead + `vms:
  - name: dns1
    subnet: hub/snet
    dnsServer:
      forwarders:
        - {zone: api.azureml.ms, target: 168.63.129.16}
        - {zone: API.azureml.ms., target: 10.0.1.9}
`,
			want: []string{`test.yaml:17: vms[0].dnsServer.forwarders[1].zone: zone api.azureml.ms already has forwarder forwarders[0]`},
		},
		{
			name: "a forwarder without a zone",
			body: dnsHead + `vms:
  - name: dns1
    subnet: hub/snet
    dnsServer:
      forwarders:
        - {target: 168.63.129.16}
`,
			want: []string{`test.yaml:16: vms[0].dnsServer.forwarders[0].zone: missing: the zone to forward (for the default forwarder use defaultForwarder)`},
		},
		{
			name: "default forwarder",
			body: dnsHead + `vms:
  - name: dns1
    subnet: hub/snet
    dnsServer: {defaultForwarder: on-prem}
`,
			want: []string{`test.yaml:14: vms[0].dnsServer.defaultForwarder: "on-prem" is not a valid IP address`},
		},
		{
			name: "forwarding to itself",
			body: dnsHead + `vms:
  - name: dns1
    subnet: hub/snet
    privateIpAddress: 10.0.1.4
    dnsServer: {defaultForwarder: 10.0.1.4}
`,
			want: []string{`test.yaml:15: vms[0].dnsServer.defaultForwarder: 10.0.1.4 is this VM's own address; a server can't forward to itself`},
		},
		{
			name: "hosts values and names",
			body: dnsHead + `vms:
  - name: vm1
    subnet: hub/snet
    hosts:
      good.example.com: 10.0.1.9
      bad.example.com: ten
      "bad name": 10.0.1.9
`,
			want: []string{
				`test.yaml:16: vms[0].hosts.bad.example.com: "ten" is not a valid IP address`,
				`test.yaml:17: vms[0].hosts.bad name: "bad name" is not a host name`,
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("test.yaml", []byte(c.body), Options{})
			var got []string
			if err != nil {
				el, ok := err.(ErrorList)
				if !ok {
					t.Fatalf("err = %#v, want an ErrorList", err)
				}
				for _, e := range el {
					got = append(got, e.Error())
				}
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// TestCompileDNSResolved checks what compileDNS fills in: hosts files on
// NICs and the parsed DNS server role, forwarders longest zone first.
func TestCompileDNSResolved(t *testing.T) {
	body := dnsHead + `vms:
  - name: dns1
    subnet: hub/snet
    privateIpAddress: 10.0.1.4
    hosts: {App.Example.COM.: 10.0.1.9}
    dnsServer:
      forwarders:
        - {zone: azureml.ms, target: 192.168.1.10}
        - {zone: privatelink.api.azureml.ms., target: 168.63.129.16}
        - {zone: api.azureml.ms, target: 10.0.1.5}
      defaultForwarder: 168.63.129.16
`
	topo, err := Parse("test.yaml", []byte(body), Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := topo.NIC("dns1")
	if got := n.Hosts["app.example.com"]; got != netip.MustParseAddr("10.0.1.9") {
		t.Errorf("Hosts[app.example.com] = %v, want 10.0.1.9 (names are canonical)", got)
	}
	role, ok := topo.DNSServerRole(n)
	if !ok {
		t.Fatal("DNSServerRole: no role")
	}
	var zones []string
	for _, f := range role.Forwarders {
		zones = append(zones, f.Zone)
	}
	if got := strings.Join(zones, " "); got != "privatelink.api.azureml.ms api.azureml.ms azureml.ms" {
		t.Errorf("forwarders = %s, want the longest zone first", got)
	}
	for _, c := range []struct{ name, target string }{
		{"x.privatelink.api.azureml.ms", "168.63.129.16"},
		{"x.workspace.eastus.api.azureml.ms", "10.0.1.5"},
		{"azureml.ms", "192.168.1.10"},
		{"notazureml.ms", ""},
	} {
		f, ok := role.ForwarderFor(c.name)
		got := ""
		if ok {
			got = f.Target.String()
		}
		if got != c.target {
			t.Errorf("ForwarderFor(%q) = %q, want %q", c.name, got, c.target)
		}
	}
	if role.DefaultForwarder != AzureDNS {
		t.Errorf("DefaultForwarder = %v", role.DefaultForwarder)
	}
	if got := topo.DNSServerNICs(); len(got) != 1 || got[0] != n {
		t.Errorf("DNSServerNICs = %v", got)
	}
}
