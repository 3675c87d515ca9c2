package topology

import (
	"fmt"
	"net/netip"
)

// BastionRequiredRules are the NSG rules Microsoft requires on
// AzureBastionSubnet when it has an NSG (learn.microsoft.com/azure/bastion/
// bastion-nsg): traces to and from a Bastion host name the one a denial
// breaks.
var BastionRequiredRules = map[string]string{
	"in:Internet:443":          "AllowHttpsInbound (Internet -> 443)",
	"in:GatewayManager:443":    "AllowGatewayManagerInbound (GatewayManager -> 443)",
	"in:AzureLoadBalancer:443": "AllowAzureLoadBalancerInbound (AzureLoadBalancer -> 443)",
	"out:VirtualNetwork:22":    "AllowSshRdpOutbound (-> VirtualNetwork 22, 3389)",
	"out:VirtualNetwork:3389":  "AllowSshRdpOutbound (-> VirtualNetwork 22, 3389)",
	"out:AzureCloud:443":       "AllowAzureCloudOutbound (-> AzureCloud 443)",
	"out:Internet:80":          "AllowHttpOutbound (-> Internet 80, session information)",
}

func (c *compiler) compileBastions() {
	for i := range c.sc.BastionHosts {
		bs := &c.sc.BastionHosts[i]
		path := fmt.Sprintf("bastionHosts[%d]", i)
		if !c.claim(path+".name", bs.Name, "Bastion host") {
			continue
		}
		s := c.subnetRef(path+".subnet", bs.Subnet)
		if s == nil {
			continue
		}
		if s.Name != "AzureBastionSubnet" {
			c.errAt(path+".subnet", "Azure Bastion lives in a subnet named AzureBastionSubnet, not %s", s.Name)
			continue
		}
		if s.Prefix.Bits() > 26 {
			c.errAt(path+".subnet", "AzureBastionSubnet is /26 or larger, not /%d", s.Prefix.Bits())
		}
		if s.RouteTable != nil {
			c.errAt(path+".subnet", "AzureBastionSubnet can't have a route table (%s)", s.RouteTable.Name)
		}
		n := &NIC{Name: bs.Name, Kind: KindBastion, Subnet: s, ASGs: map[string]bool{}, PublicIPSKU: "Standard"}
		if bs.PublicIPAddress != "" {
			a, err := netip.ParseAddr(bs.PublicIPAddress)
			if err != nil || IsPrivate(a) {
				c.errAt(path+".publicIpAddress", "%q is not a public IP address", bs.PublicIPAddress)
				continue
			}
			n.PublicIP = a.Unmap()
		} else {
			n.PublicIP = c.publicIPFor(s.VNet.Region)
		}
		n.IP = c.allocate(s, netip.Addr{}, path+".subnet", bs.Name)
		c.addNIC(n)
	}
}
