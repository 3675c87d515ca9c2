package dnsmock_test

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/vnetsim/vnetsim/dnsmock"
	"github.com/vnetsim/vnetsim/sim"
	"github.com/vnetsim/vnetsim/topology"
)

// The tests resolve through sim.DNSResolver, so that every DNS query is
// traced as a real flow (routes, NSGs, peerings, gateways).

const (
	ws1 = "fb000000-0000-4000-8000-000000000001" // mlw in links.yaml
	ws2 = "fb000000-0000-4000-8000-000000000002" // mlw in custom.yaml
)

func loadFile(t testing.TB, name string) *topology.Topology {
	t.Helper()
	topo, err := topology.Load(filepath.Join("testdata", name), topology.Options{})
	if err != nil {
		t.Fatalf("Load(%q): %v", name, err)
	}
	return topo
}

func clientOf(t testing.TB, topo *topology.Topology, from string) dnsmock.Client {
	t.Helper()
	e, err := sim.New(topo).ResolveEndpoint(from)
	if err != nil {
		t.Fatal(err)
	}
	return sim.DNSClient(e)
}

// records renders answers as "name ttl TYPE value", without trailing dots.
func records(a *dnsmock.Answer) []string {
	out := []string{}
	for _, r := range a.Answers {
		out = append(out, fmt.Sprintf("%s %d %s %s", strings.TrimSuffix(r.Name, "."), r.TTL, r.Type, strings.TrimSuffix(r.Value, ".")))
	}
	return out
}

// deciding returns the step that decided the answer: the last one before
// the client's final "answer" step.
func deciding(a *dnsmock.Answer) dnsmock.Step {
	if len(a.Steps) < 2 {
		return dnsmock.Step{}
	}
	return a.Steps[len(a.Steps)-2]
}

func blockerText(b *dnsmock.Blocker) string {
	if b == nil {
		return ""
	}
	return b.Kind + "/" + b.Name + "/" + b.Resource
}

func stepsText(a *dnsmock.Answer) string {
	var b strings.Builder
	for i, s := range a.Steps {
		fmt.Fprintf(&b, "  %d %s %s [%s] %s\n", i+1, s.Action, s.Server, s.Zone, s.Detail)
	}
	return b.String()
}

type resolveCase struct {
	name  string
	from  string
	qname string
	qtype uint16
	proto topology.Protocol
	// outside resolves as a trace does: names outside the scenario get a
	// stand-in internet address.
	outside bool

	rcode   int
	answers []string // exact, in order; nil means none
	// decided is "action server zone" of the deciding step.
	decided string
	// steps must each appear, in order, as "action server" of some step.
	steps []string
	// failure is "reason kind/name/resource" when the query gets no address.
	failure string
	// gap is "kind/name/resource" of the missing private DNS piece; "" means none.
	gap string
	// messages must appear in the failure or gap message.
	messages []string
}

