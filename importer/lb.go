package importer

import (
	"fmt"
	"strings"

	"github.com/vnetsim/vnetsim/importer/arm"
	"github.com/vnetsim/vnetsim/spec"
)

// loadBalancers turns Microsoft.Network/loadBalancers into loadBalancers
// entries: frontends (a public IP, or a subnet and private address),
// backend pools of VM NICs, probes, load-balancing rules (HA ports:
// protocol All, ports 0) and outbound rules. It runs after vms, whose
// names pool members take.
func (c *conv) loadBalancers() {
	for _, r := range c.byType[arm.LoadBalancer] {
		c.consumed[r] = true
		p := r.Props()
		out := spec.LoadBalancer{Name: c.names[r]}
		if s := r.Node.Obj("sku"); s != nil {
			out.SKU = enum(s.Str("name"), "Standard", "Basic", "Gateway")
			s.Use("tier")
		}
		if out.SKU != "" && out.SKU != "Standard" {
			p.Use("frontendIPConfigurations", "backendAddressPools", "loadBalancingRules", "probes", "outboundRules", "inboundNatRules", "inboundNatPools")
			c.problem(r, "resource", r.Node.Path(), "a %s load balancer: vnetsim models Standard load balancers only; not imported", out.SKU)
			continue
		}
		i := len(c.sc.LoadBalancers)
		path := fmt.Sprintf("loadBalancers[%d]", i)
		fes := map[string]bool{}
		for _, fe := range p.Objs("frontendIPConfigurations") {
			fp := arm.Props(fe)
			f := spec.LBFrontend{Name: fe.Str("name")}
			if f.Name == "" {
				f.Name = lastSeg(fe.Str("id"))
			}
			fe.Use("id", "etag", "type", "zones")
			fp.Use("privateIPAllocationMethod", "privateIPAddressVersion", "inboundNatRules", "inboundNatPools", "loadBalancingRules", "outboundRules")
			if fp.Has("publicIPAddress") {
				pip := c.pipFor(r, fp, "publicIPAddress", fp.ID("publicIPAddress"))
				if pip == nil {
					c.problem(r, "property", fe.Path(), "frontend %s: its public IP is not attached; the frontend and its rules are left out", f.Name)
					continue
				}
				if f.PublicIPAddress, _ = publicIP(pip); f.PublicIPAddress == "" {
					c.problem(r, "property", fe.Path(), "frontend %s: public IP %s has no address in the input; the frontend and its rules are left out", f.Name, pip.ID)
					continue
				}
			} else {
				var s *arm.Resource
				f.Subnet, s = c.subnetOf(r, fp, "subnet")
				if f.Subnet == "" {
					if s == nil && !fp.Has("subnet") {
						c.problem(r, "property", fe.Path(), "frontend %s has neither a public IP nor a subnet; left out", f.Name)
					}
					fp.Use("privateIPAddress")
					continue
				}
				f.PrivateIPAddress = fp.Str("privateIPAddress")
			}
			fes[f.Name] = true
			out.FrontendIPConfigurations = append(out.FrontendIPConfigurations, f)
		}
		if len(out.FrontendIPConfigurations) == 0 {
			p.Use("backendAddressPools", "loadBalancingRules", "probes", "outboundRules")
			c.problem(r, "resource", r.Node.Path(), "load balancer without a frontend in the input: not imported")
			continue
		}
		out.BackendAddressPools = c.lbPools(r, p)
		pools := map[string]bool{}
		for _, bp := range out.BackendAddressPools {
			pools[bp.Name] = true
		}
		probes := map[string]bool{}
		for _, pr := range p.Objs("probes") {
			pp := arm.Props(pr)
			x := spec.LBProbe{Name: pr.Str("name"), Protocol: enum(pp.Str("protocol"), "Tcp", "Http", "Https")}
			x.Port, _ = pp.Int("port")
			pr.Use("id", "etag", "type")
			pp.Use("intervalInSeconds", "numberOfProbes", "probeThreshold", "requestPath", "loadBalancingRules", "noHealthyBackendsBehavior")
			probes[x.Name] = true
			out.Probes = append(out.Probes, x)
		}
		for _, rn := range p.Objs("loadBalancingRules") {
			rp := arm.Props(rn)
			x := spec.LBRule{Name: rn.Str("name"), Protocol: enum(rp.Str("protocol"), "Tcp", "Udp", "All")}
			rn.Use("id", "etag", "type")
			x.FrontendIPConfiguration = c.sub(r, rp, "frontendIPConfiguration", "frontendIPConfigurations", fes)
			x.BackendAddressPool = c.sub(r, rp, "backendAddressPool", "backendAddressPools", pools)
			if bps := rp.IDs("backendAddressPools"); len(bps) > 0 {
				if x.BackendAddressPool == "" {
					x.BackendAddressPool = c.subID(r, rp.Path()+".backendAddressPools[0]", bps[0], "backendAddressPools", pools)
				}
				if len(bps) > 1 {
					c.problem(r, "property", rp.Path()+".backendAddressPools", "rule %s: only the first backend pool is imported", x.Name)
				}
			}
			x.Probe = c.sub(r, rp, "probe", "probes", probes)
			x.FrontendPort, _ = rp.Int("frontendPort")
			x.BackendPort, _ = rp.Int("backendPort")
			if b, _ := rp.Bool("enableFloatingIP"); b {
				c.problem(r, "property", rp.Path()+".enableFloatingIP", "rule %s: floating IP (the backend sees the frontend address) is not modelled; imported as a NATed rule", x.Name)
			}
			rp.Use("loadDistribution", "idleTimeoutInMinutes", "enableTcpReset", "disableOutboundSnat", "enableConnectionTracking")
			if x.FrontendIPConfiguration == "" || x.BackendAddressPool == "" {
				c.problem(r, "property", rn.Path(), "rule %s: its frontend or backend pool is not imported; left out", x.Name)
				continue
			}
			out.LoadBalancingRules = append(out.LoadBalancingRules, x)
		}
		for _, on := range p.Objs("outboundRules") {
			op := arm.Props(on)
			x := spec.LBOutboundRule{Name: on.Str("name"), Protocol: enum(op.Str("protocol"), "Tcp", "Udp", "All")}
			on.Use("id", "etag", "type")
			for k, f := range op.IDs("frontendIPConfigurations") {
				if n := c.subID(r, fmt.Sprintf("%s.frontendIPConfigurations[%d]", op.Path(), k), f, "frontendIPConfigurations", fes); n != "" {
					x.FrontendIPConfigurations = append(x.FrontendIPConfigurations, n)
				}
			}
			x.BackendAddressPool = c.sub(r, op, "backendAddressPool", "backendAddressPools", pools)
			op.Use("allocatedOutboundPorts", "idleTimeoutInMinutes", "enableTcpReset")
			if len(x.FrontendIPConfigurations) == 0 || x.BackendAddressPool == "" {
				c.problem(r, "property", on.Path(), "outbound rule %s: its frontends or backend pool are not imported; left out", x.Name)
				continue
			}
			out.OutboundRules = append(out.OutboundRules, x)
		}
		c.comments[path] = c.comment(r)
		c.sc.LoadBalancers = append(c.sc.LoadBalancers, out)
	}
	c.orphans("backend pool of load balancer", arm.LBBackendPool)
}

