package sim

import (
	"fmt"
	"io"

	"github.com/vnetsim/vnetsim/scenarios"
)

// genFormat writes a generated estate in the given format.
func genFormat(w io.Writer, o scenarios.GenOptions, format string) error {
	switch format {
	case "yaml":
		return scenarios.Generate(w, o)
	case "json":
		return scenarios.GenerateJSON(w, o)
	}
	return fmt.Errorf("format %q: want yaml or json", format)
}