func runResolveCases(t *testing.T, file string, cases []resolveCase) {
	topo := loadFile(t, file)
	r := sim.New(topo).Resolver()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ans := r.Resolve(clientOf(t, topo, c.from), dnsmock.Query{Name: c.qname, Type: c.qtype, Protocol: c.proto, Outside: c.outside})
			ctx := fmt.Sprintf("%s %s from %s: rcode %s answers %q\n%s", c.qname, dns.TypeToString[c.qtype], c.from, ans.Rcode, records(ans), stepsText(ans))
			if ans.RcodeValue() != c.rcode {
				t.Fatalf("rcode = %s, want %s\n%s", ans.Rcode, dns.RcodeToString[c.rcode], ctx)
			}
			want := c.answers
			if want == nil {
				want = []string{}
			}
			if got := records(ans); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("answers:\n  %s\nwant:\n  %s\n%s", strings.Join(got, "\n  "), strings.Join(want, "\n  "), ctx)
			}
			d := deciding(ans)
			if got := strings.TrimSpace(d.Action + " " + d.Server + " " + d.Zone); got != c.decided {
				t.Errorf("deciding step = %q, want %q\n%s", got, c.decided, ctx)
			}
			i := 0
			for _, s := range ans.Steps {
				if i < len(c.steps) && s.Action+" "+s.Server == c.steps[i] {
					i++
				}
			}
			if i < len(c.steps) {
				t.Errorf("step %q not found in order\n%s", c.steps[i], ctx)
			}
			gotFailure := ""
			if f := ans.Failure; f != nil {
				gotFailure = strings.TrimSpace(f.Reason + " " + blockerText(f.BlockedBy))
			}
			if gotFailure != c.failure {
				t.Errorf("failure = %q, want %q\n%s", gotFailure, c.failure, ctx)
			}
			gotGap := ""
			if g := ans.PrivateLinkGap; g != nil {
				gotGap = blockerText(g.BlockedBy)
			}
			if gotGap != c.gap {
				t.Errorf("gap = %q, want %q\n%s", gotGap, c.gap, ctx)
			}
			var msg string
			if ans.Failure != nil {
				msg += ans.Failure.Message
			}
			if ans.PrivateLinkGap != nil {
				msg += ans.PrivateLinkGap.Message
			}
			for _, m := range c.messages {
				if !strings.Contains(msg, m) {
					t.Errorf("message %q does not contain %q", msg, m)
				}
			}
		})
	}
}

// publicIP returns the public address of a service of the topology.
func publicIP(t testing.TB, file, svc string) string {
	t.Helper()
	s := loadFile(t, file).Service(svc)
	if s == nil || !s.PublicIP.IsValid() {
		t.Fatalf("service %s has no public IP", svc)
	}
	return s.PublicIP.String()
}

