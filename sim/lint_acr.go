package sim

import (
	"fmt"

	"github.com/vnetsim/vnetsim/topology"
)

// LintRegistryNoImageBuild is a container registry behind the VNet without
// an image build compute.
const LintRegistryNoImageBuild = "registry-behind-vnet-no-image-build-compute"

const (
	seedACR           = "seed 002, Azure Container Registry/Limitations"
	seedManagedImages = "seed 003, Configure image builds"
)

// RegistryBehindVNet reports whether Azure Machine Learning can't reach a
// container registry from outside the VNet to build images, and why:
// public network access disabled, or a network rule set that denies by
// default (with or without VNet and IP rules: seed 002 secures the registry
// with "Configure network access for registry").
func RegistryBehindVNet(acr *topology.Service) (string, bool) {
	switch {
	case acr == nil:
		return "", false
	case acr.PublicNetworkAccess == "Disabled":
		return "publicNetworkAccess Disabled", true
	case acr.ACLs != nil && acr.ACLs.DefaultAction == "Deny":
		return "its network rule set denies by default (networkAcls.defaultAction Deny)", true
	}
	return "", false
}

// registryImageBuild: "When ACR is behind a virtual network, Azure Machine
// Learning cannot use it to directly build Docker images. Instead, the
// compute cluster is used to build the images" (seed 002); a managed
// network's workspace uses a compute cluster or instance (seed 003).
func (l *linter) registryImageBuild() {
	ml := l.t.ML
	if ml.Workspace == nil || ml.ImageBuildCompute != nil {
		return
	}
	why, behind := RegistryBehindVNet(ml.Registry)
	if !behind {
		return
	}
	seed, kinds := seedACR, "a compute cluster"
	if ml.Managed != nil && ml.Managed.Mode != topology.ModeDisabled {
		seed, kinds = seedManagedImages, "a compute cluster or compute instance"
	}
	target := ""
	for _, c := range l.t.Computes {
		if c.Type == "AmlCompute" || (seed == seedManagedImages && c.Type == "ComputeInstance") {
			target = c.Name
			break
		}
	}
	fix := fmt.Sprintf("set machineLearning.imageBuildCompute to %s (az ml workspace update --image-build-compute NAME)", kinds)
	if target != "" {
		fix = fmt.Sprintf("set machineLearning.imageBuildCompute: %s (az ml workspace update --image-build-compute %s)", target, target)
	}
	line := l.t.LineOf("machineLearning.containerRegistry")
	if line == 0 {
		line = l.t.LineOf("machineLearning")
	}
	l.add(Finding{Code: LintRegistryNoImageBuild, Severity: SeverityError, Resource: ml.Registry.Name, Line: line,
		Message: fmt.Sprintf("container registry %s of workspace %s is behind the VNet (%s) and the workspace has no image build compute, so Azure Machine Learning can't build Docker images in it: the image-build intent fails", ml.Registry.Name, ml.Workspace.Name, why),
		Seed:    seed,
		Fix:     fix})
}
