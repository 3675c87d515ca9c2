package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The Key Vault zone mistake of the public end-to-end secure template
// (privatelink.vault.azure.net for a vault) is found when lint reads the
// template itself, and the finding names the template's resource; when the
// imported scenario is written to a file first, the finding has that
// file's line and still names where the object came from.
func TestLintPointsAtTheImportedResource(t *testing.T) {
	tmpl := filepath.Join("..", "..", "importer", "testdata", "corpus", "arm-ml-end-to-end-secure", "azuredeploy.json")
	const resource = "/providers/Microsoft.Network/privateEndpoints/ple-gen-unique-6-5y3d-kv"

	var out, errb bytes.Buffer
	if code := run([]string{"lint", tmpl, "-o", "json"}, &out, &errb); code != exitFailed {
		t.Fatalf("lint of the template exited %d, want %d\n%s", code, exitFailed, errb.String())
	}
	var rep struct {
		Findings []struct {
			Code, File, Origin string
			Line               int
		}
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range rep.Findings {
		if f.Code != "private-endpoint-zone-not-documented" {
			continue
		}
		found = true
		if !strings.HasPrefix(f.Origin, tmpl+": ") || !strings.HasSuffix(f.Origin, resource) {
			t.Errorf("origin %q does not name the template's private endpoint", f.Origin)
		}
		if f.File != tmpl || f.Line != 0 {
			t.Errorf("finding at %s:%d; the template has no line for a generated object", f.File, f.Line)
		}
	}
	if !found {
		t.Fatalf("no private-endpoint-zone-not-documented finding:\n%s", out.String())
	}

	// Imported to a file first: that file's line, and the origin.
	dir := t.TempDir()
	yamlFile := filepath.Join(dir, "imported.yaml")
	out.Reset()
	errb.Reset()
	if code := run([]string{"import", tmpl, "-o", yamlFile}, &out, &errb); code != exitOK {
		t.Fatalf("import exited %d\n%s", code, errb.String())
	}
	out.Reset()
	if code := run([]string{"lint", yamlFile}, &out, &errb); code != exitFailed {
		t.Fatalf("lint of the imported file exited %d\n%s", code, errb.String())
	}
	text := out.String()
	data, _ := os.ReadFile(yamlFile)
	line := 0
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, "privateDnsZoneGroup: [privatelink.vault.azure.net]") {
			line = i + 1
		}
	}
	if want := yamlFile + ":" + itoa(line) + ": error: private-endpoint-zone-not-documented: "; line == 0 || !strings.Contains(text, want) {
		t.Errorf("lint output lacks %q:\n%s", want, text)
	}
	if !strings.Contains(text, "\n    from: "+tmpl+": ") || !strings.Contains(text, resource+"\n") {
		t.Errorf("lint output does not name the template's resource:\n%s", text)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