// TestResolveAzureDNS covers 168.63.129.16 (reference section 3): public
// CNAME chains, VNet links, NxDomainRedirect, zone group and autoregistered
// records, explicit records and wildcards, hosts files, loops, and names
// the scenario does not govern.
func TestResolveAzureDNS(t *testing.T) {
	const f = "links.yaml"
	mlwIP := publicIP(t, f, "mlw")
	stIP := publicIP(t, f, "stmlw")
	kvIP := publicIP(t, f, "kvmlw")
	otherIP := publicIP(t, f, "stother")
	api := ws1 + ".workspace.eastus.api.azureml.ms"
	apiPL := ws1 + ".workspace.eastus.privatelink.api.azureml.ms"
	nb := "ml-mlw-eastus-" + ws1 + ".eastus.notebooks.azure.net"
	nbPL := "ml-mlw-eastus-" + ws1 + ".eastus.privatelink.notebooks.azure.net"
	const az = "168.63.129.16"
	cases := []resolveCase{
		{
			name: "unlinked VNet: public CNAME chain to the public IP", from: "lonely-vm", qname: api, rcode: dns.RcodeSuccess,
			answers: []string{api + " 300 CNAME " + apiPL, apiPL + " 300 CNAME mlw.eastus.frontend.vnetsim.internal", "mlw.eastus.frontend.vnetsim.internal 300 A " + mlwIP},
			decided: "public " + az, steps: []string{"send lonely-vm", "public " + az, "public " + az, "public " + az},
			gap: "dnsZone/privatelink.api.azureml.ms/lonely-vnet", messages: []string{"not linked to VNet lonely-vnet"},
		},
		{
			name: "linked VNet: the zone group's A record", from: "cpu-cluster", qname: api, rcode: dns.RcodeSuccess,
			answers: []string{api + " 300 CNAME " + apiPL, apiPL + " 10 A 10.0.1.5"},
			decided: "zone " + az + " privatelink.api.azureml.ms",
		},
		{
			name: "a name is case-insensitive and may end with a dot", from: "cpu-cluster", qname: strings.ToUpper(api) + ".", rcode: dns.RcodeSuccess,
			answers: []string{api + " 300 CNAME " + apiPL, apiPL + " 10 A 10.0.1.5"},
			decided: "zone " + az + " privatelink.api.azureml.ms",
		},
		{
			name: "a public name asked for AAAA: the chain, then no data", from: "lonely-vm", qname: "stother.blob.core.windows.net", qtype: dns.TypeAAAA, rcode: dns.RcodeSuccess,
			answers: []string{"stother.blob.core.windows.net 300 CNAME stother.eastus.frontend.vnetsim.internal"},
			decided: "public " + az, failure: "dns-nodata dnsRecord/stother.eastus.frontend.vnetsim.internal/public DNS",
			messages: []string{"has A " + otherIP + " in public DNS but no AAAA record"},
		},
		{
			name: "CNAME query stops at the first CNAME", from: "cpu-cluster", qname: api, qtype: dns.TypeCNAME, rcode: dns.RcodeSuccess,
			answers: []string{api + " 300 CNAME " + apiPL},
			decided: "public " + az,
		},
		{
			name: "workspace cert name", from: "jumpbox", qname: ws1 + ".workspace.eastus.cert.api.azureml.ms", rcode: dns.RcodeSuccess,
			answers: []string{ws1 + ".workspace.eastus.cert.api.azureml.ms 300 CNAME " + ws1 + ".workspace.eastus.cert.privatelink.api.azureml.ms", ws1 + ".workspace.eastus.cert.privatelink.api.azureml.ms 10 A 10.0.1.5"},
			decided: "zone " + az + " privatelink.api.azureml.ms",
		},
		{
			name: "notebooks from a VNet linked to the notebooks zone", from: "jumpbox", qname: nb, rcode: dns.RcodeSuccess,
			answers: []string{nb + " 300 CNAME " + nbPL, nbPL + " 10 A 10.0.1.5"},
			decided: "zone " + az + " privatelink.notebooks.azure.net",
		},
		{
			name: "notebooks from a VNet linked to the api zone only", from: "cpu-cluster", qname: nb, rcode: dns.RcodeSuccess,
			answers: []string{nb + " 300 CNAME " + nbPL, nbPL + " 300 CNAME mlw.eastus.frontend.vnetsim.internal", "mlw.eastus.frontend.vnetsim.internal 300 A " + mlwIP},
			decided: "public " + az, gap: "dnsZone/privatelink.notebooks.azure.net/compute-vnet",
		},
		{
			name: "compute instance under instances.azureml.ms: the workspace endpoint (decision 4)", from: "jumpbox", qname: "ci-dev.eastus.instances.azureml.ms", rcode: dns.RcodeSuccess,
			answers: []string{"ci-dev.eastus.instances.azureml.ms 300 CNAME " + apiPL, apiPL + " 10 A 10.0.1.5"},
			decided: "zone " + az + " privatelink.api.azureml.ms",
		},
		{
			name: "compute instance under instances.ml.azure.ms", from: "jumpbox", qname: "ci-dev.eastus.instances.ml.azure.ms", rcode: dns.RcodeSuccess,
			answers: []string{"ci-dev.eastus.instances.ml.azure.ms 300 CNAME " + apiPL, apiPL + " 10 A 10.0.1.5"},
			decided: "zone " + az + " privatelink.api.azureml.ms",
		},
		{
			name: "compute instance SSH name", from: "jumpbox", qname: "ci-dev-22.eastus.instances.ml.azure.ms", rcode: dns.RcodeSuccess,
			answers: []string{"ci-dev-22.eastus.instances.ml.azure.ms 300 CNAME " + apiPL, apiPL + " 10 A 10.0.1.5"},
			decided: "zone " + az + " privatelink.api.azureml.ms",
		},
		{
			name: "compute instance under instances.azureml.net", from: "jumpbox", qname: "ci-dev.eastus.instances.azureml.net", rcode: dns.RcodeSuccess,
			answers: []string{"ci-dev.eastus.instances.azureml.net 300 CNAME " + apiPL, apiPL + " 10 A 10.0.1.5"},
			decided: "zone " + az + " privatelink.api.azureml.ms",
		},
		{
			name: "an AmlCompute cluster has no instance name", from: "jumpbox", qname: "cpu-cluster.eastus.instances.azureml.ms", rcode: dns.RcodeRefused,
			decided: "refused jumpbox", failure: "dns-refused",
		},
		{
			name: "managed online endpoint: wildcard in public DNS and in the zone", from: "cpu-cluster", qname: "scorer.eastus.inference.ml.azure.com", rcode: dns.RcodeSuccess,
			answers: []string{"scorer.eastus.inference.ml.azure.com 300 CNAME scorer." + ws1 + ".inference.eastus.privatelink.api.azureml.ms", "scorer." + ws1 + ".inference.eastus.privatelink.api.azureml.ms 10 A 10.0.1.5"},
			decided: "zone " + az + " privatelink.api.azureml.ms",
		},
		{
			name: "blob from a linked VNet", from: "cpu-cluster", qname: "stmlw.blob.core.windows.net", rcode: dns.RcodeSuccess,
			answers: []string{"stmlw.blob.core.windows.net 300 CNAME stmlw.privatelink.blob.core.windows.net", "stmlw.privatelink.blob.core.windows.net 10 A 10.0.1.6"},
			decided: "zone " + az + " privatelink.blob.core.windows.net",
		},
		{
			name: "linked zone without the record (Default policy): NXDOMAIN", from: "jumpbox", qname: "stmlw.file.core.windows.net", rcode: dns.RcodeNameError,
			answers: []string{"stmlw.file.core.windows.net 300 CNAME stmlw.privatelink.file.core.windows.net"},
			decided: "nxdomain " + az + " privatelink.file.core.windows.net",
			failure: "dns-nxdomain dnsRecord/privatelink.file.core.windows.net/ws-vnet", messages: []string{"add privatelink.file.core.windows.net to the privateDnsZoneGroup of pe-file"},
		},
		{
			name: "linked zone without the record (NxDomainRedirect): public fallback", from: "cpu-cluster", qname: "stmlw.file.core.windows.net", rcode: dns.RcodeSuccess,
			answers: []string{"stmlw.file.core.windows.net 300 CNAME stmlw.privatelink.file.core.windows.net", "stmlw.privatelink.file.core.windows.net 300 CNAME stmlw.eastus.frontend.vnetsim.internal", "stmlw.eastus.frontend.vnetsim.internal 300 A " + stIP},
			decided: "public " + az, steps: []string{"fallback " + az, "public " + az},
			gap: "dnsRecord/privatelink.file.core.windows.net/compute-vnet", messages: []string{"NxDomainRedirect"},
		},
		{
			name: "NxDomainRedirect applies to A, AAAA and CNAME only", from: "cpu-cluster", qname: "stmlw.file.core.windows.net", qtype: dns.TypeTXT, rcode: dns.RcodeNameError,
			answers: []string{"stmlw.file.core.windows.net 300 CNAME stmlw.privatelink.file.core.windows.net"},
			decided: "nxdomain " + az + " privatelink.file.core.windows.net", failure: "dns-nxdomain dnsRecord/privatelink.file.core.windows.net/compute-vnet",
		},
		{
			name: "key vault, linked", from: "jumpbox", qname: "kvmlw.vault.azure.net", rcode: dns.RcodeSuccess,
			answers: []string{"kvmlw.vault.azure.net 300 CNAME kvmlw.privatelink.vaultcore.azure.net", "kvmlw.privatelink.vaultcore.azure.net 10 A 10.0.1.8"},
			decided: "zone " + az + " privatelink.vaultcore.azure.net",
		},
		{
			name: "key vault, not linked", from: "cpu-cluster", qname: "kvmlw.vault.azure.net", rcode: dns.RcodeSuccess,
			answers: []string{"kvmlw.vault.azure.net 300 CNAME kvmlw.privatelink.vaultcore.azure.net", "kvmlw.privatelink.vaultcore.azure.net 300 CNAME kvmlw.eastus.frontend.vnetsim.internal", "kvmlw.eastus.frontend.vnetsim.internal 300 A " + kvIP},
			decided: "public " + az, gap: "dnsZone/privatelink.vaultcore.azure.net/compute-vnet",
		},
		{
			name: "container registry login server", from: "jumpbox", qname: "crmlw.azurecr.io", rcode: dns.RcodeSuccess,
			answers: []string{"crmlw.azurecr.io 300 CNAME crmlw.privatelink.azurecr.io", "crmlw.privatelink.azurecr.io 10 A 10.0.1.9"},
			decided: "zone " + az + " privatelink.azurecr.io",
		},
		{
			name: "container registry regional data endpoint", from: "jumpbox", qname: "crmlw.eastus.data.azurecr.io", rcode: dns.RcodeSuccess,
			answers: []string{"crmlw.eastus.data.azurecr.io 300 CNAME crmlw.eastus.data.privatelink.azurecr.io", "crmlw.eastus.data.privatelink.azurecr.io 10 A 10.0.1.9"},
			decided: "zone " + az + " privatelink.azurecr.io",
		},
		{
			name: "an account without a private endpoint has no privatelink CNAME (STGPE)", from: "jumpbox", qname: "stother.blob.core.windows.net", rcode: dns.RcodeSuccess,
			answers: []string{"stother.blob.core.windows.net 300 CNAME stother.eastus.frontend.vnetsim.internal", "stother.eastus.frontend.vnetsim.internal 300 A " + otherIP},
			decided: "public " + az,
		},
		{
			name: "autoregistered VM, from a resolution-linked VNet", from: "cpu-cluster", qname: "jumpbox.contoso.internal", rcode: dns.RcodeSuccess,
			answers: []string{"jumpbox.contoso.internal 10 A 10.0.2.4"},
			decided: "zone " + az + " contoso.internal",
		},
		{
			name: "only VMs of the registration VNet are registered", from: "jumpbox", qname: "lonely-vm.contoso.internal", rcode: dns.RcodeNameError,
			decided: "nxdomain " + az + " contoso.internal", failure: "dns-nxdomain dnsRecord/contoso.internal/ws-vnet",
		},
		{
			name: "a zone is invisible from an unlinked VNet", from: "lonely-vm", qname: "jumpbox.contoso.internal", rcode: dns.RcodeNameError,
			decided: "nxdomain " + az, failure: "dns-nxdomain dnsZone/contoso.internal/lonely-vnet", messages: []string{"not linked to lonely-vnet"},
		},
		{
			name: "explicit CNAME inside a zone", from: "jumpbox", qname: "www.contoso.internal", rcode: dns.RcodeSuccess,
			answers: []string{"www.contoso.internal 3600 CNAME app.contoso.internal", "app.contoso.internal 3600 A 10.0.2.50"},
			decided: "zone " + az + " contoso.internal",
		},
		{
			name: "wildcard record", from: "jumpbox", qname: "web.apps.contoso.internal", rcode: dns.RcodeSuccess,
			answers: []string{"web.apps.contoso.internal 3600 A 10.0.2.51"},
			decided: "zone " + az + " contoso.internal",
		},
		{
			name: "empty non-terminal: no data, not NXDOMAIN", from: "jumpbox", qname: "apps.contoso.internal", rcode: dns.RcodeSuccess,
			decided: "nodata " + az + " contoso.internal", failure: "dns-nodata dnsRecord/contoso.internal/ws-vnet",
			messages: []string{"apps.contoso.internal exists in private DNS zone contoso.internal (linked to ws-vnet) but has no A record"},
		},
		{
			name: "the zone apex without records: no data", from: "jumpbox", qname: "contoso.internal", rcode: dns.RcodeSuccess,
			decided: "nodata " + az + " contoso.internal", failure: "dns-nodata dnsRecord/contoso.internal/ws-vnet",
		},
		{
			name: "the zone apex answers SOA", from: "jumpbox", qname: "contoso.internal", qtype: dns.TypeSOA, rcode: dns.RcodeSuccess,
			answers: []string{"contoso.internal 3600 SOA azureprivatedns.net. azureprivatedns-host.microsoft.com. 1 3600 300 2419200 10"},
			decided: "zone " + az + " contoso.internal",
		},
		{
			name: "a privatelink zone's apex answers SOA", from: "cpu-cluster", qname: "privatelink.blob.core.windows.net", qtype: dns.TypeSOA, rcode: dns.RcodeSuccess,
			answers: []string{"privatelink.blob.core.windows.net 3600 SOA azureprivatedns.net. azureprivatedns-host.microsoft.com. 1 3600 300 2419200 10"},
			decided: "zone " + az + " privatelink.blob.core.windows.net",
		},
		{
			name: "SOA below the apex: no data", from: "jumpbox", qname: "app.contoso.internal", qtype: dns.TypeSOA, rcode: dns.RcodeSuccess,
			decided: "zone " + az + " contoso.internal", failure: "dns-nodata dnsRecord/contoso.internal/ws-vnet",
			messages: []string{"app.contoso.internal has A 10.0.2.50 in private DNS zone contoso.internal (linked to ws-vnet) but no SOA record"},
		},
		{
			name: "SOA of a zone not linked to the client's VNet: NXDOMAIN", from: "lonely-vm", qname: "contoso.internal", qtype: dns.TypeSOA, rcode: dns.RcodeNameError,
			decided: "nxdomain " + az, failure: "dns-nxdomain dnsZone/contoso.internal/lonely-vnet",
		},
		{
			name: "AAAA record with its own TTL", from: "jumpbox", qname: "v6.contoso.internal", qtype: dns.TypeAAAA, rcode: dns.RcodeSuccess,
			answers: []string{"v6.contoso.internal 60 AAAA fd00::5"},
			decided: "zone " + az + " contoso.internal",
		},
		{
			name: "A query for a name with only AAAA: no data", from: "jumpbox", qname: "v6.contoso.internal", rcode: dns.RcodeSuccess,
			decided: "zone " + az + " contoso.internal", failure: "dns-nodata dnsRecord/contoso.internal/ws-vnet",
			messages: []string{"v6.contoso.internal has AAAA fd00::5 in private DNS zone contoso.internal (linked to ws-vnet) but no A record"},
		},
		{
			name: "CNAME loop: SERVFAIL without answers", from: "jumpbox", qname: "loop1.contoso.internal", rcode: dns.RcodeServerFailure,
			steps:   []string{"zone " + az, "zone " + az},
			decided: "servfail " + az, failure: "dns-servfail dnsRecord/loop1.contoso.internal/168.63.129.16",
		},
		{
			name: "hosts file overrides a zone", from: "jumpbox", qname: "override.contoso.internal", rcode: dns.RcodeSuccess,
			answers: []string{"override.contoso.internal 0 A 10.0.2.99"},
			decided: "hosts jumpbox",
		},
		{
			name: "hosts file belongs to its VM only", from: "cpu-cluster", qname: "override.contoso.internal", rcode: dns.RcodeNameError,
			decided: "nxdomain " + az + " contoso.internal", failure: "dns-nxdomain dnsRecord/contoso.internal/compute-vnet",
		},
		{
			name: "hosts file can name anything", from: "jumpbox", qname: "pypi.org", rcode: dns.RcodeSuccess,
			answers: []string{"pypi.org 0 A 10.0.2.98"},
			decided: "hosts jumpbox",
		},
		{
			name: "a name the scenario does not govern is refused", from: "lonely-vm", qname: "pypi.org", rcode: dns.RcodeRefused,
			decided: "refused lonely-vm", failure: "dns-refused",
		},
		{
			name: "a trace reaches a name outside the scenario at a stand-in address", from: "lonely-vm", qname: "pypi.org", outside: true, rcode: dns.RcodeSuccess,
			answers: []string{"pypi.org 300 A 198.51.100.10"},
			decided: "outside " + az,
		},
		{
			name: "a missing name under a catalog zone is still NXDOMAIN, not outside", from: "lonely-vm", qname: "nothere.contoso.internal", outside: true, rcode: dns.RcodeNameError,
			decided: "nxdomain " + az, failure: "dns-nxdomain dnsZone/contoso.internal/lonely-vnet",
		},
		{
			name: "a client outside Azure resolves with public DNS, and no link is missing", from: "internet", qname: api, rcode: dns.RcodeSuccess,
			answers: []string{api + " 300 CNAME " + apiPL, apiPL + " 300 CNAME mlw.eastus.frontend.vnetsim.internal", "mlw.eastus.frontend.vnetsim.internal 300 A " + mlwIP},
			decided: "public public DNS", steps: []string{"query public DNS"},
		},
		{
			name: "not a host name", from: "jumpbox", qname: "bad..name", rcode: dns.RcodeFormatError,
			decided: "refused jumpbox", failure: "dns-invalid-name",
		},
	}
	runResolveCases(t, f, cases)
}

