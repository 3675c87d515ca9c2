package topology

import (
	"path/filepath"
	"sort"

	"github.com/vnetsim/vnetsim/spec"
)

// Options changes how a scenario is compiled.
type Options struct {
	// ServiceTagsFile, when set, replaces both the embedded service tags and the
	// scenario's own serviceTags key (the --service-tags flag).
	ServiceTagsFile string
}

// Error and ErrorList are the located problems of a scenario file; both the
// decoder (package spec) and the compiler report them.
type (
	Error     = spec.Error
	ErrorList = spec.ErrorList
)

// OneLine escapes control characters so that a message that quotes names
// from a file or the command line prints as exactly one line.
func OneLine(s string) string { return spec.OneLine(s) }

// Load reads, decodes, validates and compiles one scenario file.
// Any problem in the file is returned as an ErrorList.
func Load(path string, opts Options) (*Topology, error) {
	d, err := spec.Load(path)
	if err != nil {
		return nil, err
	}
	return Compile(d, opts)
}

// Parse is Load for a file already in memory; name is used in messages and to
// resolve a relative serviceTags path.
func Parse(name string, data []byte, opts Options) (*Topology, error) {
	d, err := spec.Parse(name, data)
	if err != nil {
		return nil, err
	}
	return Compile(d, opts)
}

// VariantSep joins a scenario and a variant name: file.yaml#variant.
const VariantSep = spec.VariantSep

// Source is a decoded scenario file, ready to be compiled as it is, as one
// of its variants, or with a patch merged in.
type Source struct {
	doc  *spec.Document
	opts Options
}

// Open decodes a scenario file already in memory; name is used in messages.
func Open(name string, data []byte, opts Options) (*Source, error) {
	d, err := spec.Parse(name, data)
	if err != nil {
		return nil, err
	}
	return &Source{doc: d, opts: opts}, nil
}

// OpenFile reads and decodes a scenario file.
func OpenFile(path string, opts Options) (*Source, error) {
	d, err := spec.Load(path)
	if err != nil {
		return nil, err
	}
	return &Source{doc: d, opts: opts}, nil
}

// NewSource wraps a decoded Document (an importer's) for compiling.
func NewSource(d *spec.Document, opts Options) *Source { return &Source{doc: d, opts: opts} }

// Compile compiles the scenario itself.
func (s *Source) Compile() (*Topology, error) { return Compile(s.doc, s.opts) }

// VariantNames lists the scenario's variants in file order.
func (s *Source) VariantNames() []string { return s.doc.VariantNames() }

// Variant compiles the scenario with the named variant's patch merged in and
// the variant's expectations instead of the scenario's.
func (s *Source) Variant(name string) (*Topology, error) {
	d, err := s.doc.Variant(name)
	if err != nil {
		return nil, err
	}
	return Compile(d, s.opts)
}

// Patched compiles the scenario with a patch file merged in, the way
// variants merge theirs (diff --patch).
func (s *Source) Patched(patchFile string, data []byte) (*Topology, error) {
	d, err := s.doc.Patched(patchFile, data)
	if err != nil {
		return nil, err
	}
	return Compile(d, s.opts)
}

// Compile validates a decoded scenario and compiles it into a read-only
// network. It is the one place that reads the scenario format's values; any
// problem is returned as an ErrorList naming d's file, line and key.
func Compile(d *spec.Document, opts Options) (*Topology, error) {
	c := &compiler{file: d.File, doc: d, sc: d.Scenario}
	if err := c.loadServiceTags(opts); err != nil {
		return nil, ErrorList{err}
	}
	t := c.compile()
	if len(c.errs) > 0 {
		if d.ErrFile != "" {
			for _, e := range c.errs {
				e.File = d.ErrFile
			}
		}
		sort.SliceStable(c.errs, func(i, j int) bool { return c.errs[i].Line < c.errs[j].Line })
		return nil, c.errs
	}
	return t, nil
}

func (c *compiler) loadServiceTags(opts Options) *Error {
	var err error
	switch {
	case opts.ServiceTagsFile != "":
		c.tags, err = LoadServiceTags(opts.ServiceTagsFile)
	case c.sc.ServiceTags == "" || c.sc.ServiceTags == "builtin":
		c.tags, err = BuiltinServiceTags()
	default:
		p := c.sc.ServiceTags
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(c.doc.File), p)
		}
		c.tags, err = LoadServiceTags(p)
		if err != nil {
			return c.errAt("serviceTags", "%v", err)
		}
	}
	if err != nil {
		return &Error{File: c.file, Msg: err.Error()}
	}
	return nil
}

// JSONSchema returns the JSON Schema (draft 2020-12) of the scenario
// format, generated from package spec's types (vnetsim schema prints it).
func JSONSchema() ([]byte, error) { return spec.JSONSchema() }
