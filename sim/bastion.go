package sim

import (
	"fmt"
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// inboundBastion handles a packet from outside Azure to a Bastion host's
// public IP: Bastion accepts TCP 443 only, and an NSG on
// AzureBastionSubnet must admit it (the required AllowHttpsInbound and
// AllowGatewayManagerInbound rules); with no NSG the platform admits it.
func (tr *tracer) inboundBastion(n *topology.NIC, f topology.Flow) bool {
	if !tr.quiet {
		tr.hop(n.Name, "publicIp", "translate", "Azure Bastion %s public IP %s -> %s", n.Name, n.PublicIP, n.IP)
	}
	if f.Protocol != topology.ProtocolTCP || f.DstPort != 443 {
		tr.hop(n.Name, "bastion", "drop", "Azure Bastion listens on TCP 443 only")
		return tr.deny(ReasonUnreachable, &BlockedBy{Kind: "bastion", Name: n.Name, Resource: n.Subnet.ID()}, "Azure Bastion %s accepts only TCP 443 from the internet, not %s", n.Name, f)
	}
	f.Dst = n.IP
	tr.viaPublicIP = true
	if !tr.applyNSGs(nsgLevels(nil, n.Subnet, true), true, f, n.VNet(), nil, n) {
		return false
	}
	if !tr.quiet {
		tr.hop(n.Name, "destination", "deliver", "Azure Bastion %s at %s in %s", n.Name, n.IP, n.Subnet.ID())
	}
	return tr.checkReply(n.Subnet, n, f)
}

// bastionHint adds, to a flow that an NSG of AzureBastionSubnet denied,
// the rule Microsoft requires there.
func bastionHint(src, dst *Endpoint, res *Result, f topology.Flow) {
	if res.Verdict != Denied || res.Reason != ReasonNSG {
		return
	}
	var key string
	switch {
	case dst.NIC != nil && dst.NIC.Kind == topology.KindBastion:
		from := "Internet"
		switch {
		case src.Kind == EndpointServiceTag && strings.HasPrefix(strings.ToLower(src.Tag), "gatewaymanager"):
			from = "GatewayManager"
		case src.Kind == EndpointPlatform:
			from = "AzureLoadBalancer"
		}
		key = fmt.Sprintf("in:%s:%d", from, f.DstPort)
	case src.NIC != nil && src.NIC.Kind == topology.KindBastion:
		to := "Internet"
		switch {
		case dst.InVNet():
			to = "VirtualNetwork"
		case dst.Kind == EndpointServiceTag:
			to = "AzureCloud"
		}
		key = fmt.Sprintf("out:%s:%d", to, f.DstPort)
	default:
		return
	}
	if r, ok := topology.BastionRequiredRules[key]; ok {
		res.Message += "; Azure Bastion requires the NSG rule " + r + " on AzureBastionSubnet"
	}
}
