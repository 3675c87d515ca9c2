package topology

// compileDNS validates and resolves the DNS parts of a scenario that
// compileZones does not: custom DNS server roles on VMs, their forwarders,
// hosts-file overrides, and VNet dnsServers.
func (c *compiler) compileDNS() {
	for i, v := range c.sc.VMs {
		if v.DNSServer != nil {
			c.unsupported(fmtKey("vms[%d].dnsServer", i), "a DNS server role", "issue 3")
		}
		if len(v.Hosts) > 0 {
			c.unsupported(fmtKey("vms[%d].hosts", i), "hosts-file overrides", "issue 3")
		}
	}
	for i, v := range c.sc.VNets {
		if len(v.DNSServers) > 0 {
			c.unsupported(fmtKey("vnets[%d].dnsServers", i), "custom DNS servers", "issue 3")
		}
	}
}
