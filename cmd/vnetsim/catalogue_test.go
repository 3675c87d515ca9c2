package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInputCatalogue runs every case of the bad-input catalogue
// (testdata/bad at the repository root, one file per case): a scenario
// under scenario/ is checked, a patch under patch/ is applied to base.yaml
// with diff --patch. Each must exit with code 3, print only lines of the
// form file:line: key: message (never a Go panic), and print first the
// line its `# want:` comment holds, with FILE standing for its path and BASE
// for base.yaml's.
func TestBadInputCatalogue(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "bad")
	base := filepath.Join(root, "base.yaml")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"check", base}, &stdout, &stderr); code != 0 {
		t.Fatalf("the catalogue's base scenario must be valid and pass: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	n := 0
	for _, kind := range []string{"scenario", "patch"} {
		files, err := filepath.Glob(filepath.Join(root, kind, "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			n++
			f, kind := f, kind
			t.Run(kind+"/"+strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
				// Not parallel: run sets package state (main.go).
				want := wantLine(t, f)
				args := []string{"check", f}
				if kind == "patch" {
					args = []string{"diff", base, "--patch", f}
				}
				var stdout, stderr bytes.Buffer
				code := run(args, &stdout, &stderr)
				if code != 3 {
					t.Errorf("exit code %d, want 3\nstderr:\n%s", code, stderr.String())
				}
				lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
				// Paths in the line are written relative to the case.
				got := strings.NewReplacer(f, "FILE", base, "BASE", filepath.Dir(f)+string(filepath.Separator), "").Replace(lines[0])
				if got != want {
					t.Errorf("first line\n got: %s\nwant: %s", got, want)
				}
				for _, l := range lines {
					if strings.Contains(l, "goroutine ") || strings.HasPrefix(l, "panic") || !strings.Contains(l, ": ") {
						t.Errorf("not a located error line: %q", l)
					}
				}
			})
		}
	}
	if n < 150 {
		t.Errorf("the catalogue has %d cases, want at least 150", n)
	}
}

func wantLine(t *testing.T, path string) string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), "# want: ") {
		t.Fatalf("%s: the first line must be `# want: <first error line>`", path)
	}
	return strings.TrimPrefix(sc.Text(), "# want: ")
}
