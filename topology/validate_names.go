package topology

import (
	"fmt"
	"strings"
	"unicode"
)

// Azure's naming rules (learn.microsoft.com/azure/azure-resource-manager/
// management/resource-name-rules): length and characters per resource type.
type nameRule struct {
	what     string
	min, max int
	// network: alphanumerics, underscores, periods and hyphens, starting
	// with an alphanumeric and ending with an alphanumeric or underscore.
	// Otherwise check is the rule.
	network bool
	check   func(string) string // returns the problem, or ""
}

var (
	ruleVNet     = nameRule{what: "virtual network", min: 2, max: 64, network: true}
	ruleNetwork  = nameRule{what: "network resource", min: 1, max: 80, network: true}
	rulePE       = nameRule{what: "private endpoint", min: 2, max: 64, network: true}
	ruleVM       = nameRule{what: "virtual machine", min: 1, max: 64, check: vmNameProblem}
	ruleStorage  = nameRule{what: "storage account", min: 3, max: 24, check: storageNameProblem}
	ruleKeyVault = nameRule{what: "key vault", min: 3, max: 24, check: keyVaultNameProblem}
	ruleRegistry = nameRule{what: "container registry", min: 5, max: 50, check: registryNameProblem}
	ruleAML      = nameRule{what: "Azure Machine Learning workspace", min: 3, max: 33, check: workspaceNameProblem}
	ruleFree     = nameRule{what: "name", min: 1, max: 260} // vnetsim-only names: printable, bounded
)

// nameProblem returns why name breaks rule r, or "".
func (r nameRule) problem(name string) string {
	for _, ch := range name {
		if unicode.IsControl(ch) || !unicode.IsPrint(ch) && ch != ' ' {
			return fmt.Sprintf("holds the control or invisible character %q", ch)
		}
	}
	// Only the maximum: a name under Azure's minimum (a one-letter VNet)
	// changes nothing a trace decides; docs/validation.md.
	if n := len([]rune(name)); n > r.max {
		return fmt.Sprintf("is %d characters; Azure allows at most %d for a %s", n, r.max, r.what)
	}
	if r.network {
		for _, ch := range name {
			if !(isAlnum(ch) || ch == '_' || ch == '.' || ch == '-') {
				return fmt.Sprintf("holds %q; a %s name has letters, digits, underscores, periods and hyphens", ch, r.what)
			}
		}
		if !isAlnum(rune(name[0])) {
			return fmt.Sprintf("must start with a letter or digit (Azure's rule for a %s)", r.what)
		}
		if last := rune(name[len(name)-1]); !isAlnum(last) && last != '_' {
			return fmt.Sprintf("must end with a letter, digit or underscore (Azure's rule for a %s)", r.what)
		}
	}
	if r.check != nil {
		return r.check(name)
	}
	return ""
}

func isAlnum(r rune) bool { return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

func vmNameProblem(s string) string {
	for _, ch := range s {
		if strings.ContainsRune(`\/"'[]:|<>+=;,?*@&~!#$%^(){}`+" ", ch) {
			return fmt.Sprintf("holds %q, which Azure doesn't allow in a virtual machine name", ch)
		}
	}
	if strings.HasPrefix(s, "_") || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "-") {
		return "can't start with an underscore or end with a period or hyphen (Azure's rule for a virtual machine)"
	}
	return ""
}

func storageNameProblem(s string) string {
	for _, ch := range s {
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9') {
			return "has characters other than lowercase letters and digits (Azure's rule for a storage account)"
		}
	}
	return ""
}

func keyVaultNameProblem(s string) string {
	for _, ch := range s {
		if !(isAlnum(ch) || ch == '-') {
			return fmt.Sprintf("holds %q; a key vault name has letters, digits and hyphens", ch)
		}
	}
	if !unicode.IsLetter(rune(s[0])) || !isAlnum(rune(s[len(s)-1])) || strings.Contains(s, "--") {
		return "must start with a letter, end with a letter or digit and have no consecutive hyphens (Azure's rule for a key vault)"
	}
	return ""
}

func registryNameProblem(s string) string {
	for _, ch := range s {
		if !isAlnum(ch) {
			return "has characters other than letters and digits (Azure's rule for a container registry)"
		}
	}
	return ""
}

func workspaceNameProblem(s string) string {
	for _, ch := range s {
		if !(isAlnum(ch) || ch == '-' || ch == '_') {
			return fmt.Sprintf("holds %q; a workspace name has letters, digits, hyphens and underscores", ch)
		}
	}
	if !isAlnum(rune(s[0])) {
		return "must start with a letter or digit (Azure's rule for a workspace)"
	}
	return ""
}

// serviceNameRule is the naming rule of a service by its type.
func serviceNameRule(typ string) nameRule {
	switch strings.ToLower(typ) {
	case "microsoft.storage/storageaccounts":
		return ruleStorage
	case "microsoft.keyvault/vaults":
		return ruleKeyVault
	case "microsoft.containerregistry/registries":
		return ruleRegistry
	case "microsoft.machinelearningservices/workspaces":
		return ruleAML
	}
	return ruleNetwork
}

