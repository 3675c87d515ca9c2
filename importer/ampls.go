package importer

import (
	"strings"

	"github.com/vnetsim/vnetsim/importer/arm"
)

// linkScopes completes the services entries of Azure Monitor Private Link
// Scopes (microsoft.insights/privateLinkScopes, named as services so that
// private endpoints reach them): their scoped Application Insights
// components (scopedResources children) and their access mode.
// publicNetworkAccess Disabled stands for the PrivateOnly ingestion access
// mode; a query access mode that differs is listed.
func (c *conv) linkScopes() {
	for _, r := range c.byType[arm.LinkScope] {
		var i = -1
		for k := range c.sc.Services {
			if c.sc.Services[k].Name == c.names[r] {
				i = k
			}
		}
		if i < 0 {
			continue
		}
		svc := &c.sc.Services[i]
		p := r.Props()
		p.Use("privateEndpointConnections")
		if a := p.Obj("accessModeSettings"); a != nil {
			ing, q := a.Str("ingestionAccessMode"), a.Str("queryAccessMode")
			if strings.EqualFold(ing, "PrivateOnly") {
				svc.PublicNetworkAccess = "Disabled"
			}
			if ing != "" && q != "" && !strings.EqualFold(ing, q) {
				c.problem(r, "property", a.Path()+".queryAccessMode", "query access mode %s differs from ingestion access mode %s: vnetsim models one mode, the ingestion one", q, ing)
			}
		}
		for _, ch := range c.childrenOf(r, arm.ScopedResource) {
			c.consumed[ch] = true
			cp := ch.Props()
			cp.Use("kind", "subscriptionLocation")
			id := cp.Str("linkedResourceId")
			t, _ := arm.ParseID(id)
			if !arm.TypeIs(t.Type(), arm.Insights) {
				c.problem(ch, "resource", ch.Node.Path(), "scoped resource %s is not an Application Insights component (vnetsim models those): not imported", id)
				continue
			}
			if n := c.service(ch, cp.Path()+".linkedResourceId", id); n != "" {
				svc.ScopedResources = append(svc.ScopedResources, n)
			}
		}
	}
	c.orphans("scoped resource of Private Link Scope", arm.ScopedResource)
}
