package sim

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vnetsim/vnetsim/dnsmock"
	"github.com/vnetsim/vnetsim/topology"
)

// Step is one flow an intent needs, with the document that requires it.
type Step struct {
	Name string `json:"name"`
	From string `json:"from"`
	To   string `json:"to"`
	// Host is the name the flow is for when To is a service tag: the TLS SNI
	// or HTTP host an Azure Firewall application rule sees.
	Host     string            `json:"host,omitempty"`
	Protocol topology.Protocol `json:"protocol"`
	Port     uint16            `json:"port"`
	// Cite names the seed document and section that requires the flow.
	Cite string `json:"cite"`
	// Skip says why the step does not apply to this compute or client.
	Skip string `json:"skip,omitempty"`
	// check, when set, is a requirement on the configuration rather than a
	// flow; it returns a denial reason and message when it is not met.
	check func() (reason, msg, fix string)
	// after, when set, checks a traced flow further (e.g. which address a
	// name resolved to) and returns a denial message.
	after func(*Result) (msg, fix string)
}

// Intent is a named task of Azure Machine Learning that needs a set of flows.
type Intent struct {
	Name    string
	Summary string
	Cite    string
	// Needs says which roles the intent takes: "compute", "client" or both.
	Needs []string
	steps func(c *intentCtx) ([]Step, error)
}

// intentCtx is what an intent expands from.
type intentCtx struct {
	t       *Network
	ml      *topology.MachineLearning
	compute *topology.Compute
	client  string // endpoint name, "" when the scenario has none
	region  string // the compute's region (the client's when there is no compute)
}

