package topology

// IndexBytes is the heap an NSG's index holds, both directions.
func IndexBytes(n *NSG) int {
	b := 0
	for _, x := range []*ruleIndex{n.inIdx, n.outIdx} {
		if x != nil {
			b += 64 + 2*cap(x.bounds) + 8*cap(x.ports) + 8*cap(x.protos)
		}
	}
	return b
}
