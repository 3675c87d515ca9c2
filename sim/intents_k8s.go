package sim

import (
	"fmt"
	"strings"

	"github.com/vnetsim/vnetsim/topology"
)

const (
	cite001Inference  = `seed 001, "Secure the inferencing environment"`
	cite000Databricks = `seed 000, "Azure Databricks"`
)

func init() {
	for _, in := range []*Intent{
		{Name: "aks-inference", Summary: "an Azure Kubernetes Service cluster serves models for the workspace", Cite: cite001Inference, Needs: []string{"compute"}, steps: aksInference},
		{Name: "databricks", Summary: "an Azure Databricks cluster in the VNet works with the workspace", Cite: cite000Databricks, Needs: []string{"compute"}, steps: databricks},
	} {
		intents[in.Name] = in
	}
}

// reachableIn reports whether a service can be reached privately from VNet
// v: a private endpoint in v, or a service endpoint for its type on a subnet
// of v.
func reachableIn(svc *topology.Service, v *topology.VNet) bool {
	for _, pe := range svc.PrivateEndpoints {
		if pe.NIC.VNet() == v {
			return true
		}
	}
	se := map[string]string{topology.TypeStorage: "microsoft.storage", topology.TypeKeyVault: "microsoft.keyvault", topology.TypeRegistry: "microsoft.containerregistry"}[svc.Type]
	for _, s := range v.Subnets {
		for _, x := range s.ServiceEndpoints {
			if se != "" && strings.EqualFold(x, se) {
				return true
			}
		}
	}
	return false
}

// aksInference: "if your AKS cluster is behind of VNET, your workspace and
// its associate resources (storage, key vault, and ACR) must have private
// endpoints or service endpoints in the same VNET as the AKS cluster" (seed
// 001), and AKS pulls from mcr.microsoft.com (seed 000, "Required public
// internet access to train models") and sets up the Azure ML router through
// MicrosoftContainerRegistry and AzureFrontDoor.FirstParty (seed 004).
func aksInference(c *intentCtx) ([]Step, error) {
	if err := needCompute(c, "aks-inference", "Kubernetes"); err != nil {
		return nil, err
	}
	v := c.compute.NIC.VNet()
	place := Step{Name: "the workspace and its resources have private or service endpoints in the cluster's VNet", From: c.compute.Name, To: c.ml.Workspace.Name, Cite: cite001Inference}
	place.check = func() (string, string, string) {
		var missing []string
		for _, svc := range []*topology.Service{c.ml.Workspace, c.ml.Storage, c.ml.KeyVault, c.ml.Registry} {
			if svc != nil && !reachableIn(svc, v) {
				missing = append(missing, svc.Name)
			}
		}
		if len(missing) == 0 {
			return "", "", ""
		}
		return ReasonPlacement, fmt.Sprintf("%s have no private or service endpoint in VNet %s, the Kubernetes cluster's", strings.Join(missing, ", "), v.Name),
			"add private endpoints (or, for storage and key vault, service endpoints) for them in " + v.Name
	}
	s := []Step{place,
		c.step("the cluster pulls the Azure ML router and images from mcr.microsoft.com", "MicrosoftContainerRegistry", "mcr.microsoft.com", topology.ProtocolTCP, 443, cite000Req),
		c.step("the cluster pulls image layers through AzureFrontDoor.FirstParty", "AzureFrontDoor.FirstParty", c.region+".data.mcr.microsoft.com", topology.ProtocolTCP, 443, cite004Rec),
		c.step("the cluster calls the workspace", c.ml.Workspace.Name, "", topology.ProtocolTCP, 443, cite001Inference),
	}
	if acr := c.ml.Registry; acr != nil {
		s = append(s, c.step("the cluster pulls model images from the workspace's registry", c.fqdn(acr, "registry", 0), "", topology.ProtocolTCP, 443, cite001Inference))
	}
	if st := c.ml.Storage; st != nil {
		s = append(s, c.step("the cluster reads models from the default storage", c.fqdn(st, "blob", 0), "", topology.ProtocolTCP, 443, cite001Inference))
	}
	return s, nil
}

// databricks: "The virtual network must be in the same subscription and
// region as the Azure Machine Learning workspace" and "If the Azure Storage
// Account(s) for the workspace are also secured in a virtual network, they
// must be in the same virtual network as the Azure Databricks cluster"
// (seed 000, "Azure Databricks").
func databricks(c *intentCtx) ([]Step, error) {
	if err := needCompute(c, "databricks", "Databricks"); err != nil {
		return nil, err
	}
	cp, ws := c.compute, c.ml.Workspace
	v := cp.NIC.VNet()
	place := Step{Name: "the Databricks VNet is in the workspace's subscription and region", From: cp.Name, To: ws.Name, Cite: cite000Databricks}
	place.check = func() (string, string, string) {
		if !strings.EqualFold(cp.Region, ws.Region) {
			return ReasonPlacement, fmt.Sprintf("Databricks VNet %s is in %s, the workspace in %s", v.Name, cp.Region, ws.Region), "put the Databricks VNet in the workspace's region"
		}
		if v.Subscription != "" && ws.Subscription != "" && v.Subscription != ws.Subscription {
			return ReasonPlacement, fmt.Sprintf("Databricks VNet %s is in subscription %s, the workspace in %s", v.Name, v.Subscription, ws.Subscription), "put the Databricks VNet in the workspace's subscription"
		}
		return "", "", ""
	}
	s := []Step{place}
	if st := c.ml.Storage; st != nil {
		same := Step{Name: "a storage account secured in a VNet is in the Databricks VNet", From: cp.Name, To: st.Name, Cite: cite000Databricks}
		same.check = func() (string, string, string) {
			secured := st.PublicNetworkAccess == "Disabled" || (st.ACLs != nil && st.ACLs.DefaultAction == "Deny")
			if !secured || reachableIn(st, v) {
				return "", "", ""
			}
			return ReasonPlacement, fmt.Sprintf("storage %s is secured in a virtual network but not in %s, the Databricks cluster's", st.Name, v.Name),
				"give " + st.Name + " a private endpoint or service endpoint in " + v.Name
		}
		s = append(s, same, c.step("the cluster reads and writes the default storage", c.fqdn(st, "blob", 0), "", topology.ProtocolTCP, 443, cite000Databricks))
	}
	return append(s, c.step("the cluster calls the workspace", ws.Name, "", topology.ProtocolTCP, 443, cite000Databricks)), nil
}
