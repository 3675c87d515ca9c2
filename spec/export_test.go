package spec

// SetJSONFast turns the JSON fast path on or off and returns a function
// that restores it.
func SetJSONFast(on bool) func() {
	old := jsonFast
	jsonFast = on
	return func() { jsonFast = old }
}

// JSONFastOK reports whether data decodes through the JSON fast path.
func JSONFastOK(data []byte) bool {
	sc, ok := decodeJSON(data)
	return ok && sc.APIVersion == APIVersion
}