// TestResolveCustomDNS covers custom DNS servers: conditional and default
// forwarders, forwarding only the privatelink zone (the documented mistake),
// failover to the next server, on-premises DNS through a gateway, forwarding
// loops, and DNS queries that routes, NSGs or missing peerings stop.
func TestResolveCustomDNS(t *testing.T) {
	const f = "custom.yaml"
	mlwIP := publicIP(t, f, "mlw")
	api := ws2 + ".workspace.eastus.api.azureml.ms"
	apiPL := ws2 + ".workspace.eastus.privatelink.api.azureml.ms"
	private := []string{api + " 300 CNAME " + apiPL, apiPL + " 10 A 10.10.2.5"}
	public := []string{api + " 300 CNAME " + apiPL, apiPL + " 300 CNAME mlw.eastus.frontend.vnetsim.internal", "mlw.eastus.frontend.vnetsim.internal 300 A " + mlwIP}
	const az = "168.63.129.16"
	cases := []resolveCase{
		{
			name: "conditional forwarder for the public zone to Azure DNS from a linked VNet", from: "app-good", qname: api, rcode: dns.RcodeSuccess, answers: private,
			decided: "zone " + az + " privatelink.api.azureml.ms", steps: []string{"send app-good", "forward dns1", "send dns1", "public " + az, "zone " + az},
		},
		{
			name: "the DNS server's own queries go to itself", from: "dns1", qname: api, rcode: dns.RcodeSuccess, answers: private,
			decided: "zone " + az + " privatelink.api.azureml.ms", steps: []string{"send dns1", "forward dns1", "send dns1"},
		},
		{
			name: "forwarding only the privatelink zone leaves the public name to the root servers", from: "app-plonly", qname: api, rcode: dns.RcodeSuccess, answers: public,
			decided: "public dns2", gap: "dnsForwarder/api.azureml.ms/dns2", messages: []string{"Forward api.azureml.ms to 168.63.129.16"},
		},
		{
			name: "the first server is unreachable: the next one answers", from: "app-failover", qname: api, rcode: dns.RcodeSuccess, answers: public,
			decided: "public " + az, steps: []string{"unreachable app-failover", "retry app-failover", "send app-failover"},
			gap: "dnsZone/privatelink.api.azureml.ms/spoke-failover",
		},
		{
			name: "over TCP the first server answers", from: "app-failover", qname: api, proto: topology.ProtocolTCP, rcode: dns.RcodeSuccess, answers: private,
			decided: "zone " + az + " privatelink.api.azureml.ms", steps: []string{"send app-failover", "forward dns3", "send dns3"},
		},
		{
			name: "on-premises DNS through the hub's gateway resolves publicly", from: "app-onprem", qname: api, rcode: dns.RcodeSuccess, answers: public,
			decided: "public 192.168.1.10 (on-premises)", gap: "dnsServer/192.168.1.10/spoke-onprem",
		},
		{
			name: "two servers forwarding to each other", from: "app-loop", qname: api, rcode: dns.RcodeServerFailure,
			decided: "servfail dnsb", steps: []string{"forward dnsa", "send dnsa", "forward dnsb"},
			failure: "dns-servfail dnsForwarder/10.10.1.7/dnsb", messages: []string{"dnsa -> dnsb -> dnsa"},
		},
		{
			name: "the only server's NSG denies UDP 53", from: "app-blocked", qname: api, rcode: dns.RcodeServerFailure,
			decided: "unreachable app-blocked", failure: "dns-unreachable nsgRule/DenyDnsUdp/nsg-dns3",
		},
		{
			name: "an NSG can deny Azure DNS only through AzurePlatformDNS", from: "app-nodns", qname: api, rcode: dns.RcodeServerFailure,
			decided: "unreachable app-nodns", failure: "dns-unreachable nsgRule/DenyAzureDns/nsg-no-platform-dns",
		},
		{
			name: "a DNS server in a VNet that is not peered", from: "app-island", qname: api, rcode: dns.RcodeServerFailure,
			decided: "unreachable app-island", failure: "dns-unreachable route/10.0.0.0/8 None/System Route (island/snet-app)",
		},
		{
			name: "a firewall DNS proxy forwards to its DNS server", from: "app-fw", qname: api, rcode: dns.RcodeSuccess, answers: private,
			decided: "zone " + az + " privatelink.api.azureml.ms", steps: []string{"send app-fw", "forward fw-hub", "send fw-hub", "forward dns1", "send dns1", "zone " + az},
		},
		{
			name: "a host record on the DNS server", from: "app-good", qname: "legacy.corp.contoso.com", rcode: dns.RcodeSuccess,
			answers: []string{"legacy.corp.contoso.com 3600 A 10.10.1.100"}, decided: "answer dns1",
		},
		{
			name: "a host record on the DNS server, asked for AAAA: no data", from: "app-good", qname: "legacy.corp.contoso.com", qtype: dns.TypeAAAA, rcode: dns.RcodeSuccess,
			decided: "nodata dns1", failure: "dns-nodata", messages: []string{"legacy.corp.contoso.com exists but has no AAAA record"},
		},
		{
			name: "a conditional forwarder to on-premises, for a name outside the scenario", from: "app-good", qname: "fileserver.corp.contoso.com", outside: true, rcode: dns.RcodeSuccess,
			answers: []string{"fileserver.corp.contoso.com 300 A 198.51.100.10"},
			decided: "outside 192.168.1.10 (on-premises)", steps: []string{"forward dns1", "send dns1", "public 192.168.1.10 (on-premises)"},
		},
		{
			name: "without a trace, that name is refused", from: "app-good", qname: "fileserver.corp.contoso.com", rcode: dns.RcodeRefused,
			decided: "refused app-good", failure: "dns-refused",
		},
	}
	runResolveCases(t, f, cases)
}

