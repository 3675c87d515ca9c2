package sim

import (
	"fmt"

	"github.com/vnetsim/vnetsim/topology"
)

// LintNoPublicIPNoWorkspacePE is a compute without a public IP whose VNet
// has no way to the workspace's private endpoint.
const LintNoPublicIPNoWorkspacePE = "no-public-ip-without-workspace-pe"

// noPublicIPWorkspacePE: "You must use a workspace private endpoint for the
// compute resource to communicate with Azure Machine Learning services from
// the VNet" (seed 000, no public IP). The serverless allow-list case has its
// own code.
func (l *linter) noPublicIPWorkspacePE() {
	ws := l.t.ML.Workspace
	if ws == nil {
		return
	}
	for _, c := range l.vmComputes() {
		if c.PublicIP || (c.Type == "Serverless" && len(l.t.ML.IPAllowList) > 0) {
			continue
		}
		v := c.NIC.VNet()
		if l.reachesWorkspacePE(v) {
			continue
		}
		l.add(Finding{Code: LintNoPublicIPNoWorkspacePE, Severity: SeverityError, Resource: c.Name, Line: l.computeLine(c),
			Message: fmt.Sprintf("%s %s has no public IP, but no private endpoint of workspace %s is in VNet %s or a VNet peered with it", c.Type, c.Name, ws.Name, v.Name),
			Seed:    seedNoPublicIP,
			Fix:     fmt.Sprintf("add a private endpoint to %s (groupId amlworkspace) in %s or a peered VNet, with its private DNS records", ws.Name, v.Name)})
	}
}

// reachesWorkspacePE reports whether VNet v holds a private endpoint of the
// workspace or is peered with a VNet that does.
func (l *linter) reachesWorkspacePE(v *topology.VNet) bool {
	for _, w := range l.wsVNets {
		if v.Reaches(w) {
			return true
		}
	}
	return false
}
