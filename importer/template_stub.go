package importer

import "fmt"

func readTemplate(file string, v any, opts Options) (*input, error) {
	return nil, fmt.Errorf("ARM templates: not yet")
}
