package spec

import (
	"errors"
	"os"

	"go.yaml.in/yaml/v3"
)

// APIVersion is the scenario format this package reads.
const APIVersion = "vnetsim/v1"

// Document is one decoded scenario file (or a variant or patch of one): the
// Scenario value and the file's key positions, for messages.
type Document struct {
	// File names the scenario in results: the path, catalog:NAME,
	// file#variant or file+patch.
	File string
	// ErrFile, when set, names the scenario in messages about it instead of
	// File: "file (variant v)" or "file patched by p".
	ErrFile string
	// Scenario is the decoded file.
	Scenario *Scenario

	pos  *positions
	tree func() *yaml.Node // the document's top mapping, parsed on demand
}

// MessageFile returns the name that messages about d's content give.
func (d *Document) MessageFile() string {
	if d.ErrFile != "" {
		return d.ErrFile
	}
	return d.File
}

// Line returns the line a key path (vnets[0].subnets[1].addressPrefix) is
// written on, or that of its closest written ancestor, or 0.
func (d *Document) Line(path string) int {
	if d.pos == nil {
		return 0
	}
	return d.pos.lookup(path)
}

// Origins returns, for a line of the scenario, where the object written
// there came from when an importer wrote it ("FILE: resource ID"), or "".
// Like Lines, it keeps nothing of d but its positions.
func (d *Document) Origins() func(line int) string {
	pos := d.pos
	return func(line int) string {
		if pos == nil {
			return ""
		}
		return pos.originAt(line)
	}
}

// Lines returns Line without the rest of d, for a compiled network that
// names lines in messages but must not keep the decoded scenario.
func (d *Document) Lines() func(path string) int {
	pos := d.pos
	return func(path string) int {
		if pos == nil {
			return 0
		}
		return pos.lookup(path)
	}
}

func (d *Document) root() *yaml.Node { return d.tree() }

// Load reads and decodes one scenario file strictly. Any problem in the file
// is returned as an ErrorList.
func Load(path string) (*Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, ErrorList{{File: path, Msg: readErrMsg(err)}}
	}
	return Parse(path, data)
}

func readErrMsg(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Parse is Load for a file already in memory; name is used in messages.
func Parse(name string, data []byte) (*Document, error) {
	sc, pos, root, errs := decode(name, data)
	if len(errs) > 0 {
		return nil, errs
	}
	return &Document{File: name, Scenario: sc, pos: pos, tree: root}, nil
}
