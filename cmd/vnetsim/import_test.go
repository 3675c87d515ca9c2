package main

import (
	"bytes"
	"strings"
	"testing"
)

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

// A Terraform plan that deletes the NSG rule letting the app reach SQL and
// updates the NSG to open HTTPS: diff names both flows and exits 1; the
// suite passes on the state and fails on the plan (check --plan exits 1).
func TestPlanDiffAndCheck(t *testing.T) {
	code, out, errOut := runCmd(t, "diff", "testdata/plan/plan.json")
	if code != exitFailed {
		t.Fatalf("diff plan.json: exit %d, want 1\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"- denied       vnet-app/snet-app", "snet-db: Tcp 1433", "+ allowed      vnet-app/snet-app", "snet-db: Tcp 443", "2 changes"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff plan.json: no %q in\n%s", want, out)
		}
	}
	code, out, errOut = runCmd(t, "diff", "testdata/plan/plan.json", "-o", "json")
	if code != exitFailed || !strings.Contains(out, `"1433"`) && !strings.Contains(out, "1433") {
		t.Errorf("diff -o json: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut = runCmd(t, "check", "testdata/plan/suite.yaml"); code != exitOK {
		t.Errorf("check on the state: exit %d, want 0\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCmd(t, "check", "testdata/plan/suite.yaml", "--plan", "testdata/plan/plan.json")
	if code != exitFailed {
		t.Errorf("check --plan: exit %d, want 1\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "FAIL  testdata/plan/suite.yaml:8  the app reaches SQL on the database: expected allowed, got denied (nsg-denied)") {
		t.Errorf("check --plan does not name the broken flow:\n%s", out)
	}
	// a scenario, not a plan: diff with one file is a mistake in the input
	if code, _, errOut = runCmd(t, "diff", "testdata/plan/state.json"); code != exitInvalid {
		t.Errorf("diff state.json: exit %d, want 3\n%s", code, errOut)
	}
}

// The acceptance line: import the end-to-end secure template with
// its parameters file and validate the result from standard input.
func TestImportTemplateThenValidate(t *testing.T) {
	const dir = "../../importer/testdata/corpus/arm-ml-end-to-end-secure/"
	code, out, errOut := runCmd(t, "import", dir+"azuredeploy.json", "--parameters", dir+"azuredeploy.parameters.json")
	if code != exitOK {
		t.Fatalf("import: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "vnetsim import: ") || !strings.Contains(errOut, "not imported") {
		t.Errorf("import lists nothing it skipped:\n%s", errOut)
	}
	if strings.Contains(errOut, ": expression ") {
		t.Errorf("an expression was left unevaluated:\n%s", errOut)
	}
	var vo, ve bytes.Buffer
	code = runIO([]string{"validate", "-"}, strings.NewReader(out), &vo, &ve)
	vout, verr := vo.String(), ve.String()
	if code != exitOK || !strings.Contains(vout, "ok (1 VNets, 3 subnets") {
		t.Errorf("validate -: exit %d\n%s%s", code, vout, verr)
	}
	// --strict turns the skipped list into exit 3
	if code, _, _ = runCmd(t, "import", "--strict", dir+"azuredeploy.json", "--parameters", dir+"azuredeploy.parameters.json"); code != exitInvalid {
		t.Errorf("import --strict: exit %d, want 3", code)
	}
	if code, _, errOut = runCmd(t, "import", "testdata/plan/nothing.json"); code != exitInvalid || strings.Contains(errOut, "goroutine") {
		t.Errorf("import of a missing file: exit %d\n%s", code, errOut)
	}
}

// The suite written from Microsoft's documents for the quickstart
// machine-learning-end-to-end-secure holds against the imported network
// (its import key names the template; the parameters file beside it is read).
func TestEndToEndSecureSuite(t *testing.T) {
	code, out, errOut := runCmd(t, "check", "../../importer/testdata/e2e-suite.yaml")
	if code != exitOK {
		t.Errorf("check: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "5 passed, 0 failed") {
		t.Errorf("check:\n%s", out)
	}
}
