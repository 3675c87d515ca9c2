package topology

import (
	"fmt"
	"strings"
)

// EndpointPolicy is a service endpoint policy: on a subnet with the
// Microsoft.Storage service endpoint, traffic through the endpoint reaches
// only the storage accounts it lists, or, through a service alias, the
// storage accounts Microsoft manages for that service (reference 5.4;
// AMLPLAN: "a service endpoint policy with an Azure Machine Learning alias
// to allow outbound access only to Azure Machine Learning managed storage
// accounts").
type EndpointPolicy struct {
	Name     string
	Accounts map[*Service]bool
	// Aliases are service aliases such as /services/Azure/MachineLearning.
	Aliases []string
}

// Allows reports whether the policy lets the subnet reach svc.
func (p *EndpointPolicy) Allows(svc *Service) bool { return p.Accounts[svc] }

// MLAlias is the service alias of Azure Machine Learning's managed storage.
const MLAlias = "/services/Azure/MachineLearning"

// serviceAliases are the aliases vnetsim knows.
var serviceAliases = []string{MLAlias, "/services/Azure/Batch", "/services/Azure/DataFactory", "/services/Azure/ManagedInstance"}

func (c *compiler) compileEndpointPolicies() {
	policies := map[string]*EndpointPolicy{}
	for i := range c.sc.ServiceEndpointPolicies {
		ps := &c.sc.ServiceEndpointPolicies[i]
		path := fmt.Sprintf("serviceEndpointPolicies[%d]", i)
		if ps.Name == "" {
			c.errAt(path, "missing name")
			continue
		}
		if policies[ps.Name] != nil {
			c.errAt(path+".name", "duplicate service endpoint policy %q", ps.Name)
			continue
		}
		p := &EndpointPolicy{Name: ps.Name, Accounts: map[*Service]bool{}}
		for j, d := range ps.Definitions {
			dp := fmt.Sprintf("%s.serviceEndpointPolicyDefinitions[%d]", path, j)
			switch {
			case strings.EqualFold(d.Service, "Microsoft.Storage"):
				for k, r := range d.ServiceResources {
					svc := c.t.services[r]
					if svc == nil || svc.Type != TypeStorage {
						c.errAt(fmt.Sprintf("%s.serviceResources[%d]", dp, k), "%q is not a storage account of the scenario", r)
						continue
					}
					p.Accounts[svc] = true
				}
			case strings.EqualFold(d.Service, "Global"):
				for k, r := range d.ServiceResources {
					alias := ""
					for _, a := range serviceAliases {
						if strings.EqualFold(a, r) {
							alias = a
						}
					}
					if alias == "" {
						c.errAt(fmt.Sprintf("%s.serviceResources[%d]", dp, k), "%q: want a service alias (%s)", r, strings.Join(serviceAliases, ", "))
						continue
					}
					p.Aliases = append(p.Aliases, alias)
				}
			default:
				c.errAt(dp+".service", "%q: want Microsoft.Storage (storage accounts) or Global (a service alias)", d.Service)
			}
		}
		policies[ps.Name] = p
	}
	for i := range c.sc.VNets {
		vs := &c.sc.VNets[i]
		for j := range vs.Subnets {
			ss := &vs.Subnets[j]
			if len(ss.ServiceEndpointPolicies) == 0 {
				continue
			}
			path := fmt.Sprintf("vnets[%d].subnets[%d].serviceEndpointPolicies", i, j)
			sub := c.t.subnets[vs.Name+"/"+ss.Name]
			if sub == nil {
				continue
			}
			if !hasServiceEndpoint(sub, "Microsoft.Storage") {
				c.errAt(path, "a service endpoint policy needs the subnet's Microsoft.Storage service endpoint")
			}
			for k, n := range ss.ServiceEndpointPolicies {
				p := policies[n]
				if p == nil {
					c.errAt(fmt.Sprintf("%s[%d]", path, k), "unknown service endpoint policy %q", n)
					continue
				}
				sub.EndpointPolicies = append(sub.EndpointPolicies, p)
			}
		}
	}
}

// checkMonitorScopes checks the scoped resources of Azure Monitor Private
// Link Scopes: Application Insights components of the scenario.
func (c *compiler) checkMonitorScopes() {
	for i := range c.sc.Services {
		ss := &c.sc.Services[i]
		path := fmt.Sprintf("services[%d].scopedResources", i)
		if len(ss.ScopedResources) == 0 {
			continue
		}
		if !strings.EqualFold(ss.Type, TypeMonitorScope) {
			c.errAt(path, "only an Azure Monitor Private Link Scope (%s) has scoped resources", TypeMonitorScope)
			continue
		}
		for k, r := range ss.ScopedResources {
			if svc := c.t.services[r]; svc == nil || svc.Type != TypeInsights {
				c.errAt(fmt.Sprintf("%s[%d]", path, k), "%q is not an Application Insights component of the scenario", r)
			}
		}
	}
}
