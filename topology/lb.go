package topology

import (
	"fmt"
	"net/netip"
	"strings"
)

// LoadBalancer is a compiled Azure Load Balancer (Standard SKU)
// (learn.microsoft.com/azure/load-balancer/components).
type LoadBalancer struct {
	Name      string
	Path      string
	Public    bool
	Frontends []*LBFrontend
	Pools     []*LBPool
	Rules     []*LBRule
	Outbound  []*LBOutboundRule
}

// LBFrontend is a frontend IP configuration: a public IP, or a private IP
// in a subnet for an internal load balancer.
type LBFrontend struct {
	Name   string // lb/frontend
	LB     *LoadBalancer
	IP     netip.Addr
	Subnet *Subnet // internal frontends only
}

// LBPool is a backend pool of NICs.
type LBPool struct {
	Name    string
	Members []*NIC
}

// LBProbe is a health probe; probes come from 168.63.129.16, the
// AzureLoadBalancer tag, so the members' NSGs must allow them.
type LBProbe struct {
	Name     string
	Protocol Protocol // Tcp (Http and Https probes are TCP connections)
	Kind     string   // Tcp | Http | Https
	Port     uint16
}

// LBRule is a load-balancing rule. HAPorts rules (protocol All, ports 0,
// internal frontends only) balance every protocol and port.
type LBRule struct {
	Name         string
	Frontend     *LBFrontend
	Pool         *LBPool
	Protocol     Protocol // ProtocolAny for All
	FrontendPort uint16
	BackendPort  uint16
	HAPorts      bool
	Probe        *LBProbe
}

// Matches reports whether a flow to the frontend uses the rule.
func (r *LBRule) Matches(f Flow) bool {
	if r.HAPorts {
		return true
	}
	return (r.Protocol == ProtocolAny || r.Protocol == f.Protocol) && f.Protocol.HasPorts() && f.DstPort == r.FrontendPort
}

// LBOutboundRule gives a pool outbound SNAT through frontends' public IPs.
type LBOutboundRule struct {
	Name      string
	LB        *LoadBalancer
	Frontends []*LBFrontend
	Pool      *LBPool
}

// LBFrontendAt returns the frontend with address a.
func (t *Topology) LBFrontendAt(a netip.Addr) *LBFrontend {
	for _, lb := range t.LoadBalancers {
		for _, fe := range lb.Frontends {
			if fe.IP == a {
				return fe
			}
		}
	}
	return nil
}

// LBFrontendNamed returns the frontend named "lb/frontend", or the first
// frontend of the load balancer named s.
func (t *Topology) LBFrontendNamed(s string) *LBFrontend {
	for _, lb := range t.LoadBalancers {
		for _, fe := range lb.Frontends {
			if fe.Name == s || (lb.Name == s && fe == lb.Frontends[0]) {
				return fe
			}
		}
	}
	return nil
}

// LBOutboundRuleFor returns the outbound rule whose pool holds n.
func (t *Topology) LBOutboundRuleFor(n *NIC) *LBOutboundRule {
	for _, lb := range t.LoadBalancers {
		for _, o := range lb.Outbound {
			for _, m := range o.Pool.Members {
				if m == n {
					return o
				}
			}
		}
	}
	return nil
}

