package importer

import (
	"fmt"
	"strings"

	"github.com/vnetsim/vnetsim/importer/arm"
	"github.com/vnetsim/vnetsim/spec"
)

// policyNames reads a subnet's serviceEndpointPolicies references.
func (c *conv) policyNames(s *arm.Resource, p *arm.Node) []string {
	var out []string
	for k, o := range p.Objs("serviceEndpointPolicies") {
		o.Use("name", "type", "location", "kind", "etag")
		o.Use("properties") // the policy's own copy; the policy resource is read
		if pol := c.refID(s, where{p, "serviceEndpointPolicies", k}, o.Str("id"), arm.EndpointPolicy); pol != nil {
			out = append(out, c.names[pol])
		}
	}
	return out
}

// endpointPolicies turns Microsoft.Network/serviceEndpointPolicies into
// serviceEndpointPolicies entries. A Microsoft.Storage definition's
// resources are storage account IDs (named as services; an account not in
// the input is added as a service known only from the reference) or a
// resource group or subscription scope, expanded to the accounts of the
// input inside it; a Global definition's are service aliases, kept as
// written.
func (c *conv) endpointPolicies() {
	for _, r := range c.byType[arm.EndpointPolicy] {
		c.consumed[r] = true
		p := r.Props()
		p.Use("subnets", "serviceAlias", "contextualServiceEndpointPolicies", "serviceEndpointPolicyDefinitions")
		out := spec.EndpointPolicy{Name: c.names[r]}
		for _, d := range c.childrenOf(r, arm.EndpointPolicyDef) {
			c.consumed[d] = true
			dp := d.Props()
			dp.Use("description")
			def := spec.EndpointPolicyDefinition{Name: lastSeg(d.ID), Service: enum(dp.Str("service"), "Microsoft.Storage", "Global")}
			for k, res := range dp.Strs("serviceResources") {
				path := fmt.Sprintf("%s.serviceResources[%d]", dp.Path(), k)
				if def.Service != "Microsoft.Storage" {
					def.ServiceResources = append(def.ServiceResources, res)
					continue
				}
				id, ok := arm.ParseID(res)
				if ok && arm.TypeIs(id.Type(), arm.Storage) {
					if n := c.service(d, path, res); n != "" {
						def.ServiceResources = append(def.ServiceResources, n)
					}
					continue
				}
				// a resource group or subscription scope
				scope := arm.Key(res)
				if scope == "" || !strings.HasPrefix(scope, "/subscriptions/") {
					c.problem(d, "property", path, "%q is neither a storage account nor a scope; left out", res)
					continue
				}
				var in []string
				for _, st := range c.byType[arm.Storage] {
					if strings.HasPrefix(arm.Key(st.ID), scope+"/") {
						in = append(in, c.names[st])
					}
				}
				def.ServiceResources = append(def.ServiceResources, in...)
				c.problem(d, "note", path, "scope %s is expanded to the storage accounts of the input inside it (%s); accounts outside the input are not listed", res, plural(len(in), "account", "accounts"))
			}
			c.comments[fmt.Sprintf("serviceEndpointPolicies[%d].serviceEndpointPolicyDefinitions[%d]", len(c.sc.ServiceEndpointPolicies), len(out.Definitions))] = c.comment(d)
			out.Definitions = append(out.Definitions, def)
		}
		c.comments[fmt.Sprintf("serviceEndpointPolicies[%d]", len(c.sc.ServiceEndpointPolicies))] = c.comment(r)
		c.sc.ServiceEndpointPolicies = append(c.sc.ServiceEndpointPolicies, out)
	}
	c.orphans("definition of service endpoint policy", arm.EndpointPolicyDef)
}
