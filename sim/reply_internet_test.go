package sim

import "testing"

// TestReplyToPrivateAddressOverInternet: a reply is routed by the effective
// routes of the destination's subnet like any packet, so a user route that
// sends the source's private range to next hop Internet loses the reply
// (found by the kernel cross-check, internal/crosscheck, seeds 9 and 10).
func TestReplyToPrivateAddressOverInternet(t *testing.T) {
	// spoke1/snet-app routes spoke2 (10.2.0.0/16) to Internet; app2's
	// subnet has no route table, so the request goes by peering.
	toInternet := `      - {name: spoke2-to-internet, addressPrefix: 10.2.0.0/16, nextHopType: Internet}`
	runFlowCases(t, []flowCase{
		{
			name:     "the reply to a private source over next hop Internet is dropped",
			scenario: hubSpoke(hubPeerings+"\n  - {name: spoke1-to-spoke2, from: spoke1, to: spoke2}\n  - {name: spoke2-to-spoke1, from: spoke2, to: spoke1}", toInternet, ""),
			from:     "app2", to: "app1", port: 22, verdict: Denied, reason: ReasonNoRoute,
			blockedBy: "route/spoke2-to-internet/rt-app",
			hops:      []string{"destination deliver app1", "reply:route match spoke1/snet-app 10.2.0.0/16 -> Internet", "reply:route drop spoke1/snet-app"},
		},
		{
			name:     "the request the other way is dropped the same way",
			scenario: hubSpoke(hubPeerings+"\n  - {name: spoke1-to-spoke2, from: spoke1, to: spoke2}\n  - {name: spoke2-to-spoke1, from: spoke2, to: spoke1}", toInternet, ""),
			from:     "app1", to: "app2", port: 22, verdict: Denied, reason: ReasonNoRoute,
		},
	})
}