// lbPools reads a load balancer's backend pools, inline or as child
// resources. A pool's members are the VMs whose NIC's primary IP
// configuration names the pool (the NIC side is what Azure writes), then
// those the pool lists itself: backendIPConfigurations (Azure's
// back-references, which must agree with the NIC) and
// loadBalancerBackendAddresses (by NIC IP configuration or by address).
func (c *conv) lbPools(r *arm.Resource, p *arm.Node) []spec.LBPool {
	type pool struct {
		n   *arm.Node
		src *arm.Resource
	}
	var pools []pool
	for _, bp := range p.Objs("backendAddressPools") {
		pools = append(pools, pool{bp, r})
	}
	for _, ch := range c.childrenOf(r, arm.LBBackendPool) {
		c.consumed[ch] = true
		pools = append(pools, pool{ch.Node, ch})
	}
	// NIC side: pool ID -> NICs whose primary IP configuration is in it
	nicSide := map[string][]*arm.Resource{}
	for _, nic := range c.byType[arm.NIC] {
		var primary *arm.Node
		ipcs := arm.Props(nic.Node).Objs("ipConfigurations")
		for _, ipc := range ipcs {
			if b, _ := arm.Props(ipc).Bool("primary"); b || primary == nil {
				primary = ipc
			}
		}
		for _, ipc := range ipcs {
			for _, id := range arm.Props(ipc).IDs("loadBalancerBackendAddressPools") {
				if _, ok := sameParent(r, id, "backendAddressPools"); !ok {
					continue
				}
				if ipc != primary {
					c.problem(nic, "property", arm.Props(ipc).Path()+".loadBalancerBackendAddressPools", "a secondary IP configuration in backend pool %s: not imported (vnetsim gives a NIC one address)", lastSeg(id))
					continue
				}
				nicSide[strings.ToLower(lastSeg(id))] = append(nicSide[strings.ToLower(lastSeg(id))], nic)
			}
		}
	}
	var out []spec.LBPool
	for _, pl := range pools {
		bp := pl.n
		pp := arm.Props(bp)
		name := bp.Str("name")
		if name == "" || strings.Contains(name, "/") {
			name = lastSeg(bp.Str("id"))
		}
		bp.Use("id", "etag", "type")
		x := spec.LBPool{Name: name}
		seen := map[string]bool{}
		add := func(nic *arm.Resource) {
			if vm := c.more.vmOf[nic]; vm != "" && !seen[vm] {
				seen[vm] = true
				x.Members = append(x.Members, vm)
			}
		}
		listed := map[*arm.Resource]bool{}
		for _, nic := range nicSide[strings.ToLower(name)] {
			listed[nic] = true
		}
		nicOf := func(path, ipcID string) *arm.Resource {
			nicID := arm.Parent(ipcID)
			nic := c.lookup(nicID)
			if nic == nil || !arm.TypeIs(nic.Type, arm.NIC) {
				c.problem(pl.src, "reference", path, "NIC %s is not in the input; the member is left out", nicID)
				return nil
			}
			if c.more.vmOf[nic] == "" {
				c.problem(pl.src, "reference", path, "NIC %s is not imported as a VM; the member is left out", nicID)
				return nil
			}
			return nic
		}
		for k, id := range pp.IDs("backendIPConfigurations") {
			path := fmt.Sprintf("%s.backendIPConfigurations[%d]", pp.Path(), k)
			if nic := nicOf(path, id); nic != nil {
				if !listed[nic] {
					c.problem(pl.src, "conflict", path, "backend pool %s lists NIC %s, whose IP configuration does not name the pool; not a member", name, nic.ID)
					continue
				}
				add(nic)
			}
		}
		for k, a := range pp.Objs("loadBalancerBackendAddresses") {
			ap := arm.Props(a)
			a.Use("name")
			path := fmt.Sprintf("%s.loadBalancerBackendAddresses[%d]", pp.Path(), k)
			if id := ap.ID("networkInterfaceIPConfiguration"); id != "" {
				if nic := nicOf(path+".networkInterfaceIPConfiguration", id); nic != nil {
					add(nic)
				}
				ap.Use("ipAddress", "virtualNetwork", "subnet", "inboundNatRulesPortMapping", "adminState")
				continue
			}
			ip := ap.Str("ipAddress")
			ap.Use("virtualNetwork", "subnet", "inboundNatRulesPortMapping", "adminState")
			vm := ""
			for _, v := range c.sc.VMs {
				if v.PrivateIPAddress == ip && ip != "" {
					vm = v.Name
				}
			}
			if vm == "" {
				c.problem(pl.src, "reference", path, "address %s is no VM of the input; the member is left out", ip)
				continue
			}
			if !seen[vm] {
				seen[vm] = true
				x.Members = append(x.Members, vm)
			}
		}
		for _, nic := range nicSide[strings.ToLower(name)] {
			add(nic)
		}
		pp.Use("loadBalancingRules", "outboundRule", "outboundRules", "inboundNatRules", "location", "drainPeriodInSeconds", "virtualNetwork", "syncMode", "tunnelInterfaces")
		out = append(out, x)
	}
	return out
}