func (c *compiler) compileLoadBalancers() {
	for i := range c.sc.LoadBalancers {
		ls := &c.sc.LoadBalancers[i]
		path := fmt.Sprintf("loadBalancers[%d]", i)
		if !c.claim(path+".name", ls.Name, "load balancer") {
			continue
		}
		if ls.SKU != "" && !strings.EqualFold(ls.SKU, "Standard") {
			c.errAt(path+".sku", "%q: vnetsim models Standard load balancers (Basic retired on 30 September 2025)", ls.SKU)
		}
		lb := &LoadBalancer{Name: ls.Name, Path: path}
		fes := map[string]*LBFrontend{}
		kinds := map[bool]bool{}
		for j, fs := range ls.FrontendIPConfigurations {
			fp := fmt.Sprintf("%s.frontendIpConfigurations[%d]", path, j)
			fe := &LBFrontend{Name: ls.Name + "/" + fs.Name, LB: lb}
			if fs.Name == "" {
				c.errAt(fp, "missing name")
				continue
			}
			switch {
			case fs.PublicIPAddress != "" && fs.Subnet != "":
				c.errAt(fp, "a frontend has a public IP or a subnet, not both")
				continue
			case fs.PublicIPAddress != "":
				a, err := netip.ParseAddr(fs.PublicIPAddress)
				if err != nil || IsPrivate(a) {
					c.errAt(fp+".publicIpAddress", "%q is not a public IP address", fs.PublicIPAddress)
					continue
				}
				fe.IP = a.Unmap()
				kinds[true] = true
			default:
				s := c.subnetRef(fp+".subnet", fs.Subnet)
				if s == nil {
					continue
				}
				static, ok := c.staticIP(s, fs.PrivateIPAddress, fp+".privateIpAddress")
				if !ok {
					continue
				}
				fe.Subnet = s
				fe.IP = c.allocate(s, static, fp+".privateIpAddress", fe.Name)
				kinds[false] = true
			}
			fes[fs.Name] = fe
			lb.Frontends = append(lb.Frontends, fe)
		}
		if len(kinds) > 1 {
			c.errAt(path+".frontendIpConfigurations", "a load balancer is public or internal: its frontends can't mix public IPs and subnets")
		}
		lb.Public = kinds[true]
		pools := map[string]*LBPool{}
		for j, ps := range ls.BackendAddressPools {
			pp := fmt.Sprintf("%s.backendAddressPools[%d]", path, j)
			pool := &LBPool{Name: ps.Name}
			for k, m := range ps.Members {
				n := c.t.nics[m]
				if n == nil || (n.Kind != KindVM && n.Kind != KindCompute) {
					c.errAt(fmt.Sprintf("%s.members[%d]", pp, k), "unknown VM %q", m)
					continue
				}
				pool.Members = append(pool.Members, n)
			}
			pools[ps.Name] = pool
			lb.Pools = append(lb.Pools, pool)
		}
		probes := map[string]*LBProbe{}
		for j, ps := range ls.Probes {
			pp := fmt.Sprintf("%s.probes[%d]", path, j)
			pr := &LBProbe{Name: ps.Name, Protocol: ProtocolTCP}
			switch strings.ToLower(ps.Protocol) {
			case "tcp", "http", "https":
				pr.Kind = strings.ToUpper(ps.Protocol[:1]) + strings.ToLower(ps.Protocol[1:])
			default:
				c.errAt(pp+".protocol", "%q: want Tcp, Http or Https", ps.Protocol)
			}
			if ps.Port < 1 || ps.Port > 65535 {
				c.errAt(pp+".port", "%d is not a port", ps.Port)
			}
			pr.Port = uint16(ps.Port)
			probes[ps.Name] = pr
		}
		for j, rs := range ls.LoadBalancingRules {
			rp := fmt.Sprintf("%s.loadBalancingRules[%d]", path, j)
			r := &LBRule{Name: rs.Name, Frontend: fes[rs.FrontendIPConfiguration], Pool: pools[rs.BackendAddressPool]}
			if r.Frontend == nil {
				c.errAt(rp+".frontendIpConfiguration", "unknown frontend %q", rs.FrontendIPConfiguration)
				continue
			}
			if r.Pool == nil {
				c.errAt(rp+".backendAddressPool", "unknown backend pool %q", rs.BackendAddressPool)
				continue
			}
			if rs.Probe != "" {
				if r.Probe = probes[rs.Probe]; r.Probe == nil {
					c.errAt(rp+".probe", "unknown probe %q", rs.Probe)
				}
			}
			switch strings.ToLower(rs.Protocol) {
			case "tcp":
				r.Protocol = ProtocolTCP
			case "udp":
				r.Protocol = ProtocolUDP
			case "all":
				r.Protocol = ProtocolAny
			default:
				c.errAt(rp+".protocol", "%q: want Tcp, Udp or All", rs.Protocol)
			}
			if r.Protocol == ProtocolAny && rs.FrontendPort == 0 && rs.BackendPort == 0 {
				r.HAPorts = true
				if lb.Public {
					c.errAt(rp, "HA ports rules (protocol All, ports 0) are for internal load balancers only")
				}
			} else if rs.FrontendPort < 1 || rs.FrontendPort > 65535 || rs.BackendPort < 1 || rs.BackendPort > 65535 {
				c.errAt(rp+".frontendPort", "give frontendPort and backendPort (1-65535), or protocol All with both 0 for HA ports")
			}
			r.FrontendPort, r.BackendPort = uint16(rs.FrontendPort), uint16(rs.BackendPort)
			lb.Rules = append(lb.Rules, r)
		}
		for j, os := range ls.OutboundRules {
			op := fmt.Sprintf("%s.outboundRules[%d]", path, j)
			o := &LBOutboundRule{Name: os.Name, LB: lb, Pool: pools[os.BackendAddressPool]}
			if !lb.Public {
				c.errAt(op, "outbound rules need a public load balancer")
			}
			if o.Pool == nil {
				c.errAt(op+".backendAddressPool", "unknown backend pool %q", os.BackendAddressPool)
				continue
			}
			for k, f := range os.FrontendIPConfigurations {
				fe := fes[f]
				if fe == nil {
					c.errAt(fmt.Sprintf("%s.frontendIpConfigurations[%d]", op, k), "unknown frontend %q", f)
					continue
				}
				o.Frontends = append(o.Frontends, fe)
			}
			if len(o.Frontends) == 0 {
				continue
			}
			lb.Outbound = append(lb.Outbound, o)
		}
		c.t.LoadBalancers = append(c.t.LoadBalancers, lb)
	}
}
