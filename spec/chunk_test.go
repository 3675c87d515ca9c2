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
	got, _, errs, ok := decodeChunked("big.yaml", data)
	if !ok || errs != nil {
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
		"a second document": append(append([]byte{}, data...), []byte("---\napiVersion: vnetsim/v1\n")...),
		"a list first":      append([]byte("- stray\n"), data...),
	} {
		if _, _, _, ok := decodeChunked("big.yaml", bad); ok {
			t.Errorf("%s: decodeChunked should leave it to the ordinary decoding", name)
		}
	}
	// Through Parse, the unknown key is reported with its line and key.
	_, err := Parse("big.yaml", bytes.Replace(data, []byte("destinationPortRange: \"1000\""), []byte("destPort: \"1000\""), 1))
	if err == nil || !strings.Contains(err.Error(), `networkSecurityGroups[0].securityRules[0].destPort: unknown key "destPort"`) {
		t.Errorf("unknown key in a large file: %v", err)
	}
}

// TestChunkedErrors: an error in a large file is reported by its piece with
// exactly the line, key and message that decoding the whole file gives.
func TestChunkedErrors(t *testing.T) {
	defer func(n, m int) { chunkMin, chunkBytes = n, m }(chunkMin, chunkBytes)
	chunkBytes = 8 << 10
	data := bigScenario(450) // three pieces of each list
	last := []byte("{name: r2, priority: 102")
	i := bytes.LastIndex(data, last)
	for name, bad := range map[string][]byte{
		"unknown key, first piece": bytes.Replace(data, []byte("destinationPortRange: \"1000\""), []byte("destPort: \"1000\""), 1),
		"unknown key, last piece":  append(append(append([]byte{}, data[:i]...), []byte("{name: r2, bogus: 1, priority: 102")...), data[i+len(last):]...),
		"wrong type, last piece":   append(append(append([]byte{}, data[:i]...), []byte("{name: r2, priority: [102]")...), data[i+len(last):]...),
		"syntax, last piece":       append(append(append([]byte{}, data[:i]...), []byte("{name: [r2, priority: 102")...), data[i+len(last):]...),
		"unknown key, expectation": bytes.Replace(data, []byte("expect: allowed}"), []byte("expect: allowed, x: 1}"), 1),
		"unknown key, vnets 3rd":   bytes.Replace(data, []byte("name: v440\n"), []byte("name: v440\n    foo: 1\n"), 1),
	} {
		chunkMin = 16 << 10
		_, _, cerrs, ok := decodeChunked("big.yaml", bad)
		if !ok || cerrs == nil {
			t.Errorf("%s: pieces found no error", name)
			continue
		}
		chunkMin = 1 << 40
		_, err := Parse("big.yaml", bad)
		if err == nil || cerrs.Error() != err.Error() {
			t.Errorf("%s: pieces say\n%v\nthe whole file says\n%v", name, cerrs, err)
		}
	}
}

// TestChunkedPositions: a large file's key paths are located in the file
// from its pieces, in any piece.
func TestChunkedPositions(t *testing.T) {
	defer func(n, m int) { chunkMin, chunkBytes = n, m }(chunkMin, chunkBytes)
	chunkBytes = 8 << 10
	data := bigScenario(450)
	chunkMin = 16 << 10
	d, err := Parse("big.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.pos.parts) < 4 {
		t.Fatalf("not decoded in pieces: %d parts", len(d.pos.parts))
	}
	chunkMin = 1 << 40
	whole, err := Parse("big.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"apiVersion", "region", "vnets", "vnets[0]", "vnets[199].name", "vnets[200]", "vnets[200].subnets[0].addressPrefix",
		"vnets[449].addressSpace[0]", "networkSecurityGroups", "networkSecurityGroups[400].securityRules[2].priority", "expectations[0].port", "vnets[449].nope"} {
		if got, want := d.Line(path), whole.Line(path); got != want || want == 0 {
			t.Errorf("%s: line %d from pieces, %d from the whole file", path, got, want)
		}
	}
	for _, line := range []int{5, 900, 2000, 3000} {
		if got, want := d.pos.pathsOn(line), whole.pos.pathsOn(line); !reflect.DeepEqual(got, want) || len(want) == 0 {
			t.Errorf("line %d: paths %v from pieces, %v from the whole file", line, got, want)
		}
	}
}
