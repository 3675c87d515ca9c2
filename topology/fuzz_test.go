package topology

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fuzz targets load hostile input the way the CLI does: decoding,
// variants and compiling a scenario (FuzzLoad), and merging a patch into a
// valid scenario (FuzzPatch). Whatever the input, loading must not panic,
// and every problem must be a located error that prints as one line.
// `go test` runs them on their seeds (the catalog, the bad-input
// catalogue and testdata/fuzz); `go test -fuzz FuzzLoad ./topology` runs
// them for real.

func addSeeds(f *testing.F, globs ...string) {
	for _, g := range globs {
		files, err := filepath.Glob(g)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

func checkLoadError(t *testing.T, err error) {
	if err == nil {
		return
	}
	var el ErrorList
	var e *Error
	switch {
	case errors.As(err, &el):
		if len(el) == 0 {
			t.Fatal("an empty ErrorList")
		}
		for _, e := range el {
			if strings.ContainsAny(e.Error(), "\n\r") {
				t.Fatalf("an error prints on more than one line: %q", e.Error())
			}
		}
	case errors.As(err, &e):
		if strings.ContainsAny(e.Error(), "\n\r") {
			t.Fatalf("an error prints on more than one line: %q", e.Error())
		}
	default:
		// Variant lookups by name return plain errors; loading doesn't.
		t.Fatalf("not a located error: %T %v", err, err)
	}
}

func FuzzLoad(f *testing.F) {
	addSeeds(f, "../scenarios/*.yaml", "../testdata/bad/scenario/*.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := Open("fuzz.yaml", data, Options{})
		checkLoadError(t, err)
		if err != nil {
			return
		}
		_, err = src.Compile()
		checkLoadError(t, err)
		for _, v := range src.VariantNames() {
			_, err := src.Variant(v)
			checkLoadError(t, err)
		}
	})
}

func FuzzPatch(f *testing.F) {
	addSeeds(f, "../testdata/bad/patch/*.yaml")
	base, err := os.ReadFile("../testdata/bad/base.yaml")
	if err != nil {
		f.Fatal(err)
	}
	src, err := Open("base.yaml", base, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := src.Patched("patch.yaml", data)
		checkLoadError(t, err)
	})
}
