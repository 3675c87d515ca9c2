// Package spec owns the scenario file format v1 exactly as it is written on
// disk: the YAML types, strict decoding (an unknown key, a wrong type or a
// second document is an error), errors located as file:line: key: message,
// decoding of large files in pieces, and variants and patches, which return a
// merged Document.
//
// A Document is what importers produce and what topology.Compile reads. This
// package never compiles a network, resolves a name or validates a value
// beyond its YAML type: what a value means to Azure is topology's to decide.
package spec
