package spec

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// bigScenario writes a scenario large enough to be decoded in pieces.
func bigScenario(n int) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: vnetsim/v1\n# a comment\nregion: eastus\nvnets:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - name: v%d\n    addressSpace: [10.%d.%d.0/24]\n    subnets:\n      - {name: s, addressPrefix: 10.%d.%d.0/26, networkSecurityGroup: n%d}\n", i, i/256, i%256, i/256, i%256, i)
	}
	b.WriteString("networkSecurityGroups:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "- name: n%d\n  securityRules:\n", i)
		for r := 0; r < 3; r++ {
			fmt.Fprintf(&b, "    - {name: r%d, priority: %d, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: \"*\", sourcePortRange: \"*\", destinationAddressPrefix: \"*\", destinationPortRange: \"%d\"}\n", r, 100+r, 1000+r)
		}
	}
	b.WriteString("expectations:\n  - {name: e, from: v0/s, to: v1/s, protocol: Tcp, port: 1000, expect: allowed}\n")
	return []byte(b.String())
}

// TestDecodeChunked: pieces decode to exactly what one decoding gives, and
// anything the pieces can't handle goes the ordinary way.
func TestDecodeChunked(t *testing.T) {
	defer func(n, b int) { chunkMin, chunkBytes = n, b }(chunkMin, chunkBytes)
	chunkMin, chunkBytes = 64<<10, 16<<10
	data := bigScenario(2500)
	if len(data) < chunkMin {
		t.Fatalf("test scenario too small: %d bytes", len(data))
	}
	pieces, _ := splitPieces(data)
	for _, p := range pieces {
		if len(p.text) > chunkBytes+4<<10 && p.index >= 0 {
			t.Errorf("a piece of %s holds %d bytes, want about %d", p.key, len(p.text), chunkBytes)
		}
	}
	if len(pieces) < 8 {
		t.Errorf("%d pieces, want a file cut by bytes", len(pieces))
	}
	got, ok := decodeChunked(data)
	if !ok {
		t.Fatal("decodeChunked refused a plain file")
	}
	var want Scenario
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&want); err != nil && err != io.EOF {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, want) {
		t.Fatal("decodeChunked differs from one decoding")
	}
	if got.Expectations[0].line != want.Expectations[0].line || want.Expectations[0].line == 0 {
		t.Errorf("expectation line %d, want %d", got.Expectations[0].line, want.Expectations[0].line)
	}
	for name, bad := range map[string][]byte{
		"an anchor":         append(append([]byte{}, data...), []byte("services: [&x {name: a, type: Microsoft.Storage/storageAccounts}]\n")...),
		"a key twice":       append(append([]byte{}, data...), []byte("region: westus\n")...),
		"an unknown key":    bytes.Replace(data, []byte("destinationPortRange: \"1000\""), []byte("destPort: \"1000\""), 1),
		"a second document": append(append([]byte{}, data...), []byte("---\napiVersion: vnetsim/v1\n")...),
		"a list first":      append([]byte("- stray\n"), data...),
	} {
		if _, ok := decodeChunked(bad); ok {
			t.Errorf("%s: decodeChunked should leave it to the ordinary decoding", name)
		}
	}
	// Through Parse, the unknown key is reported with its line and key.
	_, err := Parse("big.yaml", bytes.Replace(data, []byte("destinationPortRange: \"1000\""), []byte("destPort: \"1000\""), 1))
	if err == nil || !strings.Contains(err.Error(), `networkSecurityGroups[0].securityRules[0].destPort: unknown key "destPort"`) {
		t.Errorf("unknown key in a large file: %v", err)
	}
}
