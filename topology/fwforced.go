package topology

import (
	"net/netip"
	"strings"

	"github.com/vnetsim/vnetsim/spec"
)

// compileForcedTunnel reads a firewall's management IP configuration
// (forced tunneling mode) and checks the route of its AzureFirewallSubnet:
// without forced tunneling, Azure Firewall needs direct internet
// connectivity, so a 0.0.0.0/0 user route on AzureFirewallSubnet must have
// next hop Internet (learn.microsoft.com/azure/firewall/forced-tunneling:
// "To support forced tunneling, Service Management traffic is separated
// from customer traffic ... AzureFirewallManagementSubnet").
func (c *compiler) compileForcedTunnel(fw *Firewall, fs *spec.Firewall, s *Subnet, path string) {
	m := fs.ManagementIPConfiguration
	mp := path + ".managementIpConfiguration"
	if m != nil {
		fw.ForcedTunnel = true
		ms := c.subnetRef(mp+".subnet", m.Subnet)
		switch {
		case ms == nil:
		case ms.Name != "AzureFirewallManagementSubnet":
			c.errAt(mp+".subnet", "a firewall's management IP configuration lives in a subnet named AzureFirewallManagementSubnet, not %s", ms.Name)
		case s != nil && ms.VNet != s.VNet:
			c.errAt(mp+".subnet", "AzureFirewallManagementSubnet must be in the firewall's VNet %s, not %s", s.VNet.Name, ms.VNet.Name)
		case ms.Prefix.Bits() > 26:
			c.errAt(mp+".subnet", "AzureFirewallManagementSubnet is /26 or larger, not /%d", ms.Prefix.Bits())
		default:
			fw.ManagementSubnet = ms
		}
		if m.PublicIPAddress != "" {
			a, err := netip.ParseAddr(m.PublicIPAddress)
			if err != nil || IsPrivate(a) {
				c.errAt(mp+".publicIpAddress", "%q is not a public IP address", m.PublicIPAddress)
			} else {
				fw.ManagementIP = a.Unmap()
			}
		}
	}
	if s == nil || s.RouteTable == nil || fw.ForcedTunnel {
		return
	}
	for _, r := range s.RouteTable.Routes {
		if r.Tag == "" && r.Prefix.Bits() == 0 && !strings.EqualFold(r.NextHopType, HopInternet) {
			c.errAt(path+".subnet", "route %s in %s sends 0.0.0.0/0 from AzureFirewallSubnet to %s; a firewall without forced tunneling needs direct internet access: give it a managementIpConfiguration (AzureFirewallManagementSubnet) or route 0.0.0.0/0 to Internet", r.Name, s.RouteTable.Name, r.NextHopType)
		}
	}
}
