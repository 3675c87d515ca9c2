package arm

import "fmt"

// Problem is something in an input that was not imported, or could not be
// imported as written: a resource type or property the importer does not
// model, an expression it could not evaluate, a value unknown at plan time,
// a reference that contradicts another. Nothing is dropped without one.
type Problem struct {
	Kind    string // resource, property, expression, unknown, reference, conflict, note
	Subject string // a resource ID or Terraform address
	File    string
	Path    string // JSON path in File
	Msg     string
}

func (p Problem) String() string {
	s := p.File
	if p.Path != "" {
		s += ": " + p.Path
	}
	return fmt.Sprintf("%s: %s %s: %s", s, p.Kind, p.Subject, p.Msg)
}
