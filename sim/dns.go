package sim

import "fmt"

// resolveName resolves a destination name in the source's DNS view. Until
// dnsmock is wired in, a name can't be traced faithfully.
func (tr *tracer) resolveName(src, dst *Endpoint) error {
	return fmt.Errorf("Trace: %q is a name; name resolution is not available in this build", dst.Text)
}
