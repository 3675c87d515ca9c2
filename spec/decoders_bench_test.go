package spec_test

import (
	"bytes"
	stdjson "encoding/json"
	"testing"

	v2 "github.com/go-json-experiment/json"
	goccy "github.com/goccy/go-json"
	"go.yaml.in/yaml/v3"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/spec"
)

// BenchmarkDecoders decodes the same scenario (a generated estate of 200
// VNets and 20k NSG rules), strictly (unknown keys are errors), on one
// core, with each candidate: the choice of the JSON fast path was made on
// these figures. goccy/go-json and encoding/json match names in any case
// and accept a key twice, which yaml.v3 rejects, so they would need checks
// of their own; go-json-experiment/json rejects both as yaml.v3 does.
func BenchmarkDecoders(b *testing.B) {
	o := scenarios.GenOptions{VNets: 200, SubnetsPerVNet: 10, RulesPerNSG: 10, Seed: 1}
	var y, j bytes.Buffer
	if err := scenarios.Generate(&y, o); err != nil {
		b.Fatal(err)
	}
	if err := scenarios.GenerateJSON(&j, o); err != nil {
		b.Fatal(err)
	}
	defer spec.SetJSONFast(false)()
	run := func(b *testing.B, data []byte, decode func([]byte, *spec.Scenario) error) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var sc spec.Scenario
			if err := decode(data, &sc); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("yaml.v3/yaml", func(b *testing.B) {
		run(b, y.Bytes(), func(d []byte, sc *spec.Scenario) error {
			dec := yaml.NewDecoder(bytes.NewReader(d))
			dec.KnownFields(true)
			return dec.Decode(sc)
		})
	})
	b.Run("yaml.v3/json", func(b *testing.B) {
		run(b, j.Bytes(), func(d []byte, sc *spec.Scenario) error {
			dec := yaml.NewDecoder(bytes.NewReader(d))
			dec.KnownFields(true)
			return dec.Decode(sc)
		})
	})
	b.Run("go-json-experiment/json", func(b *testing.B) {
		run(b, j.Bytes(), func(d []byte, sc *spec.Scenario) error {
			return v2.Unmarshal(d, sc, v2.RejectUnknownMembers(true))
		})
	})
	b.Run("goccy/go-json", func(b *testing.B) {
		run(b, j.Bytes(), func(d []byte, sc *spec.Scenario) error {
			dec := goccy.NewDecoder(bytes.NewReader(d))
			dec.DisallowUnknownFields()
			return dec.Decode(sc)
		})
	})
	b.Run("encoding/json", func(b *testing.B) {
		run(b, j.Bytes(), func(d []byte, sc *spec.Scenario) error {
			dec := stdjson.NewDecoder(bytes.NewReader(d))
			dec.DisallowUnknownFields()
			return dec.Decode(sc)
		})
	})
}
