package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/vnetsim/vnetsim/scenarios"
	"github.com/vnetsim/vnetsim/sim"
)

// The browser tests drive Debian's chromium (make test installs it as root)
// through the DevTools protocol with chromedp. Without chromium they skip,
// saying so once on stderr.

var skipOnce sync.Once

// chromiumPath finds the browser, or skips the test with one clear line.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("VNETSIM_CHROMIUM"), "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "browser tests skipped: chromium is not installed (make test installs it with apt-get when run as root)"
	skipOnce.Do(func() { fmt.Fprintln(os.Stderr, msg) })
	t.Skip(msg)
	return ""
}

// page is a headless chromium tab that records console errors, uncaught
// exceptions and every URL the page requests.
type page struct {
	ctx      context.Context
	mu       sync.Mutex
	errors   []string
	requests []string
}

func newPage(t *testing.T) *page {
	t.Helper()
	exe := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, tcancel := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { tcancel(); cancel(); acancel() })
	p := &page{ctx: ctx}
	listen := func(ev any) {
		p.mu.Lock()
		defer p.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range ev.Args {
					args = append(args, fmt.Sprint(a.Value))
				}
				p.errors = append(p.errors, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
			}
		case *runtime.EventExceptionThrown:
			p.errors = append(p.errors, fmt.Sprintf("exception: %s at %s:%d", ev.ExceptionDetails.Text, ev.ExceptionDetails.URL, ev.ExceptionDetails.LineNumber))
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				p.errors = append(p.errors, fmt.Sprintf("log %s: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		case *network.EventRequestWillBeSent:
			p.requests = append(p.requests, ev.Request.URL)
		}
	}
	if err := chromedp.Listen(ctx, listen); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	p.run(t, "enable the network and log domains", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, cdplog.Enable, cdp.Empty{})
		return err
	}))
	return p
}

