package importer

import (
	"fmt"
	"strings"

	"github.com/vnetsim/vnetsim/importer/arm"
	"github.com/vnetsim/vnetsim/spec"
)

// bastions turns Microsoft.Network/bastionHosts into bastionHosts entries:
// the subnet of the first IP configuration and its public IP. A host Azure
// would refuse (a subnet not named AzureBastionSubnet or smaller than /26)
// is listed, not imported, so that the rest of the network still loads.
func (c *conv) bastions() {
	for _, r := range c.byType[arm.Bastion] {
		c.consumed[r] = true
		p := r.Props()
		out := spec.BastionHost{Name: c.names[r]}
		if s := r.Node.Obj("sku"); s != nil {
			s.Use("name", "tier")
		}
		ipcs := p.Objs("ipConfigurations")
		var pipNode *arm.Node
		for i, ipc := range ipcs {
			ip := arm.Props(ipc)
			ipc.Use("name", "id", "etag", "type")
			ip.Use("privateIPAllocationMethod")
			if i > 0 {
				ip.Use("subnet", "publicIPAddress")
				c.problem(r, "property", ipc.Path(), "only the first IP configuration of a Bastion host is imported")
				continue
			}
			out.Subnet, _ = c.subnetOf(r, ip, "subnet")
			pipNode = ip
		}
		if out.Subnet == "" {
			what := "a Bastion host without a subnet in the input"
			if p.Has("virtualNetwork") {
				what = "a Developer SKU Bastion host (shared, without a subnet of its own)"
			}
			p.Use("virtualNetwork", "networkAcls", "dnsName", "scaleUnits")
			c.problem(r, "resource", r.Node.Path(), "%s: not imported", what)
			continue
		}
		if b, _ := p.Bool("enablePrivateOnlyBastion"); b {
			pipNode.Use("publicIPAddress")
			c.problem(r, "resource", r.Node.Path(), "a private-only Bastion host (no public endpoint) is not modelled: not imported")
			continue
		}
		_, sn, _ := strings.Cut(out.Subnet, "/")
		bits, _ := c.prefixBits(out.Subnet)
		switch {
		case sn != "AzureBastionSubnet":
			c.problem(r, "resource", r.Node.Path(), "Azure Bastion lives in a subnet named AzureBastionSubnet, not %s: not imported", sn)
			pipNode.Use("publicIPAddress")
			continue
		case bits > 26:
			c.problem(r, "resource", r.Node.Path(), "subnet %s is /%d; Azure Bastion needs /26 or larger (learn.microsoft.com/azure/bastion/configuration-settings#subnet): not imported", out.Subnet, bits)
			pipNode.Use("publicIPAddress")
			continue
		}
		if pipNode.Has("publicIPAddress") {
			if pip := c.pipFor(r, pipNode, "publicIPAddress", pipNode.ID("publicIPAddress")); pip != nil {
				if out.PublicIPAddress, _ = publicIP(pip); out.PublicIPAddress == "" {
					c.problem(r, "note", pipNode.Path()+".publicIPAddress", "public IP %s has no address in the input; vnetsim gives one from the region's AzureCloud range", pip.ID)
				}
			}
		}
		p.Use("dnsName", "scaleUnits", "disableCopyPaste", "enableFileCopy", "enableIpConnect", "enableShareableLink", "enableTunneling", "enableKerberos", "enableSessionRecording")
		c.comments[fmt.Sprintf("bastionHosts[%d]", len(c.sc.BastionHosts))] = c.comment(r)
		c.sc.BastionHosts = append(c.sc.BastionHosts, out)
	}
}
