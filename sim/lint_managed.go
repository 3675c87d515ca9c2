package sim

import (
	"fmt"
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

// Lint codes of the managed network's documented constraints (seed 003).
const (
	LintManagedNotProvisioned    = "managed-network-not-provisioned"
	LintManagedSparkProvisioning = "managed-spark-needs-provisioning"
	LintManagedPublicAccess      = "managed-workspace-public-access-enabled"
	LintManagedSparkConda        = "managed-spark-conda-approved-only"
	LintManagedPEAndSE           = "managed-private-and-service-endpoint"
)

const seedManaged = "seed 003, Workspace Managed Virtual Network Isolation"

// managedNetwork checks the constraints of seed 003 that are configuration
// rather than reachability: provisioning, Spark, the workspace's public
// access before provisioning, and private plus service endpoints. Isolation
// mode Disabled has no managed network, so none of them apply.
func (l *linter) managedNetwork() {
	t := l.t
	if t.ML == nil || t.ML.Managed == nil || t.ML.Managed.Mode == topology.ModeDisabled {
		return
	}
	m := t.ML.Managed
	const path = "machineLearning.managedNetwork"
	line := t.LineOf(path)
	spark := false
	for _, r := range m.Rules {
		spark = spark || r.SparkEnabled
	}
	managedComputes := 0
	for _, c := range t.Computes {
		if c.Managed {
			managedComputes++
		}
	}
	if !m.Provisioned && managedComputes == 0 {
		l.add(Finding{Code: LintManagedNotProvisioned, Severity: SeverityWarning, Resource: m.Workspace.Name, Line: t.LineOf(path + ".status"),
			Message: "the managed network is not provisioned and no managed compute exists: its outbound rules and private endpoints don't exist yet",
			Seed:    seedManaged, Fix: "create a managed compute, or force provisioning with az ml workspace provision-network"})
	}
	if spark && !m.Provisioned {
		l.add(Finding{Code: LintManagedSparkProvisioning, Severity: SeverityError, Resource: m.Workspace.Name, Line: t.LineOf(path + ".status"),
			Message: "a private endpoint rule is spark_enabled, but serverless Spark needs the managed network provisioned by hand",
			Seed:    seedManaged, Fix: "run az ml workspace provision-network --include-spark before submitting serverless Spark jobs, and set status: Provisioned"})
	}
	if spark && m.Mode == topology.ModeApprovedOutbound {
		l.add(Finding{Code: LintManagedSparkConda, Severity: SeverityWarning, Resource: m.Workspace.Name, Line: line,
			Message: "in AllowOnlyApprovedOutbound, conda packages defined in a Spark session configuration fail to install; an FQDN rule does not help",
			Seed:    seedManaged, Fix: "package the dependencies as a wheel in a storage account reached through a private endpoint and pass it as py_files"})
	}
	if m.Workspace.PublicNetworkAccess != "Disabled" && !m.Provisioned {
		l.add(Finding{Code: LintManagedPublicAccess, Severity: SeverityWarning, Resource: m.Workspace.Name, Line: line,
			Message: fmt.Sprintf("workspace %s has public network access enabled; the managed network's private endpoint to the workspace is created automatically only if public access is disabled before provisioning", m.Workspace.Name),
			Seed:    seedManaged, Fix: "set the workspace's publicNetworkAccess to Disabled before the managed network is provisioned"})
	}
	// A resource can't have a private endpoint and a service endpoint at
	// the same time: a managed private endpoint to a storage account whose
	// firewall admits subnets through service endpoints.
	for pe := range m.Endpoints {
		svc := pe.Service
		if svc.ACLs == nil || len(svc.ACLs.Subnets) == 0 {
			continue
		}
		var subs []string
		for _, s := range svc.ACLs.Subnets {
			subs = append(subs, s.ID())
		}
		l.add(Finding{Code: LintManagedPEAndSE, Severity: SeverityError, Resource: svc.Name, Line: l.serviceLine(svc.Name),
			Message: fmt.Sprintf("%s has a managed private endpoint (%s) and is also reached through service endpoints from %s", svc.Name, pe.GroupID, strings.Join(subs, ", ")),
			Seed:    seedManaged, Fix: "use either the private endpoint or the service endpoint for " + svc.Name + ", not both"})
		break
	}
}

func (l *linter) serviceLine(name string) int {
	if s := l.t.Service(name); s != nil && s.Path != "" {
		return l.t.LineOf(s.Path)
	}
	return 0
}
