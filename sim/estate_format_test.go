package sim

import (
	"fmt"
	"io"

	"github.com/vnetsim/vnetsim/scenarios"
)

// genFormat writes a generated estate in the given format.
func genFormat(w io.Writer, o scenarios.GenOptions, format string) error {
	if format != "yaml" {
		return fmt.Errorf("format %q is not written yet", format)
	}
	return scenarios.Generate(w, o)
}
