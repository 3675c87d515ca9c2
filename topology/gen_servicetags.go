//go:build ignore

// gen_servicetags converts a ServiceTags_Public JSON download into the
// compact form embedded in vnetsim (servicetags.txt): one tag a line,
// "name<TAB>region<TAB>systemService<TAB>prefix,prefix,...", after a header
// line "changeNumber<TAB>cloud". Run it with `make servicetags FILE=...`.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"strings"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go run gen_servicetags.go ServiceTags_Public.json servicetags.txt")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	check(err)
	var f struct {
		ChangeNumber int    `json:"changeNumber"`
		Cloud        string `json:"cloud"`
		Values       []struct {
			Name       string `json:"name"`
			Properties struct {
				Region          string   `json:"region"`
				SystemService   string   `json:"systemService"`
				AddressPrefixes []string `json:"addressPrefixes"`
			} `json:"properties"`
		} `json:"values"`
	}
	check(json.Unmarshal(data, &f))
	if len(f.Values) == 0 {
		check(fmt.Errorf("%s: no values", os.Args[1]))
	}
	out, err := os.Create(os.Args[2])
	check(err)
	w := bufio.NewWriter(out)
	fmt.Fprintf(w, "%d\t%s\n", f.ChangeNumber, f.Cloud)
	for _, v := range f.Values {
		for _, p := range v.Properties.AddressPrefixes {
			if _, err := netip.ParsePrefix(p); err != nil {
				check(fmt.Errorf("tag %s: %v", v.Name, err))
			}
		}
		for _, s := range []string{v.Name, v.Properties.Region, v.Properties.SystemService} {
			if strings.ContainsAny(s, "\t\n") {
				check(fmt.Errorf("tag %q: a tab or newline in a name", v.Name))
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", v.Name, v.Properties.Region, v.Properties.SystemService, strings.Join(v.Properties.AddressPrefixes, ","))
	}
	check(w.Flush())
	check(out.Close())
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen_servicetags:", err)
		os.Exit(1)
	}
}
