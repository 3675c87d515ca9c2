package importer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vnetsim/vnetsim/importer/arm"
	"github.com/vnetsim/vnetsim/importer/armexpr"
)

// readTemplate evaluates an ARM template with its parameters file.
func readTemplate(file string, v any, opts Options) (*input, error) {
	tpl, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("an ARM template is a JSON object")
	}
	params := map[string]any{}
	note := ""
	if opts.Parameters == "" {
		// azuredeploy.json beside azuredeploy.parameters.json, as the
		// quickstarts ship them
		sib := strings.TrimSuffix(file, filepath.Ext(file)) + ".parameters" + filepath.Ext(file)
		if _, err := os.Stat(sib); err == nil {
			opts.Parameters = sib
			note = "parameters read from " + sib + ", found beside the template"
		}
	}
	if opts.Parameters != "" {
		data, err := os.ReadFile(opts.Parameters)
		if err != nil {
			return nil, &InputError{File: opts.Parameters, Msg: readErr(err)}
		}
		pv, err := arm.Decode(data)
		if err != nil {
			return nil, &InputError{File: opts.Parameters, Msg: "not JSON: " + err.Error()}
		}
		pm, _ := pv.(map[string]any)
		if p, ok := pm["parameters"].(map[string]any); ok {
			params = p
		} else if pm != nil {
			params = pm
		}
	}
	rs, probs := armexpr.Expand(file, tpl, params)
	in := &input{}
	for _, p := range probs {
		in.probs = append(in.probs, arm.Problem{Kind: "expression", Subject: quoteExpr(p.Expr), File: file, Path: p.Path, Msg: p.Msg})
	}
	for _, r := range rs {
		res, err := arm.NewResource(file, arm.NewNode(r.Path, r.Object))
		if err != nil {
			in.probs = append(in.probs, arm.Problem{Kind: "resource", Subject: "(template)", File: file, Path: r.Path, Msg: err.Error()})
			continue
		}
		in.after = append(in.after, res)
	}
	if note != "" {
		in.probs = append(in.probs, arm.Problem{Kind: "note", Subject: "template", File: file, Msg: note})
	}
	in.probs = append(in.probs, arm.Problem{Kind: "note", Subject: "template", File: file, Msg: fmt.Sprintf("IDs are in stand-in subscription %s and resource group %s; resourceGroup().location is %s unless a parameter says otherwise; uniqueString() and guid() are deterministic stand-ins", armexpr.Subscription, armexpr.ResourceGroup, armexpr.Location)})
	return in, nil
}

func quoteExpr(e string) string {
	if e == "" {
		return "(template)"
	}
	return e
}