// TestResolveWithoutFlows checks that a nil FlowFunc lets every query
// through: the same scenario answers where a traced query is denied.
func TestResolveWithoutFlows(t *testing.T) {
	topo := loadFile(t, "custom.yaml")
	r := dnsmock.New(topo, nil)
	ans := r.Resolve(clientOf(t, topo, "app-blocked"), dnsmock.Query{Name: ws2 + ".workspace.eastus.api.azureml.ms"})
	if got := ans.Addrs(); len(got) != 1 || got[0] != netip.MustParseAddr("10.10.2.5") {
		t.Fatalf("Addrs = %v, want [10.10.2.5]\n%s", got, stepsText(ans))
	}
}

// TestResolveOverlappingAddresses checks that a client reaches the DNS server
// it can route to when VNets that are not peered reuse its address.
func TestResolveOverlappingAddresses(t *testing.T) {
	cases := []resolveCase{
		{name: "same VNet", from: "client-a", qname: "who.example.internal", rcode: dns.RcodeSuccess,
			answers: []string{"who.example.internal 3600 A 10.0.0.100"}, decided: "answer dns-a", steps: []string{"send client-a"}},
		{name: "same VNet, the other one", from: "client-b", qname: "who.example.internal", rcode: dns.RcodeSuccess,
			answers: []string{"who.example.internal 3600 A 10.0.0.200"}, decided: "answer dns-b", steps: []string{"send client-b"}},
		{name: "a peered VNet", from: "client-c", qname: "who.example.internal", rcode: dns.RcodeSuccess,
			answers: []string{"who.example.internal 3600 A 10.0.0.200"}, decided: "answer dns-b", steps: []string{"send client-c"}},
	}
	runResolveCases(t, "overlap.yaml", cases)
}