// Intents returns every intent, sorted by name.
func Intents() []*Intent {
	out := make([]*Intent, 0, len(intents))
	for _, in := range intents {
		out = append(out, in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LookupIntent returns the named intent.
func LookupIntent(name string) (*Intent, bool) {
	in, ok := intents[name]
	return in, ok
}

// Document citations.
const (
	cite000Peering = `seed 000, "Compute cluster in a different VNet/region from workspace"`
	cite000NoPIP   = `seed 000, "Compute instance/cluster or serverless compute with no public IP"`
	cite000PIP     = `seed 000, "Compute instance/cluster or serverless compute with public IP"`
	cite000Req     = `seed 000, "Required public internet access to train models"`
	cite000Prereq  = `seed 000, "Prerequisites"`
	cite000VM      = `seed 000, "Virtual machine or HDInsight cluster"`
	cite000Limits  = `seed 000, "Limitations"`
	cite001Job     = `seed 001, "Example training job submission"`
	cite001Limits  = `seed 001, "Secure the training environment / Limitations"`
	cite002Studio  = `seed 002, "Machine Learning studio"`
	cite002ACR     = `seed 002, "Azure Container Registry"`
	cite004Basic   = `seed 004, "Basic configuration"`
	cite004PIP     = `seed 004, "Scenario: Using compute cluster or compute instance with a public IP"`
	cite004Rec     = `seed 004, "Recommended configuration for training and deploying models"`
	cite004RStudio = `seed 004, "Scenario: Install RStudio on compute instance"`
	cite004VSCode  = `seed 004, "Scenario: Visual Studio Code"`
	cite004Terms   = `seed 004, "Common terms and information"`
	citeDecision5  = `reference, decision 5 (Batch node communication mode)`
)

var intents = map[string]*Intent{}

func init() {
	for _, in := range []*Intent{
		{Name: "training-job", Summary: "a client submits a training job and the compute runs it", Cite: cite001Job, Needs: []string{"compute", "client"}, steps: trainingJob},
		{Name: "batch-management", Summary: "Azure Machine Learning and Azure Batch manage the compute's nodes", Cite: cite004Basic, Needs: []string{"compute"}, steps: batchManagement},
		{Name: "jupyter-websocket", Summary: "a client opens Jupyter on a compute instance over WebSocket", Cite: cite000Prereq, Needs: []string{"compute", "client"}, steps: jupyterWebSocket},
		{Name: "studio-from-vnet", Summary: "a client in the VNet uses Azure Machine Learning studio", Cite: cite002Studio, Needs: []string{"client"}, steps: studioFromVNet},
		{Name: "image-build", Summary: "Azure Machine Learning builds a Docker image for a job", Cite: cite002ACR, Needs: []string{"compute"}, steps: imageBuild},
		{Name: "package-install", Summary: "a compute installs Python packages from the public repositories", Cite: cite004Rec, Needs: []string{"compute"}, steps: packageInstall},
		{Name: "rstudio", Summary: "RStudio on a compute instance (port 8787)", Cite: cite004RStudio, Needs: []string{"compute"}, steps: rstudio},
		{Name: "intellisense", Summary: "IntelliSense in notebooks on a compute instance (port 18881)", Cite: cite004Terms, Needs: []string{"compute"}, steps: intellisense},
		{Name: "vscode", Summary: "VS Code connects to a compute instance (ports 8704-8710)", Cite: cite004VSCode, Needs: []string{"compute", "client"}, steps: vscode},
		{Name: "ssh-attach", Summary: "Azure Machine Learning reaches an attached VM or HDInsight cluster over SSH", Cite: cite000VM, Needs: []string{"compute"}, steps: sshAttach},
	} {
		intents[in.Name] = in
	}
}

// tagIn returns the regional form of a tag when the tags file has it.
func (c *intentCtx) tagIn(tag string) string {
	if c.region != "" {
		if st, ok := c.t.Tags.Lookup(tag + "." + c.region); ok {
			return st.Name
		}
	}
	return tag
}

// fqdn returns the public name of a service's sub-resource (blob, file,
// vault, registry, ...), as the DNS catalog generates it.
func (c *intentCtx) fqdn(svc *topology.Service, group string, nth int) string {
	seen := 0
	for _, n := range dnsmock.Catalog(svc, nil) {
		if n.Group == group && !n.Wildcard() {
			if seen == nth {
				return n.FQDN
			}
			seen++
		}
	}
	return svc.Name
}

// clientStep is a step from the client; without one it is skipped.
func (c *intentCtx) clientStep(s Step) Step {
	s.From = c.client
	if c.client == "" {
		s.From = "(client)"
		s.Skip = "the scenario has no client VM; give --client (or client: in the expectation)"
	}
	return s
}

func needCompute(c *intentCtx, intent string, types ...string) error {
	if c.compute == nil {
		return fmt.Errorf("intent %s needs a compute (--compute)", intent)
	}
	for _, t := range types {
		if c.compute.Type == t {
			return nil
		}
	}
	return fmt.Errorf("intent %s applies to %s computes, and %s is a %s", intent, strings.Join(types, " or "), c.compute.Name, c.compute.Type)
}

var managedTypes = []string{"AmlCompute", "ComputeInstance", "Serverless"}

// inboundManagement lists the management traffic that reaches a compute:
// through its public load balancer when it has a public IP, else through
// the private link service with no inbound rule (seed 001 Tip).
func (c *intentCtx) inboundManagement(what string) []Step {
	cp := c.compute
	if !cp.PublicIP {
		return []Step{{Name: what, From: c.tagIn("AzureMachineLearning"), To: cp.Name, Protocol: topology.ProtocolTCP, Port: 44224, Cite: cite000NoPIP,
			Skip: "the compute has no public IP: Azure Machine Learning and Batch reach it through the private link service, with no inbound rule"}}
	}
	// Management traffic comes from the service's addresses in the
	// compute's region.
	steps := []Step{{Name: what + ", through its public load balancer (TCP 44224)", From: c.tagIn("AzureMachineLearning"), To: cp.Name, Protocol: topology.ProtocolTCP, Port: 44224, Cite: cite000PIP}}
	if cp.NodeCommunication == "Classic" {
		for _, p := range []uint16{29876, 29877} {
			steps = append(steps, Step{Name: fmt.Sprintf("Batch node management in Classic mode (TCP %d)", p), From: c.tagIn("BatchNodeManagement"), To: cp.Name, Protocol: topology.ProtocolTCP, Port: p, Cite: citeDecision5})
		}
	}
	return steps
}

func (c *intentCtx) step(name, to, host string, proto topology.Protocol, port uint16, cite string) Step {
	return Step{Name: name, From: c.compute.Name, To: to, Host: host, Protocol: proto, Port: port, Cite: cite}
}

// imagePulls are the image pulls of a job: the workspace's registry (its
// login server and regional data endpoint) and Microsoft's registry.
func (c *intentCtx) imagePulls(cite string) []Step {
	var s []Step
	if acr := c.ml.Registry; acr != nil {
		s = append(s,
			c.step("the compute pulls images from the workspace's registry", c.fqdn(acr, "registry", 0), "", topology.ProtocolTCP, 443, cite),
			c.step("the compute pulls image layers from the registry's data endpoint", c.fqdn(acr, "registry", 1), "", topology.ProtocolTCP, 443, cite))
	}
	return append(s,
		c.step("the compute pulls Microsoft's images from MicrosoftContainerRegistry", "MicrosoftContainerRegistry", "mcr.microsoft.com", topology.ProtocolTCP, 443, cite004Rec),
		c.step("the compute pulls Microsoft's image layers through AzureFrontDoor.FirstParty", "AzureFrontDoor.FirstParty", c.region+".data.mcr.microsoft.com", topology.ProtocolTCP, 443, cite004Rec))
}

func trainingJob(c *intentCtx) ([]Step, error) {
	if err := needCompute(c, "training-job", managedTypes...); err != nil {
		return nil, err
	}
	ml := c.ml
	var s []Step
	if ml.Storage != nil {
		s = append(s, c.clientStep(Step{Name: "the client uploads training scripts and data to the default storage", To: c.fqdn(ml.Storage, "blob", 0), Protocol: topology.ProtocolTCP, Port: 443, Cite: cite001Job}))
	}
	s = append(s, c.clientStep(Step{Name: "the client submits the job to the workspace", To: ml.Workspace.Name, Protocol: topology.ProtocolTCP, Port: 443, Cite: cite001Job}))
	for _, m := range c.inboundManagement("Azure Machine Learning hands the job to the compute") {
		m.Cite = cite001Job + "; " + m.Cite
		s = append(s, m)
	}
	if ml.KeyVault != nil {
		s = append(s, c.step("the compute reads the key vault", c.fqdn(ml.KeyVault, "vault", 0), "", topology.ProtocolTCP, 443, cite001Job))
	}
	s = append(s, c.imagePulls(cite001Job)...)
	if ml.Storage != nil {
		s = append(s,
			c.step("the compute reads and writes the default storage (blob)", c.fqdn(ml.Storage, "blob", 0), "", topology.ProtocolTCP, 443, cite001Job),
			c.step("the compute mounts the default storage's file share (SMB)", c.fqdn(ml.Storage, "file", 0), "", topology.ProtocolTCP, 445, cite000Limits))
	}
	s = append(s,
		c.step("the compute calls the workspace", ml.Workspace.Name, "", topology.ProtocolTCP, 443, cite001Job),
		c.step("the compute signs in with Microsoft Entra ID", "AzureActiveDirectory", "login.microsoftonline.com", topology.ProtocolTCP, 443, cite000Req),
		c.step("the compute calls Azure Resource Manager", "AzureResourceManager", "management.azure.com", topology.ProtocolTCP, 443, cite000Req))
	return s, nil
}

func batchManagement(c *intentCtx) ([]Step, error) {
	if err := needCompute(c, "batch-management", managedTypes...); err != nil {
		return nil, err
	}
	aml := c.tagIn("AzureMachineLearning")
	s := []Step{
		c.step("the compute talks to Azure Machine Learning (TCP 443)", "AzureMachineLearning", c.region+".api.azureml.ms", topology.ProtocolTCP, 443, cite004Basic),
		c.step("compute instance create, update and delete (UDP 5831)", aml, c.region+".tundra.azureml.ms", topology.ProtocolUDP, 5831, cite000NoPIP),
		c.step("the compute talks to Azure Batch (BatchNodeManagement, TCP 443)", c.tagIn("BatchNodeManagement"), "batch."+c.region+".service.batch.azure.com", topology.ProtocolTCP, 443, cite000NoPIP),
		c.step("the compute reaches Azure Batch's storage (TCP 443)", c.tagIn("Storage"), "mlbatch"+c.region+".blob.core.windows.net", topology.ProtocolTCP, 443, citeDecision5),
	}
	// TCP 8787 (RStudio) and 18881 (IntelliSense) serve a compute
	// instance's applications, not its management: the rstudio and
	// intellisense intents check them.
	if c.compute.NodeCommunication != "Classic" {
		s[3].Skip = "in Simplified node communication only BatchNodeManagement is needed; Classic mode also needs Storage.<region> (reference, decision 5)"
	}
	return append(s, c.inboundManagement("Azure Machine Learning manages the compute")...), nil
}

// workspaceVNets returns the VNets that hold the workspace's private endpoints.
func (c *intentCtx) workspaceVNets() []*topology.VNet {
	var out []*topology.VNet
	for _, pe := range c.ml.Workspace.PrivateEndpoints {
		out = append(out, pe.NIC.VNet())
	}
	return out
}

func jupyterWebSocket(c *intentCtx) ([]Step, error) {
	if err := needCompute(c, "jupyter-websocket", "ComputeInstance"); err != nil {
		return nil, err
	}
	ws := c.ml.Workspace
	cp := c.compute
	place := Step{Name: "the compute instance is in the workspace's VNet and region", From: cp.Name, To: ws.Name, Cite: cite001Limits}
	place.check = func() (string, string, string) {
		v := cp.NIC.VNet()
		if !strings.EqualFold(cp.Region, ws.Region) {
			return ReasonPlacement, fmt.Sprintf("compute instance %s is in %s, the workspace %s in %s", cp.Name, cp.Region, ws.Name, ws.Region),
				"create the compute instance in the workspace's region; only compute clusters may be in another region (" + cite000Peering + ")"
		}
		wv := c.workspaceVNets()
		for _, x := range wv {
			if x == v {
				return "", "", ""
			}
		}
		if len(wv) == 0 {
			return "", "", ""
		}
		return ReasonPlacement, fmt.Sprintf("compute instance %s is in VNet %s, but the workspace's private endpoint is in %s", cp.Name, v.Name, wv[0].Name),
			"create the compute instance in the VNet of the workspace's private endpoint (" + cite000Peering + ")"
	}
	s := []Step{place}
	ci := strings.ToLower(cp.Name)
	wsPE := map[string]bool{}
	for _, pe := range ws.PrivateEndpoints {
		wsPE[pe.NIC.IP.String()] = true
	}
	mustBePE := func(res *Result) (string, string) {
		if len(wsPE) == 0 || res.Verdict != Allowed {
			return "", ""
		}
		addr := res.To
		if i := strings.LastIndex(addr, "("); i >= 0 {
			addr = strings.TrimSuffix(addr[i+1:], ")")
		}
		if wsPE[addr] {
			return "", ""
		}
		return fmt.Sprintf("the name resolves to %s, not to the workspace's private endpoint", addr),
			"resolve the compute instance names to the workspace private endpoint: link privatelink.api.azureml.ms to the client's VNet, or add the records to the client's DNS (reference, decision 4)"
	}
	for _, host := range []string{ci + "." + c.region + ".instances.azureml.ms", ci + "." + c.region + ".instances.ml.azure.ms", ci + "." + c.region + ".instances.azureml.net"} {
		st := c.clientStep(Step{Name: "Jupyter WebSocket to " + host, To: host, Protocol: topology.ProtocolTCP, Port: 443, Cite: cite000Prereq})
		st.after = mustBePE
		s = append(s, st)
	}
	s = append(s, c.clientStep(Step{Name: "the client reaches the workspace's notebooks name", To: c.fqdn(ws, "amlworkspace", 2), Protocol: topology.ProtocolTCP, Port: 443, Cite: cite000Peering}))
	return s, nil
}

func studioFromVNet(c *intentCtx) ([]Step, error) {
	s := []Step{
		c.clientStep(Step{Name: "the client loads studio through AzureFrontDoor.Frontend", To: "AzureFrontDoor.Frontend", Host: "ml.azure.com", Protocol: topology.ProtocolTCP, Port: 443, Cite: cite002Studio}),
		c.clientStep(Step{Name: "the client calls the workspace", To: c.ml.Workspace.Name, Protocol: topology.ProtocolTCP, Port: 443, Cite: cite002Studio}),
	}
	if st := c.ml.Storage; st != nil {
		s = append(s, c.clientStep(Step{Name: "the client previews data in the default storage", To: c.fqdn(st, "blob", 0), Protocol: topology.ProtocolTCP, Port: 443, Cite: cite002Studio}))
	}
	return s, nil
}

func imageBuild(c *intentCtx) ([]Step, error) {
	acr := c.ml.Registry
	if acr == nil {
		return nil, fmt.Errorf("intent image-build needs machineLearning.containerRegistry")
	}
	if c.compute == nil && c.ml.ImageBuildCompute != nil {
		c.compute = c.ml.ImageBuildCompute
		c.region = c.compute.Region
	}
	if err := needCompute(c, "image-build", "AmlCompute"); err != nil {
		return nil, err
	}
	cfg := Step{Name: "Azure Machine Learning can build images for a registry behind the VNet", From: "AzureMachineLearning", To: acr.Name, Cite: cite002ACR}
	cfg.check = func() (string, string, string) {
		why, behind := RegistryBehindVNet(acr)
		if !behind || c.ml.ImageBuildCompute != nil {
			return "", "", ""
		}
		return ReasonImageBuild, fmt.Sprintf("registry %s is behind the VNet (%s) and the workspace has no image build compute, so Azure Machine Learning can't build images", acr.Name, why),
			"set machineLearning.imageBuildCompute to a compute cluster in the VNet"
	}
	s := []Step{cfg}
	s = append(s, c.imagePulls(cite002ACR)...)
	s[1].Name = "the build compute pushes and pulls images in the workspace's registry"
	if st := c.ml.Storage; st != nil {
		s = append(s, c.step("the build compute reads the build context from the default storage", c.fqdn(st, "blob", 0), "", topology.ProtocolTCP, 443, cite002ACR))
	}
	return s, nil
}

func packageInstall(c *intentCtx) ([]Step, error) {
	if err := needCompute(c, "package-install", managedTypes...); err != nil {
		return nil, err
	}
	var s []Step
	for _, h := range []string{"pypi.org", "files.pythonhosted.org", "conda.anaconda.org", "repo.anaconda.com", "download.pytorch.org", "www.tensorflow.org"} {
		s = append(s, c.step("the compute downloads packages from "+h, h, "", topology.ProtocolTCP, 443, cite004Rec))
	}
	return s, nil
}

func (c *intentCtx) ciPort(name string, port uint16, cite string) ([]Step, error) {
	if err := needCompute(c, name, "ComputeInstance"); err != nil {
		return nil, err
	}
	host := strings.ToLower(c.compute.Name) + "." + c.region + ".instances.azureml.ms"
	return []Step{
		c.step(fmt.Sprintf("the compute instance reaches Azure Machine Learning on TCP %d", port), c.tagIn("AzureMachineLearning"), "", topology.ProtocolTCP, port, cite),
		c.clientStep(Step{Name: fmt.Sprintf("the client reaches %s on TCP %d", host, port), To: host, Protocol: topology.ProtocolTCP, Port: port, Cite: cite}),
	}, nil
}

func rstudio(c *intentCtx) ([]Step, error) { return c.ciPort("rstudio", 8787, cite004Terms) }

func intellisense(c *intentCtx) ([]Step, error) { return c.ciPort("intellisense", 18881, cite004Terms) }

func vscode(c *intentCtx) ([]Step, error) {
	if err := needCompute(c, "vscode", "ComputeInstance"); err != nil {
		return nil, err
	}
	// The client reaches the instance by its instances FQDN, which resolves to
	// the workspace's private endpoint (decision 4), as Jupyter does.
	host := strings.ToLower(c.compute.Name) + "." + c.region + ".instances.azureml.ms"
	s := []Step{c.clientStep(Step{Name: "the client reaches the VS Code server on " + host + " (first port of 8704-8710)", To: host, Protocol: topology.ProtocolTCP, Port: 8704, Cite: cite004VSCode})}
	for _, h := range []string{"update.code.visualstudio.com", "marketplace.visualstudio.com", "vscode.download.prss.microsoft.com"} {
		s = append(s, c.step("the compute instance downloads VS Code server bits from "+h, h, "", topology.ProtocolTCP, 443, cite004VSCode))
	}
	return s, nil
}

func sshAttach(c *intentCtx) ([]Step, error) {
	if err := needCompute(c, "ssh-attach", "VirtualMachine", "HDInsight"); err != nil {
		return nil, err
	}
	return []Step{{Name: "Azure Machine Learning connects to the attached machine over SSH (TCP 22)", From: c.tagIn("AzureMachineLearning"), To: c.compute.Name, Protocol: topology.ProtocolTCP, Port: 22, Cite: cite000VM}}, nil
}
