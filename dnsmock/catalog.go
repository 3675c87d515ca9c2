package dnsmock

import (
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// CatalogName is one public FQDN of a service (reference 3.2, 3.3).
type CatalogName struct {
	// FQDN is the name clients use. A name that starts with "*." stands for
	// every single label in its place (managed online endpoints).
	FQDN string `json:"fqdn"`
	// PrivateLink is the name FQDN CNAMEs to when the service has a private
	// endpoint for Group; "" when the service type has no privatelink name.
	PrivateLink string `json:"privateLink,omitempty"`
	// Zone is the private DNS zone that holds PrivateLink.
	Zone string `json:"zone,omitempty"`
	// ForwardZone is the public zone a custom DNS server forwards to
	// 168.63.129.16 for FQDN (PEDNSI: forward the public zone, not the
	// privatelink one).
	ForwardZone string `json:"forwardZone"`
	// Group is the private endpoint sub-resource that serves the name.
	Group string `json:"group"`
	// Own reports whether PrivateLink belongs to this name, rather than to
	// another name it shares a private endpoint address with (compute
	// instances share the workspace's).
	Own bool `json:"-"`
}

// Wildcard reports whether the name stands for every label in its first place.
func (n CatalogName) Wildcard() bool { return strings.HasPrefix(n.FQDN, "*.") }

// notebookPrefix returns ml-<workspace name, truncated>-<region>-<guid>,
// truncated on the name so that it is at most 63 characters (AMLDNS).
func notebookPrefix(name, region, guid string) string {
	name = label(name)
	keep := 63 - len("ml-") - len("-"+region) - len("-"+guid)
	if keep < 0 {
		keep = 0
	}
	if len(name) > keep {
		name = name[:keep]
	}
	return "ml-" + name + "-" + region + "-" + guid
}

// label makes s a DNS label: lower case, letters, digits and hyphens, at
// most 63 characters.
func label(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := b.String()
	if len(out) > 63 {
		out = out[:63]
	}
	return out
}

var storageGroups = []string{"blob", "file", "queue", "table", "dfs"}

// Catalog returns the FQDNs of svc, generated from the scenario's names,
// workspace IDs and regions. workspaceCIs are the compute instances of the
// workspace (only for the scenario's machineLearning.workspace).
func Catalog(svc *topology.Service, computeInstances []string) []CatalogName {
	region := svc.Region
	var out []CatalogName
	switch svc.Type {
	case topology.TypeWorkspace:
		g := svc.WorkspaceID
		api := g + ".workspace." + region + ".privatelink.api.azureml.ms"
		nb := notebookPrefix(svc.Name, region, g)
		out = append(out,
			CatalogName{FQDN: g + ".workspace." + region + ".api.azureml.ms", PrivateLink: api, Zone: "privatelink.api.azureml.ms", ForwardZone: "api.azureml.ms", Group: "amlworkspace", Own: true},
			CatalogName{FQDN: g + ".workspace." + region + ".cert.api.azureml.ms", PrivateLink: g + ".workspace." + region + ".cert.privatelink.api.azureml.ms", Zone: "privatelink.api.azureml.ms", ForwardZone: "api.azureml.ms", Group: "amlworkspace", Own: true},
			CatalogName{FQDN: nb + "." + region + ".notebooks.azure.net", PrivateLink: nb + "." + region + ".privatelink.notebooks.azure.net", Zone: "privatelink.notebooks.azure.net", ForwardZone: "notebooks.azure.net", Group: "amlworkspace", Own: true},
			CatalogName{FQDN: "*." + region + ".inference.ml.azure.com", PrivateLink: "*." + g + ".inference." + region + ".privatelink.api.azureml.ms", Zone: "privatelink.api.azureml.ms", ForwardZone: "inference.ml.azure.com", Group: "amlworkspace", Own: true},
		)
		// Compute instances (decision 4): every name maps to the workspace
		// private endpoint's address, through the workspace's privatelink name.
		for _, ci := range computeInstances {
			ci = label(ci)
			for _, host := range []string{ci, ci + "-22"} {
				for _, z := range []string{"instances.azureml.ms", "instances.ml.azure.ms"} {
					out = append(out, CatalogName{FQDN: host + "." + region + "." + z, PrivateLink: api, Zone: "privatelink.api.azureml.ms", ForwardZone: z, Group: "amlworkspace"})
				}
			}
			out = append(out, CatalogName{FQDN: ci + "." + region + ".instances.azureml.net", PrivateLink: api, Zone: "privatelink.api.azureml.ms", ForwardZone: "instances.azureml.net", Group: "amlworkspace"})
		}
	case topology.TypeStorage:
		n := label(svc.Name)
		for _, g := range storageGroups {
			out = append(out, CatalogName{FQDN: n + "." + g + ".core.windows.net", PrivateLink: n + ".privatelink." + g + ".core.windows.net", Zone: "privatelink." + g + ".core.windows.net", ForwardZone: g + ".core.windows.net", Group: g, Own: true})
		}
	case topology.TypeKeyVault:
		n := label(svc.Name)
		out = append(out, CatalogName{FQDN: n + ".vault.azure.net", PrivateLink: n + ".privatelink.vaultcore.azure.net", Zone: "privatelink.vaultcore.azure.net", ForwardZone: "vault.azure.net", Group: "vault", Own: true})
	case topology.TypeMonitorScope:
		// An Azure Monitor Private Link Scope's private endpoint serves
		// Azure Monitor's shared global and regional endpoints, for every
		// client of the VNets that resolve through its zone
		// (learn.microsoft.com/azure/azure-monitor/logs/private-link-
		// security, "Azure Monitor private links rely on your DNS").
		for _, h := range []string{"api", "global.in.ai", region + ".in.ai", "live", "profiler", "snapshot"} {
			out = append(out, CatalogName{FQDN: h + ".monitor.azure.com", PrivateLink: h + ".privatelink.monitor.azure.com", Zone: "privatelink.monitor.azure.com", ForwardZone: "monitor.azure.com", Group: "azuremonitor", Own: true})
		}
	case topology.TypeRegistry:
		n := label(svc.Name)
		out = append(out,
			CatalogName{FQDN: n + ".azurecr.io", PrivateLink: n + ".privatelink.azurecr.io", Zone: "privatelink.azurecr.io", ForwardZone: "azurecr.io", Group: "registry", Own: true},
			CatalogName{FQDN: n + "." + region + ".data.azurecr.io", PrivateLink: n + "." + region + ".data.privatelink.azurecr.io", Zone: "privatelink.azurecr.io", ForwardZone: region + ".data.azurecr.io", Group: "registry", Own: true},
		)
	}
	return out
}

// frontendSuffix is the zone of the stand-ins for Microsoft's public
// frontends: the canonical names whose A records are the services' public
// IPs. It is a reserved top-level domain, so no real name is shadowed.
const frontendSuffix = "frontend.vnetsim.internal"