func (p *page) run(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// get runs one action that returns a value.
func get[T any](t *testing.T, p *page, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(p.ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func (p *page) noErrors(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.errors {
		t.Errorf("browser console: %s", e)
	}
}

// screenshot saves a PNG of the viewport, or of one element, into the
// test's temporary directory (and into $VNETSIM_SCREENSHOTS when set, to
// look at).
func (p *page) screenshot(t *testing.T, name, sel string) {
	t.Helper()
	act := chromedp.CaptureScreenshot()
	if sel != "" {
		act = chromedp.Screenshot(chromedp.CSS(sel))
	}
	buf := get(t, p, "screenshot "+name, act)
	dirs := []string{t.TempDir()}
	if d := os.Getenv("VNETSIM_SCREENSHOTS"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		if err := os.WriteFile(filepath.Join(d, name+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// domOutcome is what the page says of one expectation.
type domOutcome struct {
	File, Name, Got, Reason string
	Line                    int
	Passed                  bool
}

// TestReportInChromium writes the report of the whole catalog, opens it in
// chromium from disk, and checks that it loads nothing, logs no error,
// shows the verdicts `check -o json` gives, and draws the failing hop of a
// trace when its expectation is opened with the keyboard.
func TestReportInChromium(t *testing.T) {
	p := newPage(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "report.html")
	files := scenarios.Names()
	for i, f := range files {
		files[i] = scenarios.Prefix + f
	}
	var stderr bytes.Buffer
	if code := run(append([]string{"report", "-o", out}, files...), io.Discard, &stderr); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr.String())
	}
	var checkOut bytes.Buffer
	if code := run(append([]string{"check", "-o", "json"}, files...), &checkOut, io.Discard); code != 0 {
		t.Fatalf("check: exit %d", code)
	}
	var rep sim.CheckReport
	if err := json.Unmarshal(checkOut.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}

	p.run(t, "open the report",
		chromedp.Navigate("file://"+out),
		chromedp.WaitReady(chromedp.CSS("#summary")))
	dom := get(t, p, "read the outcomes", chromedp.Evaluate[[]domOutcome](`Array.from(document.querySelectorAll("details.outcome")).map(d => ({File: d.dataset.file, Name: d.dataset.name, Got: d.dataset.got, Reason: d.dataset.reason, Line: +d.dataset.line, Passed: d.dataset.passed === "true"}))`))
	if len(dom) != len(rep.Outcomes) {
		t.Fatalf("the report shows %d expectations, check -o json %d", len(dom), len(rep.Outcomes))
	}
	for i, o := range rep.Outcomes {
		want := domOutcome{File: o.File, Name: o.Name, Got: o.Got, Reason: o.Reason, Line: o.Line, Passed: o.Passed}
		if dom[i] != want {
			t.Errorf("expectation %d: the report shows %+v, check -o json %+v", i, dom[i], want)
		}
	}
	passed := get(t, p, "read the summary", chromedp.AttributeValue(chromedp.CSS("#summary"), "data-passed")).Value
	failed := get(t, p, "read the summary", chromedp.AttributeValue(chromedp.CSS("#summary"), "data-failed")).Value
	if passed != fmt.Sprint(rep.Passed) || failed != fmt.Sprint(rep.Failed) {
		t.Errorf("summary: %s passed, %s failed; check -o json: %d, %d", passed, failed, rep.Passed, rep.Failed)
	}

	// Open the asymmetric-return expectation with the keyboard: its route
	// default-via-nva is the blocked hop, red and in words.
	id := get(t, p, "find the asymmetric-return expectation", chromedp.Evaluate[string](
		`Array.from(document.querySelectorAll("details.outcome")).find(d => d.dataset.file === "catalog:peered-cluster-forced-tunnel#no-aml-route" && d.dataset.name.startsWith("Azure ML's connection to 44224")).id`))
	sel := "#" + id
	p.run(t, "open it from the keyboard",
		chromedp.Focus(chromedp.CSS(sel+" > summary")),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(sel+" li.mark-blocked")),
		chromedp.ScrollIntoView(chromedp.CSS(sel)))
	open := get(t, p, "read open", chromedp.Evaluate[bool](`document.querySelector("`+sel+`").open`))
	blocked := get(t, p, "read the blocked hop", chromedp.Text(chromedp.CSS(sel+" li.mark-blocked")))
	border := get(t, p, "read its border", chromedp.Evaluate[string](`getComputedStyle(document.querySelector("`+sel+` li.mark-blocked")).borderTopColor`))
	badge := get(t, p, "read its badge", chromedp.Text(chromedp.CSS(sel+" li.mark-blocked .badge")))
	if !open {
		t.Error("Enter on the summary did not open the expectation")
	}
	if !strings.Contains(blocked, "route match") || !strings.Contains(blocked, "rt-training/default-via-nva") {
		t.Errorf("blocked hop %q, want the route default-via-nva", blocked)
	}
	if border != "rgb(183, 28, 28)" {
		t.Errorf("blocked hop border %s, want red rgb(183, 28, 28)", border)
	}
	if !strings.Contains(badge, "BLOCKED HERE") {
		t.Errorf("blocked hop badge %q, want words, not only colour", badge)
	}
	p.screenshot(t, "report-asymmetric-return", sel)
	p.run(t, "scroll to the top", chromedp.Evaluate[chromedp.Void]("window.scrollTo(0, 0)"))
	p.screenshot(t, "report-top", "")

	links := get(t, p, "list external references", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("[src],[href]")).map(e => e.getAttribute("src") || e.getAttribute("href")).filter(u => !u.startsWith("#"))`))
	if len(links) > 0 {
		t.Errorf("the report refers to %q; it must be self-contained", links)
	}
	p.mu.Lock()
	for _, u := range p.requests {
		if !strings.HasPrefix(u, "file://") {
			t.Errorf("the report requested %s", u)
		}
	}
	p.mu.Unlock()
	p.noErrors(t)
}

// startServe runs `vnetsim serve` in-process on a free loopback port.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- serveHTTP(ctx, &env{stdout: io.Discard, stderr: io.Discard}, append(args, "--listen", "127.0.0.1:0"), func(a net.Addr) { started <- a })
	}()
	var addr net.Addr
	select {
	case addr = <-started:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not start")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
	})
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil || !ap.Addr().IsLoopback() {
		t.Fatalf("serve listens on %s, want loopback", addr)
	}
	return "http://" + addr.String()
}

// TestServeIsReadOnlyAndLoopback: the server refuses writes and a
// non-loopback address.
func TestServeIsReadOnlyAndLoopback(t *testing.T) {
	base := startServe(t, "catalog:peered-cluster-forced-tunnel")
	client := &http.Client{Timeout: 20 * time.Second}
	resp, err := client.Post(base+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %s, want 405", resp.Status)
	}
	resp, err = client.Get(base + "/?variant=no-aml-route&from=AzureMachineLearning.WestUS&to=cpu-cluster&protocol=Tcp&port=44224")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `class="hop mark-blocked"`) {
		t.Errorf("GET of the failing trace: %s, no blocked hop", resp.Status)
	}
	for _, listen := range []string{"0.0.0.0:8080", "192.0.2.1:8080", "example.com:80"} {
		var stderr bytes.Buffer
		if code := run([]string{"serve", "catalog:peered-cluster-forced-tunnel", "--listen", listen}, io.Discard, &stderr); code != exitUsage {
			t.Errorf("serve --listen %s: exit %d, want %d", listen, code, exitUsage)
		}
	}
}

// TestServeInChromium drives the served page: pick a variant, pick a flow,
// see the red hop; then edit the scenario file and see the page follow.
func TestServeInChromium(t *testing.T) {
	p := newPage(t)
	src, err := scenarios.Read("peered-cluster-forced-tunnel")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "scenario.yaml")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	base := startServe(t, file)

	p.run(t, "pick the variant, then the flow",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`nav.variants`)),
		chromedp.Click(chromedp.Search(`//nav[@class="variants"]//a[text()="no-aml-route"]`)),
		chromedp.WaitVisible(chromedp.Search(`//nav[@class="variants"]//a[text()="no-aml-route" and @aria-current="page"]`)),
		chromedp.SetValue(chromedp.CSS(`#from`), "AzureMachineLearning.WestUS"),
		chromedp.SetValue(chromedp.CSS(`#to`), "cpu-cluster"),
		chromedp.SetValue(chromedp.CSS(`#port`), "44224"),
		chromedp.Click(chromedp.CSS(`#trace`)),
		chromedp.WaitVisible(chromedp.CSS(`#result li.mark-blocked`)))
	verdict := get(t, p, "read the verdict", chromedp.Text(chromedp.CSS(`#result p.verdict`)))
	blocked := get(t, p, "read the blocked hop", chromedp.Text(chromedp.CSS(`#result li.mark-blocked`)))
	if !strings.Contains(verdict, "DENIED (asymmetric-return): blocked by route default-via-nva in rt-training") {
		t.Errorf("verdict %q", verdict)
	}
	if !strings.Contains(blocked, "BLOCKED HERE") || !strings.Contains(blocked, "rt-training/default-via-nva") {
		t.Errorf("blocked hop %q, want the route default-via-nva", blocked)
	}
	p.screenshot(t, "serve-no-aml-route", "#result")

	// The scenario itself lets the flow through; point its aml-direct
	// route elsewhere in the file and the open page reloads to the denial.
	p.run(t, "the same flow on the scenario",
		chromedp.Click(chromedp.Search(`//nav[@class="variants"]//a[text()="the scenario"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#result li.mark-delivered`)))
	delivered := get(t, p, "read the delivered hop", chromedp.Text(chromedp.CSS(`#result li.mark-delivered`)))
	if !strings.Contains(delivered, "delivered") || !strings.Contains(delivered, "cpu-cluster") {
		t.Errorf("delivered hop %q", delivered)
	}
	edited := strings.Replace(string(src), "{name: aml-direct, addressPrefix: AzureMachineLearning, nextHopType: Internet}", "{name: aml-direct, addressPrefix: 192.0.2.0/24, nextHopType: Internet}", 1)
	if edited == string(src) {
		t.Fatal("the catalog scenario no longer has the aml-direct route line this test deletes")
	}
	time.Sleep(20 * time.Millisecond) // a different modification time on coarse clocks
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	p.run(t, "the page follows the edit", chromedp.WaitVisible(chromedp.CSS(`#result li.mark-blocked`)))
	blocked = get(t, p, "read the blocked hop", chromedp.Text(chromedp.CSS(`#result li.mark-blocked`)))
	if !strings.Contains(blocked, "rt-training/default-via-nva") {
		t.Errorf("after the edit, blocked hop %q", blocked)
	}
	p.screenshot(t, "serve-after-edit", "")

	// A mistake in the file is shown on the page, file:line: key: message.
	time.Sleep(20 * time.Millisecond)
	if err := os.WriteFile(file, []byte(strings.Replace(edited, "nextHopType: VirtualAppliance", "nextHopType: Appliance", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	p.run(t, "the page shows the mistake", chromedp.WaitVisible(chromedp.CSS(`div.error[role=alert]`)))
	msg := get(t, p, "read the mistake", chromedp.Text(chromedp.CSS(`div.error[role=alert]`)))
	if !strings.Contains(msg, "scenario.yaml:") || !strings.Contains(msg, "nextHopType") {
		t.Errorf("the page shows %q, want file:line: key: message", msg)
	}
	p.noErrors(t)
}
