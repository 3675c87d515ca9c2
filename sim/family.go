package sim

import "fmt"

// checkFamilies refuses a flow between address families: an IPv4 packet
// can't be addressed to an IPv6 host, so such a "flow" has no verdict.
// (It used to be traced, and a dual-stack VNet's system route delivered it.)
func checkFamilies(src, dst *Endpoint) error {
	if !src.Addr.IsValid() || !dst.Addr.IsValid() {
		return nil
	}
	if s4, d4 := src.Addr.Unmap().Is4(), dst.Addr.Unmap().Is4(); s4 != d4 {
		fam := map[bool]string{true: "IPv4", false: "IPv6"}
		return fmt.Errorf("a flow stays in one address family: %s is %s, %s is %s", src, fam[s4], dst, fam[d4])
	}
	return nil
}