// checkName reports s when it breaks r, at the key path path returns.
func (c *compiler) checkName(path func() string, s string, r nameRule) {
	if s == "" {
		return // "missing name" is the compile step's
	}
	if msg := r.problem(s); msg != "" {
		c.errAt(path(), "%q %s", s, msg)
	}
}

// validateNames checks every name against its Azure resource's rule.
// The key path of a name is built only when the name is wrong: an estate
// has a million rule names and nearly all are right.
func (c *compiler) validateNames() {
	name := c.checkName
	sc := c.sc
	name(func() string { return "name" }, sc.Name, ruleFree)
	for i, v := range sc.VNets {
		p := fmt.Sprintf("vnets[%d]", i)
		name(func() string { return p + ".name" }, v.Name, ruleVNet)
		for j, s := range v.Subnets {
			name(func() string { return fmt.Sprintf("%s.subnets[%d].name", p, j) }, s.Name, ruleNetwork)
		}
	}
	for i, p := range sc.Peerings {
		name(func() string { return fmt.Sprintf("peerings[%d].name", i) }, p.Name, ruleNetwork)
	}
	for i, n := range sc.NetworkSecurityGroups {
		p := fmt.Sprintf("networkSecurityGroups[%d]", i)
		name(func() string { return p + ".name" }, n.Name, ruleNetwork)
		for j, r := range n.SecurityRules {
			name(func() string { return fmt.Sprintf("%s.securityRules[%d].name", p, j) }, r.Name, ruleNetwork)
		}
	}
	for i, a := range sc.ApplicationSecurityGroups {
		name(func() string { return fmt.Sprintf("applicationSecurityGroups[%d]", i) }, a, ruleNetwork)
	}
	for i, rt := range sc.RouteTables {
		p := fmt.Sprintf("routeTables[%d]", i)
		name(func() string { return p + ".name" }, rt.Name, ruleNetwork)
		for j, r := range rt.Routes {
			name(func() string { return fmt.Sprintf("%s.routes[%d].name", p, j) }, r.Name, ruleNetwork)
		}
	}
	for i, g := range sc.VirtualNetworkGateways {
		name(func() string { return fmt.Sprintf("virtualNetworkGateways[%d].name", i) }, g.Name, ruleNetwork)
		for j, h := range g.OnPremisesHosts {
			name(func() string { return fmt.Sprintf("virtualNetworkGateways[%d].onPremisesHosts[%d].name", i, j) }, h.Name, ruleFree)
		}
	}
	for i, n := range sc.NATGateways {
		name(func() string { return fmt.Sprintf("natGateways[%d].name", i) }, n.Name, ruleNetwork)
	}
	for i, fw := range sc.Firewalls {
		p := fmt.Sprintf("firewalls[%d]", i)
		name(func() string { return p + ".name" }, fw.Name, ruleNetwork)
		for j, g := range fw.RuleCollectionGroups {
			name(func() string { return fmt.Sprintf("%s.ruleCollectionGroups[%d].name", p, j) }, g.Name, ruleNetwork)
		}
	}
	for i, g := range sc.IPGroups {
		name(func() string { return fmt.Sprintf("ipGroups[%d].name", i) }, g.Name, ruleNetwork)
	}
	for i, vm := range sc.VMs {
		name(func() string { return fmt.Sprintf("vms[%d].name", i) }, vm.Name, ruleVM)
	}
	for i, s := range sc.Services {
		name(func() string { return fmt.Sprintf("services[%d].name", i) }, s.Name, serviceNameRule(s.Type))
	}
	for i, pe := range sc.PrivateEndpoints {
		name(func() string { return fmt.Sprintf("privateEndpoints[%d].name", i) }, pe.Name, rulePE)
	}
	for i, e := range sc.Expectations {
		name(func() string { return fmt.Sprintf("expectations[%d].name", i) }, e.Name, ruleFree)
	}
	for i, v := range sc.Variants {
		name(func() string { return fmt.Sprintf("variants[%d].name", i) }, v.Name, ruleFree)
	}
	if ml := sc.MachineLearning; ml != nil {
		for i, cp := range ml.Computes {
			name(func() string { return fmt.Sprintf("machineLearning.computes[%d].name", i) }, cp.Name, ruleFree)
		}
	}
	for i, lb := range sc.LoadBalancers {
		name(func() string { return fmt.Sprintf("loadBalancers[%d].name", i) }, lb.Name, ruleNetwork)
	}
	for i, b := range sc.BastionHosts {
		name(func() string { return fmt.Sprintf("bastionHosts[%d].name", i) }, b.Name, ruleNetwork)
	}
	for i, r := range sc.DNSResolvers {
		name(func() string { return fmt.Sprintf("dnsResolvers[%d].name", i) }, r.Name, ruleNetwork)
	}
	for i, m := range sc.NetworkManagers {
		name(func() string { return fmt.Sprintf("networkManagers[%d].name", i) }, m.Name, ruleNetwork)
	}
}
