package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/topology"
)

// TestMatrixShardsMerge: a matrix split into n shards, each written as JSON
// and read back as --merge reads it, merges into exactly the matrix of one
// run, in every output format, whatever n (more shards than sources too).
func TestMatrixShardsMerge(t *testing.T) {
	var buf bytes.Buffer
	if err := scenarios.Generate(&buf, scenarios.GenOptions{VNets: 8, SubnetsPerVNet: 3, RulesPerNSG: 14, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	compiled, err := topology.Parse("estate.yaml", buf.Bytes(), topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	catalog, err := scenariosLoad("peered-cluster-forced-tunnel")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		n        *Network
		from, to string
	}{
		{"catalog, defaults", catalog, "", ""},
		{"catalog, vms to all", catalog, "vms", "all"},
		{"estate, subnets to services and internet", New(compiled), "subnets", "services,internet"},
	}
	for _, tc := range cases {
		one, err := tc.n.Matrix(tc.from, tc.to, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(one.Rows) == 0 {
			t.Fatalf("%s: an empty matrix proves nothing", tc.name)
		}
		want := render(t, one)
		for _, of := range []int{1, 2, 3, 7, 200} {
			t.Run(fmt.Sprintf("%s/%d shards", tc.name, of), func(t *testing.T) {
				var parts []*Matrix
				for i := of; i >= 1; i-- { // any order of the files
					m, err := tc.n.MatrixShard(tc.from, tc.to, MatrixShard{Index: i, Of: of}, nil)
					if err != nil {
						t.Fatal(err)
					}
					js, err := json.Marshal(m)
					if err != nil {
						t.Fatal(err)
					}
					var back Matrix
					if err := json.Unmarshal(js, &back); err != nil {
						t.Fatal(err)
					}
					if of > 1 && (back.Shard == nil || *back.Shard != (MatrixShard{i, of})) {
						t.Fatalf("shard %d/%d: the JSON names shard %v", i, of, back.Shard)
					}
					parts = append(parts, &back)
				}
				if of == 1 {
					if got := render(t, parts[0]); got != want {
						t.Fatalf("1/1 differs from one run:\n%s\nwant\n%s", got, want)
					}
					return
				}
				merged, err := MergeMatrices(parts)
				if err != nil {
					t.Fatal(err)
				}
				if got := render(t, merged); got != want {
					t.Fatalf("merged shards differ from one run:\n%s\nwant\n%s", got, want)
				}
			})
		}
	}
}

// render is the matrix in every output format.
func render(t *testing.T, m *Matrix) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteJSON(&b, m); err != nil {
		t.Fatal(err)
	}
	if err := WriteMatrixText(&b, m); err != nil {
		t.Fatal(err)
	}
	if err := WriteMatrixCSV(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestMergeMatricesRefuses(t *testing.T) {
	shard := func(i, of int, scenario string) *Matrix {
		return &Matrix{Version: JSONVersion, Scenario: scenario, Shard: &MatrixShard{i, of}}
	}
	for _, tc := range []struct {
		name  string
		parts []*Matrix
		want  string
	}{
		{"nothing", nil, "no shards"},
		{"a shard missing", []*Matrix{shard(1, 3, "a"), shard(3, 3, "a")}, "shards missing: 2/3"},
		{"a shard twice", []*Matrix{shard(1, 2, "a"), shard(1, 2, "a"), shard(2, 2, "a")}, "given twice"},
		{"two splits", []*Matrix{shard(1, 2, "a"), shard(2, 3, "a")}, "does not belong"},
		{"two scenarios", []*Matrix{shard(1, 2, "a"), shard(2, 2, "b")}, "two scenarios"},
		{"not a shard", []*Matrix{{Version: JSONVersion, Scenario: "a"}}, "not a shard"},
	} {
		if _, err := MergeMatrices(tc.parts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error with %q", tc.name, err, tc.want)
		}
	}
	for _, bad := range []string{"0/2", "3/2", "1/0", "a/b", "2", "1/2/3"} {
		if _, err := ParseMatrixShard(bad); err == nil {
			t.Errorf("ParseMatrixShard(%q) accepted", bad)
		}
	}
	if s, err := ParseMatrixShard("2/8"); err != nil || s != (MatrixShard{2, 8}) {
		t.Errorf("ParseMatrixShard(2/8) = %v, %v", s, err)
	}
}
