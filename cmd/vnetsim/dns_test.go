package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"
)

const dnsScenario = "../../dnsmock/testdata/links.yaml"

// dnsNames are asked of the server and of `dns query` alike.
var dnsNames = []string{
	"fb000000-0000-4000-8000-000000000001.workspace.eastus.api.azureml.ms",
	"ml-mlw-eastus-fb000000-0000-4000-8000-000000000001.eastus.notebooks.azure.net",
	"stmlw.file.core.windows.net",
	"crmlw.eastus.data.azurecr.io",
	"jumpbox.contoso.internal",
	"www.contoso.internal",
	"nothere.contoso.internal",
	"loop1.contoso.internal",
	"example.org",
}

// queryJSON runs `vnetsim dns query -o json` and returns its rcode and
// answers as "name ttl IN type value" lines.
func queryJSON(t *testing.T, from, name string) (string, []string) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run([]string{"dns", "query", dnsScenario, "--from", from, name, "-o", "json"}, &out, &errb); code != 0 {
		t.Fatalf("dns query %s: exit %d: %s", name, code, errb.String())
	}
	var a struct {
		Rcode   string `json:"rcode"`
		Answers []struct {
			Name  string `json:"name"`
			Type  string `json:"type"`
			TTL   uint32 `json:"ttl"`
			Value string `json:"value"`
		} `json:"answers"`
	}
	if err := json.Unmarshal(out.Bytes(), &a); err != nil {
		t.Fatalf("dns query %s: %v\n%s", name, err, out.String())
	}
	lines := []string{}
	for _, r := range a.Answers {
		lines = append(lines, strings.Join([]string{r.Name, strconv.FormatUint(uint64(r.TTL), 10), "IN", r.Type, r.Value}, " "))
	}
	return a.Rcode, lines
}

// serve starts `vnetsim dns serve` in-process and returns its address.
func serve(t *testing.T, from string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan net.Addr, 1)
	done := make(chan error, 1)
	var errb bytes.Buffer
	go func() {
		done <- runDNSServe(ctx, &env{stdout: io.Discard, stderr: &errb}, []string{dnsScenario, "--from", from, "--listen", "127.0.0.1:0"}, func(a net.Addr) { started <- a })
	}()
	var addr string
	select {
	case a := <-started:
		addr = a.String()
	case err := <-done:
		t.Fatalf("dns serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("dns serve did not start")
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("dns serve: %v", err)
		}
	})
	return addr
}

// TestDNSServeMatchesQuery checks that the server answers over UDP and TCP
// exactly what `vnetsim dns query` prints for the same endpoint.
func TestDNSServeMatchesQuery(t *testing.T) {
	for _, from := range []string{"cpu-cluster", "lonely-vm", "jumpbox"} {
		addr := serve(t, from)
		for _, network := range []string{"udp", "tcp"} {
			c := &dns.Client{Net: network, Timeout: 2 * time.Second}
			for _, name := range dnsNames {
				rcode, want := queryJSON(t, from, name)
				m := new(dns.Msg)
				m.SetQuestion(dns.Fqdn(name), dns.TypeA)
				r, _, err := c.Exchange(m, addr)
				if err != nil {
					t.Fatalf("%s %s %s: %v", from, network, name, err)
				}
				got := []string{}
				for _, rr := range r.Answer {
					got = append(got, strings.Join(strings.Fields(rr.String()), " "))
				}
				if dns.RcodeToString[r.Rcode] != rcode || strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("%s over %s, %s: server %s %q, dns query %s %q", from, network, name, dns.RcodeToString[r.Rcode], got, rcode, want)
				}
			}
		}
	}
}

// TestDNSServeDig runs the real dig against the server when it is
// installed: `dig @127.0.0.1 -p PORT NAME` must give what dns query gives.
func TestDNSServeDig(t *testing.T) {
	dig, err := exec.LookPath("dig")
	if err != nil {
		t.Skip("dig is not installed")
	}
	addr := serve(t, "lonely-vm")
	host, port, _ := net.SplitHostPort(addr)
	for _, name := range dnsNames {
		for _, transport := range []string{"+notcp", "+tcp"} {
			out, err := exec.Command(dig, "@"+host, "-p", port, transport, "+time=2", "+tries=1", "+noall", "+answer", "+comments", name, "A").Output()
			if err != nil {
				t.Fatalf("dig %s: %v", name, err)
			}
			var got []string
			status := ""
			for _, line := range strings.Split(string(out), "\n") {
				if i := strings.Index(line, "status: "); i >= 0 {
					status = strings.TrimSuffix(strings.Fields(line[i+len("status: "):])[0], ",")
				}
				if line != "" && !strings.HasPrefix(line, ";") {
					got = append(got, strings.Join(strings.Fields(line), " "))
				}
			}
			rcode, want := queryJSON(t, "lonely-vm", name)
			if status != rcode || strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("dig %s %s: %s %q, dns query %s %q", transport, name, status, got, rcode, want)
			}
		}
	}
}

// signalWriter collects stderr and reports when it first contains want.
type signalWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestDNSServeInterrupt sends SIGINT to the process while `vnetsim dns
// serve` runs: the command prints its address, stops cleanly and exits 0.
func TestDNSServeInterrupt(t *testing.T) {
	stderr := &signalWriter{want: "interrupt to stop", seen: make(chan struct{})}
	code := make(chan int, 1)
	go func() {
		code <- run([]string{"dns", "serve", dnsScenario, "--from", "jumpbox", "--listen", "127.0.0.1:0"}, &bytes.Buffer{}, stderr)
	}()
	select {
	case <-stderr.seen:
	case c := <-code:
		t.Fatalf("dns serve exited with %d before serving: %s", c, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("dns serve did not start")
	}
	if !strings.Contains(stderr.String(), "on 127.0.0.1:") {
		t.Errorf("stderr does not give the listening address: %q", stderr.String())
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code %d after SIGINT, want 0: %s", c, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("dns serve did not stop on SIGINT")
	}
	if !strings.Contains(stderr.String(), "DNS server stopped") {
		t.Errorf("stderr = %q, want the server to say it stopped", stderr.String())
	}
}

// TestDNSQueryType checks --type: SOA at a zone apex is answered, and NONE
// (type 0, which the resolver would read as A) is a usage error.
func TestDNSQueryType(t *testing.T) {
	for _, c := range []struct {
		typ, name string
		code      int
		out       string
	}{
		{"SOA", "contoso.internal", 0, "contoso.internal. 3600 IN SOA azureprivatedns.net. azureprivatedns-host.microsoft.com. 1 3600 300 2419200 10"},
		{"NONE", "app.contoso.internal", 2, ""},
		{"BOGUS", "app.contoso.internal", 2, ""},
	} {
		var out, errb bytes.Buffer
		code := run([]string{"dns", "query", dnsScenario, "--from", "jumpbox", "--type", c.typ, c.name}, &out, &errb)
		if code != c.code {
			t.Errorf("--type %s: exit %d, want %d: %s", c.typ, code, c.code, errb.String())
		}
		if !strings.Contains(out.String(), c.out) {
			t.Errorf("--type %s: output lacks %q:\n%s", c.typ, c.out, out.String())
		}
	}
}
